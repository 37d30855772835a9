"""Uppdrag: commissions an area carried out for the municipalities, logged in chat or through the form, counted
by the sample plan's indicator of everyone reached on courses and commissions (Verksamhetsberättelse 2018, 6.2)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from kubot import evaluation
from kubot.adapters import console
from kubot.chat import forms
from kubot.chat.core import Bot
from kubot.kinds.commission.table import Commission
from kubot.models import Area, Entry
from kubot.periods import Period
from tests.conftest import on_sample_plan, staff

ADMIN = "Ola Götesson"
YEAR_2018 = Period(2018, 3)
DECEMBER = datetime(2018, 12, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def bot(sample_database: Path, tmp_path: Path) -> Bot:
    return on_sample_plan(sample_database, tmp_path, lambda: DECEMBER)


def say(bot: Bot, message: str) -> console.Reply:
    return console.say(bot, ADMIN, message)


def stored(bot: Bot) -> list[tuple[str, int, int]]:
    with Session(bot.engine) as session:
        rows = session.exec(select(Area.name, Commission.commissions, Commission.participants).join(Area)
                            .join(Entry).where(col(Entry.undone_at).is_(None))).all()
        return [(name, number, participants) for name, number, participants in rows]


def test_commissions_said_in_chat_are_echoed_normalised_and_stored_once(bot: Bot) -> None:
    reply = say(bot, "uppdrag Miljösamverkan 14 maj 3 uppdrag 120 deltagare: tillsynsdag")
    assert reply.accepted is True
    assert "Uppdrag Miljösamverkan Jönköpings län 2018-05-14: 3 uppdrag, 120 deltagare – tillsynsdag" in reply.text
    again = say(bot, "uppdrag Miljösamverkan 2018-05-14 1 uppdrag 20 deltagare")
    assert again.accepted is False and "ytterligare" in again.text
    assert stored(bot) == [("Miljösamverkan Jönköpings län", 3, 120)]


def test_one_commission_is_assumed_when_only_the_participants_are_given(bot: Bot) -> None:
    assert say(bot, "uppdrag FoUrum fritid igår 80 deltagare").accepted is True
    assert stored(bot) == [("FoUrum fritid", 1, 80)]


@pytest.mark.parametrize(("message", "says"), [
    ("uppdrag Miljösamverkan 2018-05-14 3 uppdrag", "Skriv hur många som deltog"),
    ("uppdrag Miljösamverkan 3 uppdrag 120 deltagare", "Skriv dagen då uppdraget utfördes"),
    ("uppdrag 2018-05-14 3 uppdrag 120 deltagare", "Skriv vilket område"),
    ("uppdrag Miljösamverkan 2019-05-14 3 uppdrag 120 deltagare", "framtiden"),
])
def test_a_commission_that_lacks_a_part_is_refused_with_an_example_and_nothing_is_stored(
        bot: Bot, message: str, says: str) -> None:
    reply = say(bot, message)
    assert reply.accepted is False and says in reply.text, reply.text
    assert "uppdrag Miljösamverkan 2018-05-14 3 uppdrag 120 deltagare" in reply.text or "framtiden" in says
    assert stored(bot) == []


def test_a_commission_can_be_undone(bot: Bot) -> None:
    reply = say(bot, "uppdrag CHANGE 2018-12-01 26 uppdrag 2 954 deltagare")
    assert reply.accepted is True and "2 954 deltagare" in reply.text.replace("\u00a0", " ")
    assert say(bot, "ångra").accepted is True
    assert stored(bot) == []


def test_the_commission_form_composes_the_command_that_is_stored(bot: Bot) -> None:
    with Session(bot.engine) as session:
        form = forms.build(session, "uppdrag", staff(session, ADMIN), DECEMBER.date())
        areas = dict(form.find("area").options)  # type: ignore[union-attr]
    assert areas["miljo"] == "Miljösamverkan Jönköpings län"
    values = {"area": "miljo", "date": "2018-12-03", "commissions": "5", "participants": "234", "comment": "tillsyn"}
    command = forms.command(form, values)
    assert command == "uppdrag miljo 2018-12-03 5 uppdrag 234 deltagare: tillsyn"
    assert say(bot, command).accepted is True
    assert stored(bot) == [("Miljösamverkan Jönköpings län", 5, 234)]


def test_everyone_reached_counts_the_course_participants_and_the_commissions(bot: Bot) -> None:
    for message in ("kurs GDPR 2018-05-15 30 deltagare pris 1 840 extern 4 999",
                    "uppdrag FoUrum social välfärd 2018-06-01 43 uppdrag 1 324 deltagare",
                    "uppdrag CHANGE 2018-11-01 26 uppdrag 2 954 deltagare"):
        assert say(bot, message).accepted is True, message
    with Session(bot.engine) as session:
        snapshot = evaluation.evaluate(session, YEAR_2018, today=DECEMBER.date(), trigger="test")
        session.commit()
    reached = snapshot.indicator("kursdeltagare")
    assert reached is not None and reached.value == 30 + 1324 + 2954
    reply = console.render(say(bot, "varför kursdeltagare T3 2018"))
    assert "4 308" in reply.replace("\u00a0", " ")


def test_no_commissions_logged_is_no_result_not_zero(bot: Bot) -> None:
    with Session(bot.engine) as session:
        assert session.exec(select(func.count()).select_from(Commission)).one() == 0
        snapshot = evaluation.evaluate(session, YEAR_2018, today=DECEMBER.date(), trigger="test")
    reached = snapshot.indicator("kursdeltagare")
    assert reached is not None and reached.value is None
