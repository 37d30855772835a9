"""The reminder actions in chat, and the console outbox where reminders land."""

from __future__ import annotations

import builtins
from datetime import date, time

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from kubot import db
from kubot.adapters import console, outbox
from kubot.chat.core import Bot
from kubot.cli import main
from kubot.models import Dispatch, Entry, Snooze
from kubot.reminders import delivery, sending
from kubot.settings import Settings
from tests.conftest import at

FIRST_REMINDER = at(date(2023, 9, 1))


def send(engine: Engine, moment=FIRST_REMINDER) -> None:  # type: ignore[no-untyped-def]
    delivery.send_due(engine, Settings(), outbox.OutboxSender(engine), now=moment)


def test_not_my_task_tells_the_admin_what_and_is_journaled(t2: Engine) -> None:
    send(t2)
    bot = Bot(t2, Settings(), clock=lambda: at(date(2023, 9, 1), time(9, 0)))
    reply = console.say(bot, "Liselotte Karlsson", "inte-min-uppgift T2 2023")
    assert reply.accepted is True
    assert reply.text.startswith("Jag har meddelat Ola Götesson att brukarrev för T2 2023 inte är din uppgift")
    assert "fortsätter påminnelserna" in reply.text
    sending.deliver_pending(t2, outbox.OutboxSender(t2), at(date(2023, 9, 1), time(9, 1)))
    with db.session_scope(t2) as session:
        notice = session.exec(select(Dispatch).where(Dispatch.kind == "inte-min")).one()
        assert notice.delivered_at is not None
        [text] = [m.text for m in outbox.messages(session, "Ola Götesson") if m.key == notice.key]
        assert session.exec(select(Entry.kind).where(Entry.kind == "inte min uppgift")).one()
    assert text.startswith(
        "Liselotte Karlsson säger att det här inte är hens uppgift att rapportera för T2 2023:\n• brukarrev"
    )


def test_saying_not_my_task_twice_sends_the_admin_one_notice(t2: Engine) -> None:
    send(t2)
    bot = Bot(t2, Settings(), clock=lambda: at(date(2023, 9, 1), time(9, 0)))
    first = console.say(bot, "Liselotte Karlsson", "inte-min-uppgift T2 2023")
    again = console.say(bot, "Liselotte Karlsson", "inte min uppgift")
    assert first.accepted is True and again.accepted is None
    assert again.text == ("Det har jag redan meddelat Ola Götesson: brukarrev för T2 2023. "
                          "Tills ansvaret ändras i planen fortsätter påminnelserna.")
    sending.deliver_pending(t2, outbox.OutboxSender(t2), at(date(2023, 9, 1), time(9, 1)))
    with db.session_scope(t2) as session:
        notices = [m.text for m in outbox.messages(session, "Ola Götesson") if "inte är hens uppgift" in m.text]
        assert len(session.exec(select(Entry).where(Entry.kind == "inte min uppgift")).all()) == 1, "journaled once"
        claimed = session.exec(select(Dispatch).where(Dispatch.kind == "inte-min")).all()
    assert len(notices) == 1 and [n.delivered_at is not None for n in claimed] == [
        True
    ], "one notice in the outbound ledger"


def test_snooze_is_journaled_and_can_be_undone(t2: Engine) -> None:
    bot = Bot(t2, Settings(), clock=lambda: at(date(2023, 9, 8), time(10, 0)))
    reply = console.say(bot, "Liselotte Karlsson", "påminn imorgon")
    assert reply.accepted is True
    assert reply.text.startswith("Okej, jag påminner dig om rapporten för T2 2023 igen måndag 2023-09-11 kl. 08:30")
    assert console.say(bot, "Liselotte Karlsson", "ångra").accepted is True
    send(t2, at(date(2023, 9, 11)))
    with db.session_scope(t2) as session:
        assert len(session.exec(select(Snooze)).all()) == 1
        assert [d.stage for d in session.exec(select(Dispatch))] == [
            "före-5",
            "före-5",
        ], "an undone snooze sends nothing extra"


def test_snooze_without_any_deadline_says_so(small_plan_engine: Engine) -> None:
    bot = Bot(small_plan_engine, Settings(), clock=lambda: FIRST_REMINDER)
    reply = console.say(bot, "Liselotte Karlsson", "påminn imorgon")
    assert reply.accepted is False and reply.text.startswith(
        "Ingen rapport har påminnelser igång eller på väg just nu."
    )


def test_the_console_shows_unread_messages_once_at_start(t2: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    send(t2)
    monkeypatch.setenv("DATABASE_URL", database_url)

    def no_input(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr(builtins, "input", no_input)
    assert main(["outbox", "--as", "Liselotte Karlsson"]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("Konsolens utkorg: här hamnar kubots meddelanden eftersom ingen chattplattform")
    assert "\n\nTill Liselotte Karlsson (oläst) — 2" in listed and "skriv: resultat brukarrev <värde> T2 2023" in listed
    assert main(["console", "--as", "Liselotte Karlsson"]) == 0
    shown = capsys.readouterr().out
    database_line, shown = shown.split("\n", 1)
    assert database_line.startswith("Databas: ")
    assert shown.startswith("Du har 1 nytt meddelande från kubot:") and "Hej Liselotte! Rapporten för T2 2023" in shown
    assert "[påminn mig imorgon] skriv: påminn imorgon T2 2023" in shown
    assert main(["console", "--as", "Liselotte Karlsson"]) == 0
    assert "nytt meddelande" not in capsys.readouterr().out
    assert main(["outbox", "--unread"]) == 0
    assert "Till Liselotte" not in capsys.readouterr().out, "read messages are no longer unread"


def test_the_only_administrator_saying_not_my_task_is_told_there_is_nobody_to_tell_and_nothing_is_sent(
    t2: Engine,
) -> None:
    bot = Bot(t2, Settings(), clock=lambda: at(date(2023, 9, 1), time(9, 0)))
    reply = console.say(bot, "Ola Götesson", "inte min uppgift T2 2023")
    assert reply.accepted is None
    assert (
        reply.text
        == "Det finns ingen annan administratör att meddela att narvaro-pks, arbetsmiljo, pks-moten för T2 2023 "
        "inte är din uppgift. Ändra ansvarig i planen (ansvarig: …) och läs in den igen, så går påminnelserna "
        "till rätt person."
    )
    with db.session_scope(t2) as session:
        assert (
            session.exec(select(Dispatch)).all() == []
            and session.exec(select(Entry).where(Entry.kind == "inte min uppgift")).all() == []
        )
