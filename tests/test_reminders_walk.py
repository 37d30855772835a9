"""A whole T2 with a controlled clock: who is reminded when, snooze, completion and escalation."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from kubot import db, deadlines
from kubot.adapters import console, outbox
from kubot.chat.core import Bot
from kubot.journal import Origin
from kubot.models import Dispatch, OutboxMessage, Staff
from kubot.periods import Period
from kubot.plan import importing, loading
from kubot.reminders import delivery
from kubot.settings import Settings
from tests.conftest import PLANS, STOCKHOLM, T2, at


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def run_days(engine: Engine, first: date, last: date, clock: Clock | None = None,
             on_day: dict[date, list[tuple[str, str]]] | None = None, bot: Bot | None = None) -> None:
    """The worker's daily job at 08:30 (and a restart at 15:00) every day; chat messages at 10:00."""
    settings, sender = Settings(), outbox.OutboxSender(engine)
    day = first
    while day <= last:
        for moment in (at(day, time(7, 0)), at(day), at(day, time(15, 0))):
            delivery.send_due(engine, settings, sender, now=moment)
        for name, text in (on_day or {}).get(day, []):
            assert clock is not None and bot is not None
            clock.now = at(day, time(10, 0))
            reply = console.say(bot, name, text)
            assert reply.accepted is not False, f"{text!r} → {reply.text}"
        day += timedelta(days=1)


def sent(engine: Engine) -> list[tuple[str, str, str, str]]:
    with db.session_scope(engine) as session:
        names = {s.id: s.name for s in session.exec(select(Staff))}
        return [(f"{d.created_at.astimezone(STOCKHOLM):%Y-%m-%d %H:%M}", d.kind, names[d.recipient_id], d.stage)
                for d in session.exec(select(Dispatch).order_by(col(Dispatch.id)))]


def test_nobody_reports_reminders_at_10_5_and_1_working_days_then_escalation(t2: Engine) -> None:
    run_days(t2, date(2023, 8, 25), date(2023, 10, 20))
    assert sent(t2) == [
        ("2023-09-01 08:30", "påminnelse", "Ola Götesson", "före-10"),
        ("2023-09-01 08:30", "påminnelse", "Liselotte Karlsson", "före-10"),
        ("2023-09-08 08:30", "påminnelse", "Ola Götesson", "före-5"),
        ("2023-09-08 08:30", "påminnelse", "Liselotte Karlsson", "före-5"),
        ("2023-09-14 08:30", "påminnelse", "Ola Götesson", "före-1"),
        ("2023-09-14 08:30", "påminnelse", "Liselotte Karlsson", "före-1"),
        ("2023-09-18 08:30", "påminnelse", "Ola Götesson", "efter-1"),
        ("2023-09-18 08:30", "påminnelse", "Liselotte Karlsson", "efter-1"),
        ("2023-09-18 08:30", "eskalering", "Ola Götesson", "efter-1"),
        ("2023-09-18 08:30", "eskalering", "Maria Chef", "efter-1"),
        ("2023-09-18 08:30", "sammanfattning", "Ola Götesson", "efter-1"),
    ]
    with db.session_scope(t2) as session:
        messages = outbox.messages(session)
    assert len(messages) == 9, "every claimed message reached the outbox once, all of a person's in one message"
    first = messages[1].text
    assert first.startswith(
        "Hej Liselotte! Rapporten för T2 2023 (januari–augusti) ska vara klar fredag 2023-09-15, om 10 arbetsdagar."
    )
    assert "• brukarrev – Genomförda brukarrevisioner\n    skriv: resultat brukarrev <värde> T2 2023" in first
    assert [a["label"] for a in messages[1].actions] == ["rapportera", "påminn mig imorgon", "inte min uppgift"]
    escalation = next(m for m in messages if m.address == "Maria Chef").text
    assert (
        "skulle ha varit klar fredag 2023-09-15" in escalation and "Liselotte Karlsson (1):\n• brukarrev" in escalation
    )
    assert "narvaro-pks" not in escalation, "Ola's items are not in Maria's areas"
    [ola] = [m.text for m in messages if m.address == "Ola Götesson" and "Läget för rapporten" in m.text]
    assert ola.startswith("Hej Ola! Rapporten för T2 2023 (januari–augusti) skulle ha varit klar fredag 2023-09-15.")
    assert ola.count("Hej Ola!") == 1 and "\n\nRapporten för T2 2023 (januari–augusti) skulle ha varit klar" in ola, \
        "his own reminder, his areas' summary and the head's overview in one message"
    summary = ola
    assert "Mätetal inrapporterade: 0 av 3 (0 %)." in summary and "• Liselotte Karlsson: 1" in summary


def test_snooze_reporting_everything_stops_the_reminders_and_the_escalation_lists_only_what_is_missing(
    t2: Engine,
) -> None:
    clock = Clock(at(date(2023, 9, 1)))
    bot = Bot(t2, Settings(), clock=clock)
    run_days(t2, date(2023, 8, 31), date(2023, 10, 2), clock, bot=bot, on_day={
        # Friday 8 September: Liselotte asks to be reminded on the next working day, Monday the 11th.
        date(2023, 9, 8): [("Liselotte Karlsson", "påminn imorgon")],
        # Tuesday 12 September: Ola reports everything with the commands his reminder gave him.
        date(2023, 9, 12): [("Ola Götesson", "resultat arbetsmiljo 84 T2 2023"),
                            ("Ola Götesson", "närvaro pks 2023-08-20 3 av 3"),
                            ("Ola Götesson", "aktivitet pks-moten pågår enligt plan")],
    })
    assert sent(t2) == [
        ("2023-09-01 08:30", "påminnelse", "Ola Götesson", "före-10"),
        ("2023-09-01 08:30", "påminnelse", "Liselotte Karlsson", "före-10"),
        ("2023-09-08 08:30", "påminnelse", "Ola Götesson", "före-5"),
        ("2023-09-08 08:30", "påminnelse", "Liselotte Karlsson", "före-5"),
        ("2023-09-11 08:30", "påminnelse", "Liselotte Karlsson", "påminn-2023-09-11"),
        ("2023-09-14 08:30", "påminnelse", "Liselotte Karlsson", "före-1"),
        ("2023-09-18 08:30", "påminnelse", "Liselotte Karlsson", "efter-1"),
        ("2023-09-18 08:30", "eskalering", "Maria Chef", "efter-1"),
        ("2023-09-18 08:30", "sammanfattning", "Ola Götesson", "efter-1"),
    ]
    with db.session_scope(t2) as session:
        summary = session.exec(select(OutboxMessage).where(OutboxMessage.key.like("sammanfattning%"))).one().text  # type: ignore[attr-defined]
        reminder = (
            session.exec(
                select(OutboxMessage).where(
                    OutboxMessage.key.like("påminnelse:%:före-5"),  # type: ignore[attr-defined]
                    OutboxMessage.address == "Ola Götesson",
                )
            )
            .one()
            .text
        )
    assert "Mätetal inrapporterade: 2 av 3 (67 %)." in summary and "Aktiviteter med status: 1 av 1 (100 %)." in summary
    assert "resultat arbetsmiljo <värde> T2 2023" in reminder and "aktivitet pks-moten pågår enligt plan" in reminder
    assert "närvaro pks <datum> <antal> av 3" in reminder


def test_a_report_completed_before_the_first_reminder_gets_none(t2: Engine) -> None:
    clock = Clock(at(date(2023, 8, 31)))
    bot = Bot(t2, Settings(), clock=clock)
    run_days(t2, date(2023, 8, 31), date(2023, 9, 20), clock, bot=bot,
             on_day={date(2023, 8, 31): [("Liselotte Karlsson", "resultat brukarrev 4 T2 2023")]})
    assert all(recipient != "Liselotte Karlsson" for _, _, recipient, _ in sent(t2))
    assert ("2023-09-18 08:30", "eskalering", "Maria Chef", "efter-1") not in sent(
        t2
    ), "nothing missing in Maria's areas"


def test_a_worker_down_for_a_week_sends_only_the_reminder_that_is_due_when_it_returns(t2: Engine) -> None:
    settings, sender = Settings(), outbox.OutboxSender(t2)
    delivery.send_due(t2, settings, sender, now=at(date(2023, 8, 31)))
    back = at(date(2023, 9, 12), time(13, 5))  # down 1–11 September: the 10- and 5-day reminders were missed
    delivery.send_due(t2, settings, sender, now=back)
    delivery.send_due(t2, settings, sender, now=back + timedelta(minutes=1))
    assert sent(t2) == [("2023-09-12 13:05", "påminnelse", "Ola Götesson", "före-5"),
                        ("2023-09-12 13:05", "påminnelse", "Liselotte Karlsson", "före-5")]


def test_the_dry_run_shows_what_would_be_sent_and_why_without_writing(
    t2: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    from kubot.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["reminders", "--date", "2023-09-08", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Påminnelser aktuella 2023-09-08 08:30 (torrkörning, inget skickas):" in out
    assert (
        "● påminnelse till Liselotte Karlsson, T2 2023 – 5 arbetsdagar före deadline 2023-09-15 [skulle skickas]" in out
    )
    assert main(["reminders", "--date", "2023-08-30", "--dry-run"]) == 0
    assert "Inga påminnelser är aktuella 2023-08-30 08:30." in capsys.readouterr().out
    assert sent(t2) == []
    assert main(["reminders", "--date", "2023-09-08"]) == 2, "sending is only for today"


def test_chat_shows_my_upcoming_reminders(t2: Engine) -> None:
    bot = Bot(t2, Settings(), clock=lambda: at(date(2023, 9, 5), time(9, 0)).astimezone(UTC))
    reply = console.say(bot, "Liselotte Karlsson", "påminnelser").text
    assert "T2 2023 (januari–augusti): deadline fredag 2023-09-15." in reply
    assert "kommer fredag 2023-09-08 kl. 08:30: 5 arbetsdagar före deadline 2023-09-15" in reply
    assert "kommer torsdag 2023-09-14 kl. 08:30: 1 arbetsdag före deadline 2023-09-15" in reply
    assert "efter deadline" not in reply, "the escalation goes to managers, not to her"


def test_owed_items_without_a_responsible_person_are_reported_to_the_admin(t2: Engine) -> None:
    with db.session_scope(t2) as session:
        deadlines.set_deadline(session, origin=Origin(None, "test"), period=Period(2023, 3), due_on=date(2024, 1, 19),
                               today=date(2023, 6, 1))
    delivery.send_due(t2, Settings(), outbox.OutboxSender(t2), now=at(date(2024, 1, 5)))
    with db.session_scope(t2) as session:
        [notice] = [d for d in session.exec(select(Dispatch)) if d.kind == "ej-ansvarig"]
    assert notice.stage == "före-10" and notice.delivered_at is not None
    assert notice.text.startswith(
        "Det här saknas för T3 2023 men har ingen (aktiv) ansvarig, så ingen får någon påminnelse:\n"
        "• nojd-samverkan – Andel mycket nöjda med samverkan"
    )


def test_a_manager_with_five_people_owing_gets_one_message_per_run_with_a_summary_per_person(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        importing.apply(
            session, loading.load((PLANS / "manager.yaml").read_text(encoding="utf-8")), Origin(None, "test")
        )
        deadlines.set_deadline(
            session, origin=Origin(None, "test"), period=T2, due_on=date(2023, 9, 15), today=date(2023, 6, 1)
        )
    sender = outbox.OutboxSender(engine)
    delivery.send_due(engine, Settings(), sender, now=at(date(2023, 9, 18)))  # the escalation day
    delivery.send_due(engine, Settings(), sender, now=at(date(2023, 9, 18), time(15, 0)))  # a restart later that day
    with db.session_scope(engine) as session:
        to_maria = [m for m in outbox.messages(session) if m.address == "Maria Chef"]
        kinds = sorted(d.kind for d in session.exec(select(Dispatch).join(Staff, col(Staff.id) == Dispatch.recipient_id)
                                                    .where(Staff.name == "Maria Chef")))
    assert kinds == ["eskalering", "påminnelse"], "her own reminder and her areas' summary …"
    [message] = to_maria  # … in one message
    text = message.text
    assert text.startswith("Hej Maria! Rapporten för T2 2023 (januari–augusti) skulle ha varit klar fredag 2023-09-15.")
    assert text.count("Hej Maria!") == 1 and "• matt-5 – Mätetal 5\n    skriv: resultat matt-5 <värde> T2 2023" in text
    assert "I dina områden saknas fortfarande 6 uppgifter:" in text
    for person, code in [("Liselotte Karlsson", "brukarrev"), ("Anna Nykvist", "matt-1"), ("Bo Ek", "matt-2"),
                         ("Cecilia Holm", "matt-3"), ("David Lind", "matt-4")]:
        assert f"\n{person} (1):\n• {code} – " in text, person
    assert [a["command"] for a in message.actions] == [
        "saknas T2 2023",
        "påminn imorgon T2 2023",
        "inte-min-uppgift T2 2023",
    ]
