"""`aktivitet` with a date: the status holds from that day, wherever the date stands, and counts in that day's period.

A status dated 9 June belongs to T2: `varför` for T2 shows it when said in November, and the T2 report shows it when
said in September, before the report's deadline. A status without a date counts from the day it is said."""

from __future__ import annotations

from datetime import UTC, date, datetime

import docx
import pytest
from sqlalchemy import Engine
from sqlmodel import select

from kubot import db
from kubot.adapters import console
from kubot.chat.core import Bot
from kubot.models import ActivityStatus, Entry, Staff
from tests.conftest import NOW, talk

ADMIN = "Ola Götesson"


@pytest.mark.parametrize("message", [
    "aktivitet pks-moten 2022-06-09 pågår",
    "aktivitet pks-moten pågår 2022-06-09",
    "aktivitet pks-moten pågår 9 juni 2022",
    "aktivitet 9 juni pks-moten pågår",
    "aktivitet pks-moten den 9 juni 2022 pågår enligt plan",
])
def test_a_dated_status_holds_from_that_day_wherever_the_date_stands(bot: Bot, message: str) -> None:
    talk(bot, ADMIN,
         (message, "Registrerat #2: Aktivitet pks-moten ”PKS sammanträden” 2022-06-09: pågår enligt plan"),
         ("varför pks-moten T2 2022", "Senaste status 2022-06-09: pågår enligt plan."))


def test_a_comment_after_the_dated_status_stays_the_comment(bot: Bot) -> None:
    talk(bot, ADMIN,
         ("aktivitet pks-moten pågår med problem 2022-06-09, två av fem genomförda",
          "2022-06-09: pågår med problem – två av fem genomförda"),
         ("aktivitet pks-moten avbruten, nästa möte 5 maj ställs in",
          "2022-11-23: avbruten – nästa möte 5 maj ställs in"))


def test_a_status_without_a_date_counts_from_today_and_not_in_the_period_before(bot: Bot) -> None:
    talk(bot, ADMIN,
         ("aktivitet pks-moten pågår", "2022-11-23: pågår enligt plan"),
         ("varför pks-moten T2 2022", "Rapportering: saknas"),
         ("varför pks-moten T3 2022", "Senaste status 2022-11-23: pågår enligt plan."))


def test_a_status_dated_in_the_future_is_refused_with_an_example_and_nothing_is_written(
        bot: Bot, small_plan_engine: Engine) -> None:
    talk(bot, ADMIN,
         ("aktivitet pks-moten pågår 2022-12-09",
          "Datumet 2022-12-09 ligger i framtiden. Skriv ett datum som har varit, till exempel 2022-11-23 för i dag."),
         ("aktivitet pks-moten 24 november 2022 klar", "  aktivitet a-pks-sammantraden 2022-06-09 pågår"))
    with db.session_scope(small_plan_engine) as session:
        assert session.exec(select(ActivityStatus)).all() == []


def test_a_dated_status_is_journaled_with_who_and_when_and_can_be_undone(bot: Bot, small_plan_engine: Engine) -> None:
    talk(bot, ADMIN,
         ("aktivitet pks-moten 2022-04-20 klar", "Registrerat #2"),
         ("aktivitet pks-moten 2022-06-09 pågår med problem", "Registrerat #3"),
         ("varför pks-moten T2 2022", "Senaste status 2022-06-09: pågår med problem."))
    with db.session_scope(small_plan_engine) as session:
        entry = session.get(Entry, 3)
        assert entry is not None and entry.created_at == NOW, "recorded when it was said, not on the day it holds from"
        actor = session.get(Staff, entry.actor_id)
        assert actor is not None and actor.name == ADMIN
        status = session.exec(select(ActivityStatus).where(ActivityStatus.entry_id == 3)).one()
        assert status.reported_on == date(2022, 6, 9)
    talk(bot, ADMIN,
         ("ångra 3", "Ångrat #3: Aktivitet pks-moten ”PKS sammanträden” 2022-06-09: pågår med problem"),
         ("varför pks-moten T2 2022", "Senaste status 2022-04-20: klar."))


def test_the_t2_report_shows_an_example_back_dated_into_t2_but_not_one_dated_today(bot: Bot) -> None:
    in_september = Bot(bot.engine, bot.settings, clock=lambda: datetime(2022, 9, 5, 9, 0, tzinfo=UTC))
    talk(in_september, ADMIN,
         ("deadline T2 2022 2022-09-15", "Registrerat #2"),
         ("aktivitet pks-moten 2022-06-09 pågår exempel: Tre sammanträden under våren.",
          "2022-06-09: pågår enligt plan"),
         ("aktivitet pks-moten klar exempel: Det sista sammanträdet hölls i september.", "2022-09-05: klar"))
    reply = console.say(in_september, ADMIN, "rapport T2 2022")
    assert reply.files, reply.text
    text = "\n".join(p.text for p in docx.Document(str(reply.files[0].path)).paragraphs)
    assert "Tre sammanträden under våren." in text
    assert "Det sista sammanträdet hölls i september." not in text, "dated after August, it belongs to T3"
