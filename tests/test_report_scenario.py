"""`rapport T3 2018` on the sample plan with records shaped like Verksamhetsberättelse 2018.

The Word file is opened again and read like a reader would: chapters, indicator rows with
their coloured symbols and arrows, Swedish numbers, the legend, the appendices. Where
LibreOffice is installed the file is also converted to PDF and the text checked there.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.shared import RGBColor
from sqlalchemy import Engine

from kubot import db
from kubot import formatting as fmt
from kubot.adapters import compose, console
from kubot.chat.core import Bot
from kubot.cli import main
from kubot.journal import Origin
from kubot.kinds.activity.record import log_activity_status
from kubot.kinds.application.record import log_application
from kubot.kinds.attendance.record import log_attendance
from kubot.kinds.course.record import log_course
from kubot.kinds.economy.record import log_economy
from kubot.kinds.event.record import log_event
from kubot.kinds.result.record import log_result
from kubot.kinds.staff.record import log_staff_fte
from kubot.kinds.survey.record import log_survey
from kubot.models.records import ActivityState, EmploymentForm, ThreeK
from kubot.periods import Period
from kubot.report import build, content, parts
from kubot.settings import Settings

NOW = datetime(2019, 1, 15, 9, 0, tzinfo=UTC)
TODAY = date(2019, 1, 15)
ADMIN = "Ola Götesson"
# Verksamhetsberättelse 2018, section 2.2: fourteen applications, eight granted.
APPLICATIONS = [
    ("LOKE", "Forss", 496_800, None),
    ("MISU", "Vinnova", 256_986, None),
    ("Letterbox Club Sverige", "Sveriges kulturråd", 1_000_000, 500_000),
    ("Letterbox Club Sverige 2019", "Sveriges kulturråd", 1_000_000, 500_000),
    ("Praktiker inom den öppna fritidsverksamheten", "MUCF", 250_000, 250_000),
    ("Fattigdom och psykisk ohälsa", "FORSS", 225_810, 75_000),
    ("Brukarstyrda brukarrevisioner", "Forte", 4_916_220, None),
    ("Stöd till föräldrar med placerade barn", "Forte", 4_958_000, 4_871_000),
    ("KOSTA", "ESF-rådet", 27_000_000, 12_500_000),
    ("Brukarrevisioner till vilken nytta", "Folkhälsomyndigheten", 768_936, None),
    ("Sammanbrott i HVB-vården", "Folkhälsomyndigheten", 593_750, None),
    ("Brukarstyrda brukarrevisioner FORSS", "FORSS", 487_128, 100_000),
    ("Aktivering hälsa och sociala rättigheter", "FORSS", 489_780, None),
    ("Mot målen i missbruksvården", "Socialstyrelsen", 994_819, 994_819),
]
# Bilaga 3: course examples (price via Kommunal utveckling, participants, external price).
COURSES = [("Diplomerad upphandlare", 21_300, 18, 43_000), ("Motiverande samtal", 4_500, 20, 7_500),
           ("GDPR", 1_840, 30, 4_999), ("Molntjänster", 5_150, 25, 8_900)]
EVERYONE = frozenset({"aneby", "eksjo", "gislaved", "gnosjo", "habo", "jonkoping", "mullsjo", "nassjo", "savsjo",
                      "tranas", "vaggeryd", "vetlanda", "varnamo"})


def _log_2018_records(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        o = Origin(None, "test")
        for project, funder, sought, granted in APPLICATIONS:
            log_application(
                session,
                origin=o,
                project=project,
                funder=funder,
                sought=sought,
                decided_on=date(2018, 10, 1),
                today=TODAY,
                granted=granted,
                rejected=granted is None,
            )
        # PKS: lower in 2018 than in 2017 but still above the target, as in the published report.
        for day, present in [(date(2017, 3, 1), 13), (date(2017, 9, 1), 13)]:
            log_attendance(session, origin=o, network_code="pks", held_on=day, today=TODAY, present_count=present)
        for month, absent in [
            (2, {"habo"}),
            (4, set()),
            (6, {"mullsjo"}),
            (9, {"habo", "gnosjo"}),
            (11, set()),
            (12, {"aneby"}),
        ]:
            log_attendance(session, origin=o, network_code="pks", held_on=date(2018, month, 10), today=TODAY,
                           present=EVERYONE - absent, women=5, men=7)
        for network, day, present in [("socialchefer", date(2018, 3, 5), 10), ("socialchefer", date(2018, 4, 20), 9),
                                      ("skolchefer", date(2018, 5, 3), 7), ("reko", date(2018, 5, 3), 9)]:
            log_attendance(session, origin=o, network_code=network, held_on=day, today=TODAY, present_count=present)
        # The annual survey: 81 % very satisfied with collaboration between the municipalities (2017: 78 %).
        log_survey(session, origin=o, year=2017, question_code="samverkan-kommuner", network_code="socialchefer",
                   counts=(0, 1, 1, 0, 4, 3))
        log_survey(session, origin=o, year=2018, question_code="samverkan-kommuner", network_code="socialchefer",
                   counts=(0, 0, 1, 1, 4, 5))
        log_survey(session, origin=o, year=2018, question_code="samverkan-kommuner", network_code="skolchefer",
                   counts=(0, 0, 1, 1, 3, 5), dont_know=2)
        for name, price, participants, external in COURSES:
            log_course(session, origin=o, name=name, held_on=date(2018, 4, 5), today=TODAY, participants=participants,
                       price=price, external_price=external)
        log_course(session, origin=o, name="Arkivering enligt arkivlagen", held_on=date(2018, 5, 5), today=TODAY,
                   by_municipality={"aneby": 3, "jonkoping": 20, "rjl": 7})
        log_result(session, origin=o, indicator_code="nojd-medarbetare", period=Period(2018, 3), today=TODAY, value=90,
                   analysis="Resultatet från medarbetarenkäten 2018 visar att 90 % är nöjda.")
        log_activity_status(session, origin=o, activity_code="a-pks-sammantraden", state=ActivityState.DONE,
                            reported_on=date(2018, 12, 20), comment="Under 2018 har PKS haft totalt 6 sammanträden.")
        log_activity_status(session, origin=o, activity_code="a-fin-mix", state=ActivityState.CANCELLED,
                            reported_on=date(2018, 11, 2), comment="Ansökan avbröts när SKL sökte samma medel.")
        log_event(session, origin=o, area_code="barnahus", occurred_on=date(2018, 6, 1), three_k=ThreeK.COMPETENCE,
                  text="Fyra utbildningsinsatser om hedersrelaterat våld.")
        log_event(session, origin=o, area_code=None, occurred_on=date(2018, 12, 6),
                  text="Utvärderingen av verksamheten är presenterad för PKS.")
        # Bilaga 2 of the published report: social välfärd and Miljösamverkan, in tkr.
        log_economy(
            session,
            origin=o,
            as_of=date(2018, 12, 31),
            figures={
                "social": {
                    "ingående medel": 35_367,
                    "erhållna medel": 30_378,
                    "budget förbrukning": 26_290,
                    "utfall förbrukning": 20_408,
                    "varav statliga": 32_564,
                },
                "miljo": {
                    "ingående medel": 190,
                    "erhållna medel": 800,
                    "budget förbrukning": 990,
                    "utfall förbrukning": 938,
                },
            },
        )
        for year, values in [(2016, (16, 11.5, 4)), (2018, (9.6, 22.5, 17))]:
            log_staff_fte(session, origin=o, year=year, ftes=dict(zip(
                (EmploymentForm.SECONDED, EmploymentForm.PERMANENT, EmploymentForm.FIXED_TERM), values, strict=True)))


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> tuple[Bot, Settings]:
    work = tmp_path_factory.mktemp("rapport")
    settings = Settings(database_url=f"sqlite:///{work / 'kubot.db'}", report_dir=work / "rapporter")
    engine = compose.start(settings)
    _log_2018_records(engine)
    return Bot(engine, settings, clock=lambda: NOW), settings


@pytest.fixture(scope="module")
def annual(scenario: tuple[Bot, Settings]) -> Path:
    bot, _ = scenario
    reply = console.say(bot, ADMIN, "rapport T3 2018 dnr RJL 2017/1522")
    assert reply.text.startswith("Rapporten byggs"), reply.text
    assert len(reply.files) == 1 and reply.files[0].path.suffix == ".docx"
    return reply.files[0].path


def _plain(text: str) -> str:
    """The text as formatted in chat: the document keeps "80 %", numbers and dates together with no-break
    characters, and marks where long header words may break with soft hyphens."""
    return text.replace("\u00a0", " ").replace("\u2011", "-").replace("\u00ad", "")


def _text(path: Path) -> str:
    return _plain("\n".join(p.text for p in docx.Document(str(path)).paragraphs))


def _tables(path: Path, header: tuple[str, ...]) -> list[list[list[str]]]:
    found = []
    for table in docx.Document(str(path)).tables:
        rows = [[_plain(cell.text) for cell in row.cells] for row in table.rows]
        if tuple(rows[0]) == header:
            found.append(rows)
    return found


def _row(path: Path, header: tuple[str, ...], first_cell_contains: str) -> list[str]:
    for rows in _tables(path, header):
        for row in rows[1:]:
            if first_cell_contains in row[0]:
                return row
    raise AssertionError(f"no row with {first_cell_contains!r} under {header}")


def test_chapters_follow_the_published_annual_report(annual: Path) -> None:
    document = docx.Document(str(annual))
    headings = [_plain(p.text) for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    chapters = [h for h in headings if h[:1].isdigit() and "." not in h.split()[0]]
    assert chapters == [
        "1 Inledning",
        "2 Vår verksamhet ska leda till en ändamålsenlig och kostnadseffektiv verksamhet för länets kommuner",
        "3 Vi har ett starkt och jämbördigt partnerskap med aktiva ägare",
        "4 I vår verksamhet är medborgarnas erfarenhet en viktig kunskapskälla",
        "5 Vår verksamhet kommer till reell nytta för användarna",
        "6 Vi stärker och ökar kompetensen i länet",
        "7 Vi använder forskning för att utveckla och förbättra kommunernas verksamheter",
        "8 Ekonomi",
    ]
    for expected in ("1.1 Utvärdering av Kommunal utvecklings verksamhet", "1.2 Viktiga händelser", "1.4 Medarbetare",
                     "2.1 Verksamheten söker aktivt externa projektmedel",
                     "3.1 Samtliga kommuner har aktiva representanter i chefsnätverk eller liknande",
                     "Bilaga 1: Symbolförteckning för mätetal och aktiviteter",
                     "Bilaga 2: Exempel på kurser som genererar en hög kostnadseffektivitet för länets kommuner",
                     "Bilaga 3: Deltagande på kurser 2018, fördelat på länets kommuner"):
        assert expected in headings


def test_title_page_says_draft_diary_number_and_which_evaluation(annual: Path) -> None:
    text = _plain("\n".join(p.text for p in docx.Document(str(annual)).paragraphs[:12]))
    assert "Verksamhetsberättelse 2018" in text and "UTKAST" in text and "Dnr RJL 2017/1522" in text
    assert "Ola Götesson, utvecklingschef" in text and "Period: 2018-01-01 – 2018-12-31" in text
    assert "skapat av kubot 2019-01-15 10:00" in text and "utvärdering nr " in text


def test_indicator_rows_carry_coloured_symbols_trend_arrows_and_swedish_numbers(annual: Path) -> None:
    header = parts.INDICATOR_HEADER
    count = _row(annual, header, "Beviljade projekt av sökta projekt")
    assert count[0].startswith("● ") and count[1] == "50 %" and count[2] == "57 %", "whole per cent, as published"
    assert "8 av 14" in count[3] and count[3].startswith("Förslag – skriv om:")
    pks = _row(annual, header, "Närvaro vid PKS sammanträden")
    assert pks[0].startswith("● ") and pks[2] == "94 % ↘"
    survey = _row(annual, header, "bidrag till samverkan mellan kommunerna")
    assert (
        survey[0].startswith("◆ ")
        and survey[2] == "81 % ↗"
        and "ökat med 3 procentenheter jämfört med 2017 (78 %)" in survey[3]
    )
    typed = _row(annual, header, "Andel nöjda medarbetare")
    assert typed[3] == "Resultatet från medarbetarenkäten 2018 visar att 90 % är nöjda."
    later = _row(annual, header, "Aktiviteter som på någon nivå")
    assert later[1] == "–" and later[2] == "–"
    symbol_runs = [
        cell.paragraphs[0].runs[0]
        for table in docx.Document(str(annual)).tables
        for row in table.rows[1:]
        for cell in row.cells[:1]
        if cell.paragraphs[0].runs and cell.paragraphs[0].runs[0].text.strip() == "●"
    ]
    assert symbol_runs and all(run.font.color.rgb == RGBColor.from_string("2E7D32") for run in symbol_runs)


def test_applications_staff_economy_and_courses_are_tabled_in_swedish_format(annual: Path) -> None:
    total = _row(annual, ("Projekt", "Finansiär", "Sökt", "Beviljat", "Beslut"), "Summa: 14 ansökningar")
    assert total[2] == fmt.kronor(sum(a[2] for a in APPLICATIONS)) == "43 438 229 kr", "as published"
    assert total[3] == "19 790 819 kr" and total[1] == "8 av 14 beviljade"
    staff = _tables(annual, ("År/anställningsform", "Tjänsteköp", "Tillsvidare", "Visstid", "Summa"))[0]
    assert staff[1:] == [["2016", "16,00", "11,50", "4,00", "31,50"], ["2018", "9,60", "22,50", "17,00", "49,10"]]
    economy = _tables(
        annual,
        (
            "Område",
            "Ingående medel 2018",
            "Erhållna medel 2018",
            "Disponibla medel 2018",
            "Budget förbrukning 2018",
            "Utfall förbrukning 2018-12-31",
            "Kvarvarande medel 2018-12-31",
            "Varav statliga",
            "Redovisat resultat 2018-12-31",
        ),
    )[0]
    # Disponibla and kvarvarande medel are computed, and match the published Bilaga 2 (65 745 and 45 337 tkr).
    assert economy[1] == [
        "FoUrum social välfärd och hälso- och sjukvård *",
        "35 367",
        "30 378",
        "65 745",
        "26 290",
        "20 408",
        "45 337",
        "32 564",
        "",
    ]
    assert economy[-1] == ["Summa", "35 557", "31 178", "66 735", "27 280", "21 346", "45 389", "32 564", ""]
    motiverande = _row(annual, _course_header(annual), "Motiverande samtal")
    assert motiverande[1:] == ["4 500 kr", "20", "7 500 kr", "3 000 kr", "60 000 kr", "40 %"]
    participants = _tables(annual, ("Kommun", "Antal deltagare", "Procent"))[0]
    assert ["Jönköping", "20", "16,3 %"] in participants and participants[-1] == ["Summa", "123", "100,0 %"]


def _course_header(path: Path) -> tuple[str, ...]:
    for table in docx.Document(str(path)).tables:
        first = tuple(_plain(cell.text) for cell in table.rows[0].cells)
        if first[0] == "Kurs":
            return first
    raise AssertionError("no course table")


def test_examples_events_and_three_k_come_from_what_was_logged_each_once(annual: Path) -> None:
    text = _text(annual)
    assert (
        _row(annual, parts.ACTIVITY_HEADER, "PKS sammanträden")[1] == "Under 2018 har PKS haft totalt 6 sammanträden."
    )
    assert (
        "Under 2018 har PKS haft totalt 6 sammanträden." not in text
    ), "a tabled activity is not repeated as an example"
    assert (
        text.count("Fyra utbildningsinsatser om hedersrelaterat våld.") == 1
    ), "a 3 K event is told once, under the 3 K"
    assert "Kompetenshöjning" in text and "Utvärderingen av verksamheten är presenterad för PKS." in text
    assert "Inga exempel är registrerade" not in text, "an empty section is left out"
    warnings_at = text.index("Tidiga varningar från utvärderingen")
    assert (
        "två möten i rad" in text[warnings_at:] and "två möten i rad" not in text[:warnings_at]
    ), "warnings go to the internal appendix"
    assert text.count("INTERNT – ta bort före utskick.") == 2, "the note of what is missing, and the warnings"
    paragraphs = docx.Document(str(annual)).paragraphs
    note = next(i for i, p in enumerate(paragraphs) if p.text.startswith("INTERNT"))
    first_chapter = next(i for i, p in enumerate(paragraphs) if p.style.name == "Heading 1" and p.text == "1 Inledning")
    assert note < first_chapter, "what is missing is said once, before the first chapter"


def test_the_legend_lists_every_symbol_with_its_meaning_in_colour_and_shape(annual: Path) -> None:
    legends = _tables(annual, ("Symbol", "Betydelse"))
    indicators, activities = legends
    assert [row[0] for row in indicators[1:]] == ["● ", "◆ ", "■ ", "○ "]
    assert indicators[1][1] == "resultatet når önskat målvärde, mätetalet är uppfyllt"
    assert [row[0].strip() for row in activities[1:]] == ["▶", "▷", "▲", "▼", "✕", "✓", "○"]
    shapes = [row[0].strip() for row in activities[1:]]
    assert len(set(shapes)) == len(shapes), "every activity state has its own shape for black-and-white print"
    assert ["↗", "resultatet har ökat jämfört med samma period föregående år"] in _tables(annual, ("Pil", "Betydelse"))[
        0
    ]


def test_toc_field_page_numbers_and_no_chart_of_a_few_networks(annual: Path) -> None:
    document = docx.Document(str(annual))
    body = document.element.xml
    assert 'TOC \\o "1-2"' in body
    assert document.settings.element.xml.count("updateFields") == 1
    assert "PAGE" in document.sections[0].footer._element.xml
    assert not document.inline_shapes, \
        "4 of narvaro-alla's 33 networks met and 2 networks answered the survey: a chart would show less than its table"


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) and poppler-utils (pdftotext) are not installed")
def test_the_pdf_made_by_libreoffice_shows_the_same_report(annual: Path, tmp_path: Path) -> None:
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'profil'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(annual),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / (annual.stem + ".pdf")
    text = _plain(
        subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    )
    for expected in ("UTKAST", "1 Inledning", "2.1 Verksamheten söker aktivt externa projektmedel", "57 %", "94 %", "↘",
                     "Symbolförteckning för mätetal", "resultatet når önskat målvärde", "Sida 2 av"):
        assert expected in text, expected


def test_staff_are_told_politely_who_can_order_reports(scenario: tuple[Bot, Settings]) -> None:
    bot, _ = scenario
    reply = console.say(bot, "Liselotte Karlsson", "rapport T3 2018")
    assert reply.accepted is False and "chefer och administratörer" in reply.text and ADMIN in reply.text
    assert not reply.files


@pytest.mark.parametrize(("message", "expected"), [
    ("rapport T1 2031", "har inte börjat"),
    ("rapport T4 2018", "ingen period"),
    ("rapport", "Skriv vilken period"),
    ("rapport T2 2018 Atlantis", "område"),
])
def test_impossible_periods_and_areas_get_a_clear_answer(
    scenario: tuple[Bot, Settings], message: str, expected: str
) -> None:
    bot, _ = scenario
    reply = console.say(bot, ADMIN, message)
    assert reply.accepted is False and expected in reply.text and not reply.files


def test_an_area_report_narrows_to_the_partnership(scenario: tuple[Bot, Settings]) -> None:
    bot, _ = scenario
    reply = console.say(bot, ADMIN, "rapport T3 2018 Barn och unga")
    assert reply.files, reply.text
    text = _text(reply.files[0].path)
    assert "Verksamhetsberättelse 2018 – Barn och unga" in text
    assert "Rapporten gäller Barn och unga." in text
    assert "Verksamheten söker aktivt externa projektmedel" not in text
    assert "Kommunerna har nytta av det gemensamma arbetet som samordnas av FoUrum" in text


def test_a_second_request_while_the_first_is_built_is_told_so(scenario: tuple[Bot, Settings]) -> None:
    bot, settings = scenario
    key = content.slug(content.report_name(Period(2018, 3)))
    with build._exclusive(settings.report_dir, key):
        reply = console.say(bot, ADMIN, "rapport T3 2018")
    assert reply.accepted is False and "byggs redan" in reply.text and not reply.files


def test_two_requests_at_once_are_both_served_or_told_to_wait_and_no_file_is_broken(
    scenario: tuple[Bot, Settings],
) -> None:
    bot, settings = scenario
    replies: list[str] = []
    files: list[Path] = []

    def order() -> None:
        reply = console.say(bot, ADMIN, "rapport T1 2018")
        replies.append(reply.text)
        files.extend(f.path for f in reply.files)

    threads = [threading.Thread(target=order) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert files and all("byggs redan" in text or text.startswith("Rapporten byggs") for text in replies), replies
    for path in files:
        assert "Delårsrapport januari–april 2018" in _text(path)
    assert not list(settings.report_dir.glob(".*.tmp")), "no temporary files are left behind"


def test_kubot_report_writes_the_file_and_prints_its_path(
    scenario: tuple[Bot, Settings], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, settings = scenario
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    out = tmp_path / "vb.docx"
    assert main(["report", "T3", "2018", "--area", "miljo", "--out", str(out), "--dnr", "RJL 2018/7"]) == 0
    assert f"är skriven till {out}" in capsys.readouterr().out
    text = _text(out)
    assert "Verksamhetsberättelse 2018 – Miljösamverkan Jönköpings län" in text and "Dnr RJL 2018/7" in text
    assert main(["report", "T9", "2018"]) == 1
    assert "ingen period" in capsys.readouterr().err
