"""The delårsrapport in the organisation's own order (Delårsrapport T2 2022), built from chat entries alone.

Issue #21 describes the published report's chapters: Inledning with the mission, the vision, the six
strategic goals and the evaluation; the events grouped by partnership and then by 3 K effect;
Medarbetare; chapter 2 with its examples and §2.2 Ekonomisk redovisning (2.2.1 the staff's
financing); chapters 3–7; the Bilaga. A goal whose indicators are measured in November keeps its
heading and its rows ("— Mätning genomförs i november 2022."). The .docx is opened again and read
in document order, as a reader meets it. A text for a section the report does not print is refused
with the sections it has, and nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from sqlalchemy import func
from sqlmodel import select

from kubot import db, facts
from kubot.adapters import compose, console
from kubot.chat.core import Bot
from kubot.models import Entry, NarrativeText
from kubot.periods import Period
from kubot.plan import loading
from kubot.report import content, gather
from kubot.report.model import Bullets, Paragraph
from kubot.settings import Settings
from kubot.verdicts import Snapshot
from tests.conftest import PLANS

ADMIN = "Ola Götesson"
IN_AUGUST = datetime(2022, 8, 25, 9, 0, tzinfo=UTC)
IN_SEPTEMBER = datetime(2022, 9, 12, 9, 0, tzinfo=UTC)
SOCIAL = "FoUrum social välfärd och hälso- och sjukvård"
TEXTS = {
    "inledning": "Första delen av 2022 har präglats av återgången till fysiska möten efter pandemin.",
    "utvärdering": "Verksamheten följs upp tre gånger per år; den årliga enkäten besvaras av nätverken i november.",
    "medarbetare": "Medarbetarna är tillsvidareanställda, visstidsanställda i projekt eller inlånade från kommunerna.",
    "ekonomi": "Ekonomin följer budget; de kvarvarande medlen är till största delen statliga medel.",
    "åtgärder": "Närvaron i chefsnätverken följs upp med varje nätverk under hösten.",
}
DURING_THE_PERIOD = (
    "närvaro PKS 2022-03-10 11 av 13",
    "närvaro PKS 2022-06-09 12 av 13",
    (
        "aktivitet a-projektansokningar pågår exempel: Sju projektansökningar är inskickade under våren, bland annat"
        " till ESF-rådet."
    ),
    "händelse 2022-03-01: PKS har fastställt verksamhetsplanen för 2022.",
    "händelse Barnahus kompetens 2022-04-20: Fyra utbildningar om hedersrelaterat våld för socialtjänsten.",
    "händelse Äldre 2022-05-12: Hemsjukvårdsavtalet är uppföljt och reviderat.",
    "händelse Miljösamverkan kvalitet 2022-06-01: En gemensam tillsynskampanj om hälsoskydd i förskolor.",
)
AFTER_THE_PERIOD = (
    "ekonomi Miljösamverkan 2022-08-31: ingående 190, erhållna 600, budget 990, utfall 610",
    (
        "årsarbetare 2022: tillsvidare 30,5 visstid 9,5 tjänsteköp 9,13 varav finansierade av kommunerna 29,48 och"
        " externt 19,65"
    ),
    *(f"text {key} T2 2022: {text}" for key, text in TEXTS.items()),
)


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u2011", "-").replace("\u00ad", "")


@dataclass(frozen=True)
class Piece:
    """A paragraph (with its style) or a table (its rows), in the order the document has them."""

    style: str
    text: str
    rows: tuple[tuple[str, ...], ...] = ()


def _read(path: Path) -> list[Piece]:
    """The body after the table of contents: paragraphs and tables in document order."""
    document = docx.Document(str(path))
    paragraphs, tables = iter(document.paragraphs), iter(document.tables)
    pieces: list[Piece] = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            paragraph = next(paragraphs)
            pieces.append(Piece(paragraph.style.name, _plain(paragraph.text)))
        elif child.tag.endswith("}tbl"):
            table = next(tables)
            rows = tuple(tuple(_plain(cell.text) for cell in row.cells) for row in table.rows)
            pieces.append(Piece("table", rows[0][0], rows))
    start = next(i for i, piece in enumerate(pieces) if piece.style == "Heading 1" and piece.text == "1 Inledning")
    return pieces[start:]


def _between(pieces: list[Piece], first: str, last: str | None) -> list[Piece]:
    """The pieces from the heading that starts with `first` up to the next heading that starts with `last`."""
    start = next(i for i, p in enumerate(pieces) if p.style.startswith("Heading") and p.text.startswith(first))
    end = next(
        (
            i
            for i, p in enumerate(pieces)
            if i > start and p.style.startswith("Heading") and last and p.text.startswith(last)
        ),
        len(pieces),
    )
    return pieces[start:end]


@pytest.fixture(scope="module")
def chat(tmp_path_factory: pytest.TempPathFactory) -> tuple[Bot, Settings]:
    work = tmp_path_factory.mktemp("delarsrapport")
    settings = Settings(database_url=f"sqlite:///{work / 'kubot.db'}", report_dir=work / "rapporter")
    engine = compose.start(settings)
    during = Bot(engine, settings, clock=lambda: IN_AUGUST)
    for message in DURING_THE_PERIOD:
        assert console.say(during, ADMIN, message).accepted, message
    after = Bot(engine, settings, clock=lambda: IN_SEPTEMBER)
    for message in AFTER_THE_PERIOD:
        reply = console.say(after, ADMIN, message)
        assert reply.accepted, (message, reply.text)
    return after, settings


@pytest.fixture(scope="module")
def t2(chat: tuple[Bot, Settings]) -> list[Piece]:
    reply = console.say(chat[0], ADMIN, "rapport T2 2022")
    assert reply.files, reply.text
    return _read(reply.files[0].path)


def test_the_t2_report_has_the_organisations_chapters_in_its_order(t2: list[Piece]) -> None:
    plan = loading.load(loading.sample_text())
    goals = [sg.name for sg in plan.strategic_goals]
    headings = [(p.style, p.text) for p in t2 if p.style.startswith("Heading")]
    chapters = [text for style, text in headings if style == "Heading 1"]
    assert chapters == [
        "1 Inledning",
        *(f"{n} {name}" for n, name in enumerate(goals, start=2)),
        "Bilaga 1: Symbolförteckning för mätetal och aktiviteter",
    ], "chapters 2–7 are the six strategic goals, then the Bilaga"
    inledning = [text for style, text in headings if style == "Heading 2" and text.startswith("1.")]
    assert inledning == [
        "1.1 Utvärdering av Kommunal utvecklings verksamhet",
        "1.2 Viktiga händelser",
        "1.3 Medarbetare",
        "1.4 Åtgärder under resten av året",
    ]
    chapter_2 = [(style, text) for style, text in headings if text.startswith("2.")]
    assert chapter_2[:3] == [
        ("Heading 2", "2.1 Exempel på aktiviteter"),
        ("Heading 2", "2.2 Ekonomisk redovisning"),
        ("Heading 3", "2.2.1 Årsarbetare och deras finansiering"),
    ], "the economy is §2.2, inside chapter 2"
    assert not any(text.endswith(("Ekonomi", "Framtiden")) or text.startswith("8 ") for _, text in headings)


def test_the_inledning_has_the_mission_the_six_strategic_goals_and_the_evaluation(t2: list[Piece]) -> None:
    plan = loading.load(loading.sample_text())
    inledning = _between(t2, "1 Inledning", "2 ")
    texts = [p.text for p in inledning]
    assert plan.organisation.mission.split("\n")[0].strip() in texts
    assert TEXTS["inledning"] in texts
    assert "Kommunal utveckling har 6 strategiska mål:" in texts
    bullets = [p.text for p in inledning if p.style == "List Bullet"]
    assert [name for name in (sg.name for sg in plan.strategic_goals) if name in bullets] == [
        sg.name for sg in plan.strategic_goals
    ]
    evaluation = [p.text for p in _between(t2, "1.1 Utvärdering", "1.2 ")]
    assert TEXTS["utvärdering"] in evaluation, "text utvärdering is printed in the delårsrapport, in the Inledning"


def test_events_are_grouped_by_partnership_and_then_by_3k(t2: list[Piece]) -> None:
    events = [p.text for p in _between(t2, "1.2 Viktiga händelser", "1.3 ")]
    assert events == [
        "1.2 Viktiga händelser",
        "Hela verksamheten", "PKS har fastställt verksamhetsplanen för 2022.",
        SOCIAL, "Hemsjukvårdsavtalet är uppföljt och reviderat.",
        "Kompetenshöjning", "Fyra utbildningar om hedersrelaterat våld för socialtjänsten.",
        "Miljösamverkan Jönköpings län", "Kvalitetshöjning", "En gemensam tillsynskampanj om hälsoskydd i förskolor.",
    ], "partnership first (in the plan's order), its events, then its 3 K effects by effect"


def test_medarbetare_and_the_staff_financing_are_printed_where_the_organisation_has_them(t2: list[Piece]) -> None:
    staff = _between(t2, "1.3 Medarbetare", "1.4 ")
    assert TEXTS["medarbetare"] in [p.text for p in staff], "text medarbetare is printed in T2"
    [table] = [p for p in staff if p.style == "table"]
    assert table.rows[-1][:5] == ("2022", "9,13", "30,50", "9,50", "49,13"), "the årsarbetare figures are printed in T2"
    financing = [p.text for p in _between(t2, "2.2.1 ", "2.3 ")]
    assert (
        "Kommunal utveckling har 49,13 årsarbetare, varav 29,48 finansierade av kommunerna och 19,65 externt."
        in financing
    )
    economy = _between(t2, "2.2 Ekonomisk redovisning", "2.2.1 ")
    assert TEXTS["ekonomi"] in [p.text for p in economy]
    assert any(p.style == "table" and any(row[0].startswith("Miljösamverkan") for row in p.rows) for p in economy)
    assert TEXTS["åtgärder"] in [p.text for p in _between(t2, "1.4 Åtgärder", "2 ")]


def test_a_goal_measured_later_in_the_year_keeps_its_heading_and_its_row(t2: list[Piece]) -> None:
    heading = next(p.text for p in t2 if p.style == "Heading 2"
                   and p.text.endswith("Kommunal utveckling underlättar samverkan med Region Jönköpings län"))
    rows = [row for p in _between(t2, heading, "3.") if p.style == "table" for row in p.rows[1:]]
    survey = next(row for row in rows if "samverkan med Region Jönköpings län" in row[0] and "mycket nöjda" in row[0])
    assert survey[0].startswith("○ ") and survey[2:] == ("—", "Mätning genomförs i november 2022.")
    others = _between(t2, "3.", "4 ")
    assert any(p.text.endswith("Kommunal utveckling stimulerar samverkan mellan länets kommuner") for p in others), \
        "a goal whose only indicator is the November survey keeps its heading"


def _entries(bot: Bot) -> tuple[int, int]:
    with db.session_scope(bot.engine) as session:
        return (session.exec(select(func.count()).select_from(Entry)).one(),
                session.exec(select(func.count()).select_from(NarrativeText)).one())


@pytest.mark.parametrize(
    ("message", "listed", "example"),
    [
        (
            "text framtiden T2 2022: Under hösten väljs en ny PKS.",
            "inledning, utvärdering, medarbetare, åtgärder och ekonomi",
            "”text inledning T2 2022: …”",
        ),
        (
            "text åtgärder 2022: Närvaron följs upp.",
            "inledning, utvärdering, medarbetare, framtiden och ekonomi",
            "”text inledning T3 2022: …”",
        ),
    ],
)
def test_a_text_for_a_section_the_report_does_not_print_is_refused_with_the_sections_it_has(
        bot: Bot, message: str, listed: str, example: str) -> None:
    before = _entries(bot)
    reply = console.say(bot, ADMIN, message)
    assert reply.accepted is False
    assert "har inget avsnitt" in reply.text and listed in reply.text and example in reply.text, reply.text
    assert _entries(bot) == before, "nothing is stored"
    accepted = console.say(bot, ADMIN, "text åtgärder T2 2022: Närvaron följs upp med varje nätverk under hösten.")
    assert accepted.accepted and _entries(bot) == (
        before[0] + 1,
        before[1] + 1,
    ), "the section the delårsrapport has is stored"


@pytest.mark.parametrize("period", [Period(2022, 1), Period(2022, 2), Period(2022, 3)])
def test_every_text_a_report_shape_accepts_is_printed_in_it(period: Period) -> None:
    plan = loading.load((PLANS / "small.yaml").read_text(encoding="utf-8"))
    accepted = content.text_sections(period)
    texts = {section.key: f"Texten för avsnittet {section.key} i {period.code}." for section in accepted}
    data = gather.ReportData(
        period=period, plan=plan, facts=facts.Facts(), events=(), economy=(), staff_fte=(), texts=texts
    )
    snapshot = Snapshot(period=period, made_at=IN_SEPTEMBER, as_of=date(2022, 9, 12), deadline=None, indicators=(),
                        activities=(), warnings=(), id=None)
    report = content.build(data, snapshot, content.Request(period), made_at=IN_SEPTEMBER)
    printed = {
        p.text
        for b in report.blocks
        for p in ((b,) if isinstance(b, Paragraph) else b.items if isinstance(b, Bullets) else ())
    }
    assert all(text in printed for text in texts.values()), [k for k, t in texts.items() if t not in printed]
    assert {s.key for s in content.all_text_sections()} - set(texts), "each shape leaves out a text the other prints"
