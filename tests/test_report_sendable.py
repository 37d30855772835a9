"""Reports a manager can send, built from the demo year (Verksamhetsberättelse 2018 as chat entries).

The files are opened again and read like a reader would: every section is there, nothing is
said twice, no system language in the body, and the figures are the organisation's own
(14 applications, 57 %, 945 520 kr). The delårsrapport has the lean shape, and a report as of
a cut-off comes out the same when made again after later entries.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest

from kubot import evaluation
from kubot.adapters import console
from kubot.chat.core import Bot
from kubot.db import session_scope
from kubot.periods import Period
from kubot.report import goal_tables, parts
from kubot.settings import Settings
from tests.conftest import DEMO_NOW

ADMIN = "Ola Götesson"
SYSTEM_WORDS = (
    "kubot",
    "utvärdering nr",
    "Ansvarig:",
    "Registrera med",
    "Ingen status rapporterad",
    "Mätningen görs i",
    "Inga enkätsvar",
    "registrerade för",
    "regel",
    "UTKAST –",
)


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u2011", "-").replace("\u00ad", "")


def _order(bot: Bot, message: str) -> Path:
    reply = console.say(bot, ADMIN, message)
    assert reply.files, reply.text
    [file] = reply.files
    assert file.path.is_absolute() and str(file.path) not in reply.text, "the reply is for any platform: no server path"
    assert console.render(reply).count(str(file.path)) == 1, "the console, where the file is, shows its path once"
    return file.path


@pytest.fixture(scope="module")
def annual(demo_year: tuple[Bot, Settings]) -> Path:
    return _order(demo_year[0], "rapport T3 2018 dnr RJL 2017/1522")


@pytest.fixture(scope="module")
def interim(demo_year: tuple[Bot, Settings]) -> Path:
    return _order(demo_year[0], "rapport T2 2018")


def _body(path: Path) -> list[str]:
    """What a reader of the sent report reads: the paragraphs after the table of contents and the table cells,
    without the internal notes the sender deletes."""
    document = docx.Document(str(path))
    paragraphs = [_plain(p.text) for p in document.paragraphs]
    start = next(
        i for i, p in enumerate(document.paragraphs) if p.style.name == "Heading 1" and p.text.startswith("1 ")
    )
    cells = [_plain(cell.text) for table in document.tables for row in table.rows for cell in row.cells]
    return [text for text in paragraphs[start:] + cells if text and not text.startswith("INTERNT")]


def _tables(path: Path, first_header: str) -> list[list[list[str]]]:
    return [[[_plain(c.text) for c in row.cells] for row in table.rows] for table in docx.Document(str(path)).tables
            if _plain(table.rows[0].cells[0].text) == first_header]


def test_the_annual_report_has_every_section_filled_from_chat_and_import(annual: Path) -> None:
    text = "\n".join(_body(annual))
    headings = [_plain(p.text) for p in docx.Document(str(annual)).paragraphs if p.style.name.startswith("Heading")]
    for section in ("1.4 Medarbetare", "1.5 Framtiden", "8 Ekonomi", "7.5 Pågående forskningsstudier", "3.6 Analys",
                    "Bilaga 3: Deltagande på kurser 2018, fördelat på länets kommuner"):
        assert section in headings, section
    assert (
        "Under 2019 påbörjas en ny mandatperiod" in text and "Närvaron vid olika chefsträffar når inte riktigt" in text
    )
    [staff] = _tables(annual, "År/anställningsform")
    assert staff[-1] == ["2018", "9,60", "22,50", "17,00", "49,10"]
    [accounts] = _tables(annual, "Område")[:1]
    social = next(row for row in accounts if row[0].startswith("FoUrum social välfärd"))
    assert social[1:8] == [
        "35 367",
        "30 378",
        "65 745",
        "26 290",
        "20 408",
        "45 337",
        "32 564",
    ], "Bilaga 2, sums computed"
    change, summa = next(row for row in accounts if row[0].startswith("CHANGE")), accounts[-1]
    assert change[6] == "" and summa[0] == "Summa" and summa[1] == "37 931" and summa[6] == "47 894", \
        "Bilaga 2: Change's remainder blank as published, so the sum of kvarvarande medel is the published 47 894"
    financing = next(t for t in _tables(annual, "Område") if "Andel kommunerna" in t[0])
    assert next(row for row in financing if row[0] == "FoUrum fritid")[5:8] == ["88 %", "12 %", "0 %"], \
        "the municipalities' share as published, the state's and others' computed beside it"
    assert "Till länets kommuner har 1 757 tkr betalats ut under 2018." in text
    [participants] = _tables(annual, "Kommun")
    assert ["Jönköping", "319", "27,7 %"] in participants and participants[-1] == ["Summa", "1 152", "100,0 %"], \
        "Bilaga 3 as published: every course's participants by municipality"
    [commissions] = [t for t in _tables(annual, "Område") if t[0][1:] == ["Antal deltagare", "Antal uppdrag"]]
    assert ["CHANGE", "2 954", "26"] in commissions and commissions[-1] == ["Summa", "5 149", "81"], \
        "Bilaga 3: the commissions beside the courses, as published"
    assert "Deltagare på kurser och uppdrag 2018: 6 301 (1 152 på 11 kurser och 5 149 i 81 uppdrag)." in text
    reached = next(row for t in _tables(annual, "Mätetal") for row in t if "deltagare på aktiviteter" in row[0])
    assert reached[1:3] == ["6 197", "6 301"], "6.2's indicator counts the courses and the commissions, as published"


def test_the_annual_report_has_the_organisations_own_figures(annual: Path) -> None:
    count = next(
        row for t in _tables(annual, "Mätetal") for row in t if row[0].endswith("Beviljade projekt av sökta projekt")
    )
    assert count[2] == "57 %" and "(8 av 14)" in count[3]
    [applications] = _tables(annual, "Projekt")
    assert applications[-1][:4] == ["Summa: 14 ansökningar", "8 av 14 beviljade", "43 438 229 kr", "19 790 819 kr"]
    [courses] = _tables(annual, "Kurs")
    assert courses[-1][5] == "945 520 kr", "Bilaga 3's total, as published"
    courses_row = next(row for t in _tables(annual, "Mätetal") for row in t if "Antal genomförda kurser" in row[0])
    assert not re.search("[↗→↘]", courses_row[2]), "no arrow against 2017, when no course was logged"


def test_nothing_is_said_twice_and_no_system_language_in_the_body(annual: Path, interim: Path) -> None:
    for path in (annual, interim):
        body = _body(path)
        # "Mätning genomförs i november 2018." stands on each row measured later, as the organisation prints it.
        sentences = [
            s.strip()
            for text in body
            for s in re.split(r"(?<=[.!?])\s+", text)
            if len(s.strip()) > 30 and s.strip()[-1] in ".!?" and not s.strip().startswith("Mätning genomförs i ")
        ]
        repeated = {s for s in sentences if sentences.count(s) > 1}
        assert not repeated, repeated
        for word in SYSTEM_WORDS:
            assert not any(word in text for text in body), (path.name, word)


def test_the_delarsrapport_is_lean_and_says_when_the_survey_is_measured(interim: Path) -> None:
    document = docx.Document(str(interim))
    headings = [_plain(p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Delårsrapport januari–augusti 2018" in _plain(document.paragraphs[1].text)
    assert not _tables(interim, "Aktiviteter"), "no activity tables in a delårsrapport"
    assert not _tables(interim, "Kurs") and not _tables(interim, "Kommun"), "no course appendices"
    rows = [row for t in _tables(interim, "Mätetal") for row in t[1:]]
    survey = [row for row in rows if "mycket nöjda" in row[0]]
    assert survey and all(row[2:] == ["—", "Mätning genomförs i november 2018."] for row in survey), \
        "the November survey keeps its rows in a January–August report, saying when it is measured"
    assert any(h.endswith("Ekonomisk redovisning") for h in headings) and any(
        h.endswith("Åtgärder under resten av året") for h in headings
    )
    assert "Första delen av året har präglats" in "\n".join(_body(interim))


def test_a_status_reported_klar_in_march_is_still_klar_in_august(demo_year: tuple[Bot, Settings]) -> None:
    bot, _ = demo_year
    with session_scope(bot.engine) as session:
        snapshot = evaluation.judge(session, Period(2018, 2), today=DEMO_NOW.date(), engine=evaluation.rules_in_force(),
                                    cutoff=Period(2018, 2).end)
    strategy = snapshot.activity("a-forskningsstrategi")
    assert strategy is not None and strategy.state == "klar"


def test_decisions_count_as_known_at_the_cutoff_and_a_cutoff_report_is_reproducible(
        demo_year: tuple[Bot, Settings]) -> None:
    bot, _ = demo_year
    at_new_year = _order(bot, "rapport T3 2018 per 2018-12-31")
    [applications] = _tables(at_new_year, "Projekt")
    assert applications[-1][1] == "8 av 12 beviljade, 2 utan beslut", "two decisions came in January 2019"
    first = _order(bot, "rapport T2 2018 per 2018-09-15")
    late = Bot(bot.engine, bot.settings, clock=lambda: datetime(2018, 10, 20, 9, 0, tzinfo=UTC))
    assert console.say(late, ADMIN, "närvaro PKS 2018-07-05 alla").accepted, "a meeting logged after the cut-off"
    again = _order(bot, "rapport T2 2018 per 2018-09-15")
    assert again != first
    assert _tables(again, "Mätetal") == _tables(first, "Mätetal"), "entries recorded after the cut-off do not count"


def _example_sections(path: Path) -> list[str]:
    """The text under each "Exempel på aktiviteter" heading, up to the next heading."""
    sections: list[str] = []
    for paragraph in docx.Document(str(path)).paragraphs:
        if paragraph.style.name.startswith("Heading"):
            if _plain(paragraph.text).endswith("Exempel på aktiviteter"):
                sections.append("")
            elif sections and not sections[-1].endswith("\x00"):
                sections[-1] += "\x00"
        elif sections and not sections[-1].endswith("\x00"):
            sections[-1] += _plain(paragraph.text) + "\n"
    return [section.rstrip("\x00") for section in sections]


def test_examples_are_the_marked_statuses_and_events_each_printed_once(annual: Path, interim: Path) -> None:
    marked_event = "FoUrum fritid har under året besökt länets kommuner i syfte att möta verksamheterna"
    marked_status = "Ledningsgruppen beslutade 2018-03-05 att godkänna forskningsstrategin."
    marked_three_k = "Utbildningen Motiverande samtal blev totalt 60 000 kronor billigare"
    body, examples = "\n".join(_body(annual)), "\n".join(_example_sections(annual))
    for marked in (marked_event, marked_status, marked_three_k):
        assert body.count(marked) == 1 and marked in examples, marked
    assert _tables(annual, parts.ACTIVITY_HEADER[0]) and any(
        row[1] == goal_tables.TOLD_AS_EXAMPLE
        for t in _tables(annual, parts.ACTIVITY_HEADER[0])
        for row in t
        if "Framtagande av forskningsstrategi" in row[0]
    ), "the activity table points to the example instead of repeating it"
    for unmarked in (
        "Under 2018 har PKS haft totalt 6 sammanträden.",
        "Hemsjukvårdsavtalet har genomgått en fördjupad uppföljning",
    ):
        assert unmarked in body and unmarked not in examples, unmarked
    lean = "\n".join(_example_sections(interim))
    assert "I augusti startade en ettårig lärlingsutbildning för badmästare." in lean
    assert (
        "handläggargrupper avseende värmepumpar" not in lean
    ), "a December example is not in the January–August report"
