"""The report's own sections have a way in: economy (chat and spreadsheet), årsarbetare, course
participants per municipality, applications by the year they were sent, and the report's prose."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func
from sqlmodel import select

from kubot import db, economy, facts
from kubot.adapters import compose, console
from kubot.chat.core import Bot
from kubot.cli import main
from kubot.journal import Origin
from kubot.kinds.application import applications
from kubot.kinds.course import courses
from kubot.models import CourseParticipants, EconomyLine, Entry, Goal, StrategicGoal
from kubot.periods import Period
from kubot.plan import export as plan_export
from kubot.plan import importing, loading
from kubot.report import gather
from kubot.settings import Settings

NOW = datetime(2019, 1, 20, 9, 0, tzinfo=UTC)
ADMIN = "Ola Götesson"


@pytest.fixture
def sample(tmp_path: Path) -> tuple[Bot, Settings]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'kubot.db'}", report_dir=tmp_path / "rapporter")
    return Bot(compose.start(settings), settings, clock=lambda: NOW), settings


def _say(bot: Bot, message: str, who: str = ADMIN) -> str:
    return console.render(console.say(bot, who, message))


def _entries(engine: Engine) -> int:
    with db.session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(Entry)).one()


def test_economy_in_chat_is_echoed_with_the_sums_kubot_computes_and_can_be_undone(sample: tuple[Bot, Settings]) -> None:
    bot, _ = sample
    reply = _say(bot, "ekonomi Miljösamverkan 2018-12-31: ingående 190, erhållna 800, budget 990, utfall 938")
    assert reply.startswith("Registrerat #") and "Miljösamverkan Jönköpings län" in reply
    assert "disponibla medel 990 tkr, kvarvarande medel 52 tkr" in reply, "Bilaga 2: 990 and 52 tkr"
    with db.session_scope(bot.engine) as session:
        area = gather.load(session, Period(2018, 3)).economy
        assert [(row.area, row.remaining) for row in area] == [("miljo", 52.0)]
    assert "Ångrat" in _say(bot, "ångra")
    with db.session_scope(bot.engine) as session:
        assert gather.load(session, Period(2018, 3)).economy == ()


@pytest.mark.parametrize(("message", "expected"), [
    ("ekonomi Miljösamverkan 2018-12-31: kvarvarande 52", "räknas fram av kubot"),
    ("ekonomi Miljösamverkan 2018-12-31: vinst 52", "ingen uppgift jag känner"),
    ("ekonomi Miljösamverkan 2018-12-31", "efter"),
    ("ekonomi Atlantis 2018-12-31: utfall 3", "område"),
    ("ekonomi Fritid 2018-12-31: staten -5", "negativt"),
])
def test_wrong_economy_messages_are_refused_with_a_reason_and_write_nothing(sample: tuple[Bot, Settings], message: str,
                                                                            expected: str) -> None:
    bot, _ = sample
    before = _entries(bot.engine)
    reply = console.say(bot, ADMIN, message)
    assert reply.accepted is False and expected in reply.text, reply.text
    assert _entries(bot.engine) == before


def test_economy_shares_are_computed_from_the_parts_never_added() -> None:
    social = economy.AreaEconomy(
        "social",
        date(2018, 12, 31),
        {"finansiering kommunerna": 14_677, "finansiering staten": 2_063, "finansiering övriga": 15_758},
    )
    fritid = economy.AreaEconomy(
        "fritid", date(2018, 12, 31), {"finansiering kommunerna": 947, "finansiering staten": 125}
    )
    assert round(social.municipal_share or 0) == 45 and round(fritid.municipal_share or 0) == 88, "as published"
    assert round(economy.total([social, fritid], "andel kommunerna") or 0) == 47


def test_staff_fte_by_employment_form_and_year(sample: tuple[Bot, Settings]) -> None:
    bot, _ = sample
    reply = _say(bot, "årsarbetare 2018: tillsvidare 22,5 visstid 17 tjänsteköp 9,6")
    assert "Årsarbetare 2018: tillsvidare 22,50, visstid 17,00, tjänsteköp 9,60 – summa 49,10" in reply
    assert "anställningsform" in _say(bot, "årsarbetare 2018: konsulter 3")
    assert "Liselotte Karlsson" not in _say(bot, "årsarbetare 2018: tillsvidare 3", who="Liselotte Karlsson")
    with db.session_scope(bot.engine) as session:
        staff = gather.load(session, Period(2018, 3)).staff_fte
    assert {(item.form, item.fte) for item in staff} == {("tillsvidare", 22.5), ("visstid", 17.0), ("tjänsteköp", 9.6)}


def test_course_participants_per_municipality_and_from_outside(sample: tuple[Bot, Settings]) -> None:
    bot, _ = sample
    reply = _say(bot, "kurs Arkivering 2018-05-05 Aneby 3, Eksjö 2, externa 4")
    assert "9 deltagare (Aneby 3, Eksjö 2, externa 4)" in reply
    with db.session_scope(bot.engine) as session:
        assert sorted(row.count for row in session.exec(select(CourseParticipants))) == [2, 3]
        course = courses(facts.load(session, 2018, 2018))[0]
    assert course.participants == 9 and course.by_municipality == {"aneby": 3, "eksjo": 2}
    assert "Atlantis" in _say(bot, "kurs Arkivering 2018-05-05 Atlantis 3")


def test_a_negative_count_for_a_municipality_is_refused_not_read_as_a_positive_one(
    sample: tuple[Bot, Settings],
) -> None:
    bot, _ = sample
    reply = _say(bot, "kurs Arkivering 2018-05-05 Aneby -3, Eksjö 2")
    assert "Antal deltagare från Aneby ska vara mellan 0 och" in reply and "inte −3" in reply
    with db.session_scope(bot.engine) as session:
        assert session.exec(select(CourseParticipants)).all() == []


def test_an_application_counts_in_the_year_it_was_sent_with_the_decision_known_at_the_cutoff(
    sample: tuple[Bot, Settings],
) -> None:
    bot, _ = sample
    reply = _say(
        bot, 'ansökan "Sammanbrott i HVB-vården" Folkhälsomyndigheten 593 750 skickad 2018-10-01 avslag 2019-01-15'
    )
    assert "(skickad 2018-10-01)" in reply and "avslag" in reply
    with db.session_scope(bot.engine) as session:
        after = applications(facts.load(session, 2018, 2018, as_of=date(2019, 1, 31)))
        before = applications(facts.load(session, 2018, 2018, as_of=date(2018, 12, 31)))
    assert [(a.day, a.status) for a in after] == [(date(2018, 10, 1), "rejected")]
    assert [(a.day, a.status) for a in before] == [
        (date(2018, 10, 1), "pending")
    ], "decided after the cut-off: still pending"


def test_report_texts_latest_per_section_and_period_wins_and_undo_brings_back_the_earlier(
    sample: tuple[Bot, Settings],
) -> None:
    bot, _ = sample
    assert "Registrerat" in _say(bot, "text framtiden T3 2018: Första versionen.")
    assert "Registrerat" in _say(bot, "text framtiden T3 2018: Under 2019 påbörjas en ny mandatperiod.")
    assert "Registrerat" in _say(bot, "text analys sm2 T3 2018: Närvaron når inte riktigt målvärdet.")
    assert "Registrerat" in _say(bot, "text sm6 Pågående forskningsstudier T3 2018: Tre studier pågår.")
    with db.session_scope(bot.engine) as session:
        texts = gather.load(session, Period(2018, 3)).texts
    assert texts["framtiden"] == "Under 2019 påbörjas en ny mandatperiod."
    assert texts["analys:sm2"] == "Närvaron når inte riktigt målvärdet."
    assert texts["avsnitt:sm6:Pågående forskningsstudier"] == "Tre studier pågår."
    _say(bot, "ångra")
    _say(bot, "ångra 3")
    with db.session_scope(bot.engine) as session:
        assert gather.load(session, Period(2018, 3)).texts["framtiden"] == "Första versionen."
    assert "Jag känner inte till avsnittet" in _say(bot, "text slutord T3 2018: x")


def _bilaga_2_sheet() -> list[list[object]]:
    return [
        ["Område", "Ingående medel", "Erhållna medel", "Disponibla medel", "Budget förbrukning", "Utfall förbrukning",
         "Kvarvarande medel", "Varav statliga"],
        ["Social välfärd", 35_367, 30_378, 65_745, 26_290, 20_408, 45_337, 32_564],
        ["Miljösamverkan", 190, 800, 990, 990, 938, 52, None],
        ["utbildning", 1_465, 2_246, 3_711, 2_782, 2_313, 1_398, None],
    ]


def test_economy_import_from_a_spreadsheet_checks_the_computed_columns_and_can_be_undone(
    sample: tuple[Bot, Settings], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bot, settings = sample
    book = Workbook()
    for row in _bilaga_2_sheet():
        book.active.append(row)
    path = tmp_path / "bokslut.xlsx"
    book.save(path)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert main(["import", "ekonomi", str(path), "--per", "2018-12-31", "--as", ADMIN]) == 0
    out = capsys.readouterr().out
    assert out.count("Registrerat #") == 1 and "Ekonomi från bokslut.xlsx per 2018-12-31" in out
    with db.session_scope(bot.engine) as session:
        rows = {row.area: row for row in gather.load(session, Period(2018, 3)).economy}
    assert rows["social"].remaining == 45_337 and rows["utbildning"].available == 3_711
    assert "Ångrat" in _say(bot, "ångra " + out.split("#")[1].split(":")[0])


def test_economy_import_names_row_and_column_of_every_problem_and_imports_nothing(
    sample: tuple[Bot, Settings], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bot, settings = sample
    rows = _bilaga_2_sheet()
    rows[2][6] = 60  # kvarvarande medel that does not add up
    rows[3][5] = "mycket"  # not an amount
    rows.append(["Atlantis", 1, 1, 2, 1, 1, 1, None])
    path = tmp_path / "bokslut.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    before = _entries(bot.engine)
    assert main(["import", "ekonomi", str(path), "--per", "2018-12-31"]) == 1
    err = capsys.readouterr().err
    assert "ingenting importerades (4 fel)" in err, "the unreadable amount also leaves kvarvarande medel unchecked"
    assert (
        "rad 3, kolumn 7 (Kvarvarande medel), Miljösamverkan Jönköpings län: kvarvarande medel 60 stämmer inte med det "
        "kubot räknar fram = disponibla medel − utfall förbrukning − utbetalt till kommunerna: 52"
        in err
    )
    assert "rad 4, kolumn 6 (Utfall förbrukning): ”mycket” är inget belopp" in err
    assert "rad 5, kolumn 1 (Område)" in err
    assert _entries(bot.engine) == before
    with db.session_scope(bot.engine) as session:
        assert session.exec(select(func.count()).select_from(EconomyLine)).one() == 0


def test_plan_descriptions_of_strategic_goals_and_goals_are_stored_and_exported(engine: Engine) -> None:
    text = loading.sample_text().replace(
        "      - kod: m2-2\n        namn: Verksamheten söker aktivt externa projektmedel\n",
        "      - kod: m2-2\n        namn: Verksamheten söker aktivt externa projektmedel\n"
        "        beskrivning: Flera ansökningar skrivs i samverkan.\n",
    )
    with db.session_scope(engine) as session:
        importing.apply(session, loading.load(text), Origin(None, "test"))
    with db.session_scope(engine) as session:
        assert (
            session.exec(select(Goal.description).where(Goal.code == "m2-2")).one()
            == "Flera ansökningar skrivs i samverkan."
        )
        assert (
            session.exec(select(StrategicGoal.description).where(StrategicGoal.code == "sm3"))
            .one()
            .startswith("I Kommunal")
        )
        exported = plan_export.dump(session, 2018)
    assert "beskrivning: Flera ansökningar skrivs i samverkan." in exported
    assert loading.load(exported).strategic_goals[0].goals[0].description == "Flera ansökningar skrivs i samverkan."
