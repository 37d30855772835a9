"""The chat port as real platforms need it: each platform message handled once, slow commands
acknowledged at once and finished in the background, replies placed where they were asked."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from kubot import db
from kubot.adapters import console
from kubot.adapters.outbox import OutboxSender
from kubot.adapters.routing import RoutingSender
from kubot.chat import core
from kubot.chat.core import Bot
from kubot.models import Entry, Inbound, OutboxMessage, SlowJob, Staff
from kubot.port import Address, Incoming, Outgoing, Unreached
from kubot.settings import Settings
from tests.conftest import NOW, server_paths


class Recording:
    """A platform that keeps what it was asked to deliver; every key it is given is delivered."""

    platform = "console"

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self.lock = threading.Lock()

    def address(self, name: str, identities: Mapping[str, str]) -> Address | None:
        return Address(self.platform, name)

    def why_not(self, name: str, identities: Mapping[str, str]) -> Unreached:
        raise AssertionError("everyone is reached")

    def send(self, message: Outgoing) -> None:
        with self.lock:
            self.sent.append(message)


def said(text: str, message_id: str, who: str = "Maria Chef", channel: str = "C-ledning") -> Incoming:
    return Incoming(text=text, platform="console", sender=who, channel=channel, message_id=message_id, thread="1700.1")


def count(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def test_a_retried_message_is_stored_once_and_the_retry_shows_nothing_new(small_plan_engine: Engine, bot: Bot) -> None:
    first = bot.handle(said("närvaro PKS 2022-03-10 3 av 3", "ev-1", who="Ola Götesson"))
    again = bot.handle(said("närvaro PKS 2022-03-10 3 av 3", "ev-1", who="Ola Götesson"))
    assert first.accepted and not first.repeated and "Registrerat" in first.text
    assert again.repeated and again.text == first.text
    assert count(small_plan_engine, Entry) == 2  # the plan import's entry and this one


def test_a_double_clicked_read_only_command_runs_once(small_plan_engine: Engine, bot: Bot) -> None:
    first = bot.handle(said("saknas T2 2022", "klick-7"))
    second = bot.handle(said("saknas T2 2022", "klick-7"))
    assert not first.repeated and second.repeated
    assert count(small_plan_engine, Inbound) == 1


def test_a_rejected_message_is_remembered_as_handled_too(bot: Bot) -> None:
    first = bot.handle(said("närvaro PKS igår 40 av 3", "ev-2", who="Ola Götesson"))
    assert first.accepted is False
    assert bot.handle(said("närvaro PKS igår 40 av 3", "ev-2", who="Ola Götesson")).repeated


def test_the_same_message_delivered_twice_at_once_runs_once(small_plan_engine: Engine, bot: Bot) -> None:
    replies = []
    threads = [
        threading.Thread(
            target=lambda: replies.append(bot.handle(said("närvaro PKS 2022-03-10 3 av 3", "ev-3", who="Ola Götesson")))
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.repeated for r in replies) == [False, True, True, True]
    assert count(small_plan_engine, Entry) == 2


def slow_bot(engine: Engine, tmp_path: Path, sender: Recording, report_dir: Path | None = None) -> Bot:
    return Bot(engine, Settings(report_dir=report_dir or tmp_path / "rapporter"), clock=lambda: NOW, sender=sender)


def test_a_report_ordered_in_a_channel_is_acknowledged_at_once_and_lands_in_that_channel(
    small_plan_engine: Engine, tmp_path: Path
) -> None:
    sender = Recording()
    bot = slow_bot(small_plan_engine, tmp_path, sender)
    ack = bot.handle(said("rapport T2 2022", "ev-10"))
    assert ack.text == "Jag bygger rapporten, den kommer här om en stund." and not ack.public
    bot.close()
    [result] = sender.sent
    assert (
        result.to == Address("console", "Maria Chef")
        and result.conversation == "C-ledning"
        and result.thread == "1700.1"
    )
    assert result.public and "Rapporten byggs … klar" in result.text
    [file] = result.files
    assert file.path.suffix == ".docx" and file.path.is_file()
    assert file.title == "Delårsrapport januari–augusti 2022 (utkast 23 nov 2022)", "the file is called what it is"
    assert file.filename == "Delårsrapport januari–augusti 2022 (utkast 23 nov 2022).docx"
    assert server_paths(result.text, tmp_path) == [], "where the server keeps it is not the reader's business"
    with Session(small_plan_engine) as session:
        assert session.exec(select(SlowJob.state)).all() == ["done"]


def test_a_retried_report_order_builds_one_report(small_plan_engine: Engine, tmp_path: Path) -> None:
    sender = Recording()
    bot = slow_bot(small_plan_engine, tmp_path, sender)
    assert not bot.handle(said("rapport T2 2022", "ev-11")).repeated
    assert bot.handle(said("rapport T2 2022", "ev-11")).repeated
    bot.close()
    assert len(sender.sent) == 1 and count(small_plan_engine, SlowJob) == 1
    assert len(list((tmp_path / "rapporter").glob("*.docx"))) == 1


def test_a_slow_command_that_fails_tells_the_asker_to_try_again(small_plan_engine: Engine, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    sender = Recording()

    def crash(*_args: object, **_kwargs: object) -> bytes:
        raise RuntimeError("injected fault while writing the document")

    # A report directory that is a file is now answered with its reason; an unexpected fault is what this is about.
    monkeypatch.setattr("kubot.report.document.render", crash)
    bot = slow_bot(small_plan_engine, tmp_path, sender)
    bot.handle(said("rapport T2 2022", "ev-12"))
    bot.close()
    [notice] = sender.sent
    assert notice.text.startswith("Jag kunde inte göra klart ”rapport T2 2022”.") and "Försök igen" in notice.text
    assert notice.conversation == "C-ledning" and not notice.files
    with Session(small_plan_engine) as session:
        assert session.exec(select(SlowJob.state)).all() == ["failed"]


def test_a_slow_command_cut_off_by_a_restart_is_reported_once_after_the_restart(
    small_plan_engine: Engine, tmp_path: Path
) -> None:
    with db.session_scope(small_plan_engine) as session:
        maria = session.exec(select(Staff).where(Staff.name == "Maria Chef")).one()
        # What a process killed while building leaves behind.
        session.add(SlowJob(actor_id=maria.id or 0, platform="console", address="Maria Chef", conversation="C-ledning",
                            text="rapport T2 2022", created_at=NOW))
    sender = Recording()
    restarted = slow_bot(small_plan_engine, tmp_path, sender)
    assert restarted.resume() == 1
    assert restarted.resume() == 0
    [notice] = sender.sent
    assert notice.to == Address("console", "Maria Chef") and notice.conversation == "C-ledning"
    assert "startades om" in notice.text and "Skriv ”rapport T2 2022” igen" in notice.text


def test_without_a_sender_a_slow_command_answers_when_done(bot: Bot) -> None:
    reply = console.say(bot, "Maria Chef", "rapport T2 2022")
    assert reply.text.startswith("Rapporten byggs … klar") and reply.files


def test_entries_are_answered_privately_and_reports_publicly(bot: Bot) -> None:
    assert not console.say(bot, "Ola Götesson", "närvaro PKS 2022-03-10 3 av 3").public
    assert console.say(bot, "Maria Chef", "rapport T2 2022").public


def test_the_routing_sender_reaches_each_person_on_their_platform_once_per_key(small_plan_engine: Engine) -> None:
    slack_stand_in = OutboxSender(small_plan_engine, platform="slack")
    routing = RoutingSender(small_plan_engine, [slack_stand_in, OutboxSender(small_plan_engine)])
    liselotte = routing.address("Liselotte Karlsson", {"slack": "U0LISE"})
    ola = routing.address("Ola Götesson", {})
    assert liselotte == Address("slack", "U0LISE") and ola == Address("console", "Ola Götesson")
    for _ in range(2):
        routing.send(Outgoing(key="k1", to=liselotte, recipient="Liselotte Karlsson", text="hej"))
        routing.send(Outgoing(key="k2", to=ola, recipient="Ola Götesson", text="hej"))
    with Session(small_plan_engine) as session:
        assert sorted(session.exec(select(OutboxMessage.address))) == ["Ola Götesson", "U0LISE"]


def test_a_delivery_that_fails_can_be_retried(small_plan_engine: Engine) -> None:
    class Down(Recording):
        def send(self, message: Outgoing) -> None:
            raise ConnectionError("nere")

    message = Outgoing(key="k3", to=Address("console", "Ola Götesson"), recipient="Ola Götesson", text="hej")
    with contextlib.suppress(ConnectionError):
        RoutingSender(small_plan_engine, [Down()]).send(message)
    up = Recording()
    RoutingSender(small_plan_engine, [up], clock=lambda: datetime.now(UTC)).send(message)
    assert [m.key for m in up.sent] == ["k3"]


def test_the_console_shows_a_reports_path_once_and_the_message_none(small_plan_engine: Engine, tmp_path: Path) -> None:
    bot = Bot(small_plan_engine, Settings(report_dir=tmp_path / "rapporter"), clock=lambda: NOW)
    reply = console.say(bot, "Maria Chef", "rapport T2 2022")
    [file] = reply.files
    assert server_paths(reply.text, tmp_path) == []
    shown = console.render(reply)
    assert shown.count(str(file.path)) == 1 and shown.endswith(
        f"  Fil: {file.path}"
    ), "the console runs where the file is"


def test_a_report_the_server_cannot_save_tells_the_asker_to_ask_an_admin_without_the_servers_folders(
        small_plan_engine: Engine, tmp_path: Path) -> None:
    blocked = tmp_path / "inte-en-katalog"
    blocked.write_text("en fil där rapportkatalogen skulle vara")
    bot = Bot(small_plan_engine, Settings(report_dir=blocked / "rapporter"), clock=lambda: NOW)
    reply = console.say(bot, "Maria Chef", "rapport T2 2022")
    assert (
        reply.accepted is False
        and reply.text.startswith("Rapporten kunde inte sparas på servern.")
        and "kontroll" in reply.text
    )
    assert server_paths(reply.text, tmp_path) == [] and not reply.files


def test_a_message_that_fails_is_logged_by_platform_and_id_never_by_what_was_written_or_who_wrote(
        small_plan_engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(core, "identify", broken)
    bot = Bot(small_plan_engine, Settings(), clock=lambda: NOW)
    reply = bot.handle(Incoming(text="vem Blåbärssoppan i Aneby", platform="slack", sender="U0ANNA", message_id="Ev9",
                                sender_name="Anna Nykvist", sender_email="anna.nykvist@rjl.se"))
    assert reply.accepted is False and reply.text.startswith("Något gick fel hos mig")
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert "slack" in line and "Ev9" in line
    assert not any(said in line for said in ("Blåbärssoppan", "Anna Nykvist", "anna.nykvist"))
