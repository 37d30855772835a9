"""Working days, reminder times and deadlines: Swedish holidays, the DST change, and bad deadlines."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from kubot import db, workdays
from kubot.adapters import console
from kubot.chat.core import Bot
from kubot.journal import Origin
from kubot.models import Deadline, Entry
from kubot.plan import export as plan_export
from kubot.plan import importing, loading, schema
from kubot.reminders import schedule
from kubot.reminders.schedule import ReminderPlan
from kubot.settings import Settings
from tests.conftest import PLANS

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PLAN = ReminderPlan()


def days(deadline: date) -> list[tuple[str, str]]:
    return [(s.stage, s.day.isoformat()) for s in schedule.deadline_slots(deadline, PLAN)]


def test_lead_times_skip_weekends_and_swedish_holidays() -> None:
    # T1 2024 due Wednesday 15 May: Kristi himmelsfärd (9 May) and Första maj are not working days.
    assert days(date(2024, 5, 15)) == [("före-10", "2024-04-29"), ("före-5", "2024-05-07"), ("före-1", "2024-05-14"),
                                       ("efter-1", "2024-05-16")]
    # T3 2023 due Friday 12 January 2024: Christmas, nyårsafton/nyårsdagen and trettondedag jul are skipped.
    assert days(date(2024, 1, 12)) == [("före-10", "2023-12-28"), ("före-5", "2024-01-05"), ("före-1", "2024-01-11"),
                                       ("efter-1", "2024-01-15")]
    assert workdays.day_off(date(2024, 6, 21)) == "Midsommarafton"
    assert workdays.day_off(date(2023, 9, 16)) == "en lördag"


def test_reminders_go_out_at_0830_swedish_time_in_summer_and_winter() -> None:
    summer, winter = (
        schedule.deadline_slots(date(2023, 9, 15), PLAN)[0],
        schedule.deadline_slots(date(2024, 1, 12), PLAN)[0],
    )
    assert (summer.send_at.astimezone(UTC).hour, summer.send_at.astimezone(STOCKHOLM).strftime("%H:%M")) == (6, "08:30")
    assert (winter.send_at.astimezone(UTC).hour, winter.send_at.astimezone(STOCKHOLM).strftime("%H:%M")) == (7, "08:30")


def test_a_reminder_time_inside_the_spring_dst_gap_moves_past_it() -> None:
    moment = schedule.local_moment(date(2024, 3, 31), time(2, 30), STOCKHOLM)
    assert moment.astimezone(STOCKHOLM).strftime("%H:%M %Z") == "03:30 CEST"
    assert moment.astimezone(UTC) == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)


def test_the_current_reminder_is_the_latest_that_has_come_and_ends_after_the_catch_up_time() -> None:
    slots = schedule.deadline_slots(date(2023, 9, 15), PLAN)
    assert schedule.current(slots, datetime(2023, 9, 1, 8, 29, tzinfo=STOCKHOLM), PLAN) is None
    assert schedule.current(slots, datetime(2023, 9, 1, 8, 30, tzinfo=STOCKHOLM), PLAN).stage == "före-10"  # type: ignore[union-attr]
    assert schedule.current(slots, datetime(2023, 9, 13, 23, 0, tzinfo=STOCKHOLM), PLAN).stage == "före-5"  # type: ignore[union-attr]
    assert schedule.current(slots, datetime(2023, 9, 29, 12, 0, tzinfo=STOCKHOLM), PLAN).stage == "efter-1"  # type: ignore[union-attr]
    assert schedule.current(slots, datetime(2023, 10, 2, 8, 30, tzinfo=STOCKHOLM), PLAN) is None


@pytest.fixture
def bot(small_plan_engine: Engine) -> Bot:
    return Bot(small_plan_engine, Settings(), clock=lambda: datetime(2023, 6, 1, 9, 0, tzinfo=UTC))


def say(bot: Bot, text: str, name: str = "Ola Götesson") -> str:
    reply = console.say(bot, name, text)
    return ("✓ " if reply.accepted else "✗ ") + reply.text


def test_setting_a_deadline_in_chat_echoes_it_with_the_reminder_days_and_can_be_undone(bot: Bot) -> None:
    reply = say(bot, "deadline T2 2023 2023-09-15")
    assert reply.startswith("✓ Registrerat #2: Deadline för T2 2023 (januari–augusti): 2023-09-15 (tidigare: ingen)")
    assert "Påminnelser till de ansvariga: 2023-09-01, 2023-09-08, 2023-09-14 kl. 08:30; " \
           "efter deadline får cheferna en sammanställning 2023-09-18." in reply
    assert say(bot, "deadline T2 2023 2023-09-22").startswith(
        "✓ Registrerat #3: Deadline för T2 2023 (januari–augusti): 2023-09-22 (tidigare: 2023-09-15)"
    )
    assert say(bot, "ångra 3").startswith("✓ Ångrat #3")
    with db.session_scope(bot.engine) as session:
        from kubot.deadlines import deadline_for
        from kubot.periods import Period
        assert deadline_for(session, Period(2023, 2)) == date(2023, 9, 15)


def test_a_deadline_on_a_weekend_is_accepted_with_a_note(bot: Bot) -> None:
    reply = say(bot, "deadline T2 2023 2023-09-16")
    assert reply.startswith("✓ Registrerat")
    assert "Obs: 2023-09-16 är en lördag och ingen arbetsdag. Deadline gäller ändå" in reply
    assert "2023-09-15 kl. 08:30" in reply, "the last reminder is on the working day before"


@pytest.mark.parametrize("message, why", [
    ("deadline T2 2023 2023-05-20", "har redan varit"),
    ("deadline T2 2023 2023-08-31", "ligger inte efter periodens slut: T2 2023 (januari–augusti) slutar 2023-08-31"),
    ("deadline T3 2023 2023-12-01", "ligger inte efter periodens slut"),
    ("deadline T4 2023 2023-12-01", "”T4 2023” är ingen period"),
    ("deadline T2 2023 15 september", "Skriv deadline som ÅÅÅÅ-MM-DD"),
])
def test_a_deadline_in_the_past_or_before_the_period_ends_is_refused_with_why_and_nothing_is_stored(
    bot: Bot, message: str, why: str
) -> None:
    reply = say(bot, message)
    assert reply.startswith("✗ ") and why in reply, reply
    with db.session_scope(bot.engine) as session:
        assert session.exec(select(Deadline)).all() == []


def test_only_administrators_set_deadlines(bot: Bot) -> None:
    assert say(bot, "deadline T2 2023 2023-09-15", "Liselotte Karlsson").startswith(
        "✗ ”deadline” kan bara administratörer"
    )


SMALL = (PLANS / "small.yaml").read_text(encoding="utf-8")
WITH_DEADLINES = SMALL.replace(
    "kommuner:\n", "rapporttider:\n  T1 2023: 2023-05-15\n  T2 2023: 2023-09-15\nkommuner:\n", 1
)


def test_deadlines_in_the_plan_file_are_imported_journaled_and_exported_again(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        importing.apply(session, loading.load(WITH_DEADLINES), Origin(None, "test"))
    with db.session_scope(engine) as session:
        exported = plan_export.dump(session)
        assert "rapporttider:\n  T1 2023: 2023-05-15\n  T2 2023: 2023-09-15\n" in exported
        importing.apply(session, loading.load(exported), Origin(None, "test"))
    with db.session_scope(engine) as session:
        assert plan_export.dump(session) == exported
        entries = session.exec(select(Entry.summary).where(Entry.kind == "deadline")).all()
        assert entries == [
            "Rapporttider från planen: T1 2023 2023-05-15, T2 2023 2023-09-15"
        ], "an unchanged import records nothing new"


def test_a_plan_file_deadline_before_its_period_ends_names_the_line() -> None:
    with pytest.raises(schema.PlanFileError) as caught:
        loading.load(WITH_DEADLINES.replace("T2 2023: 2023-09-15", "T2 2023: 2023-08-15"), "plan.yaml")
    [problem] = caught.value.problems
    assert problem.startswith(
        "rad 8, rapporttider: T2 2023: Deadline 2023-08-15 ligger inte efter periodens slut"
    ), problem
