"""Every due reminder is delivered once: across crashes, restarts, concurrent runs and second workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time as wall
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import Engine, delete, func, inspect, text
from sqlmodel import Session, select

from kubot import db
from kubot.adapters import outbox
from kubot.models import ChatIdentity, Dispatch, OutboxMessage
from kubot.periods import Period
from kubot.port import Outgoing
from kubot.reminders import delivery, lock, worker
from kubot.settings import Settings
from tests.conftest import at

ESCALATION_DAY = date(2023, 9, 18)  # five messages: two reminders, two escalations, one summary (Ola's three in one)


@pytest.fixture
def t2(t2: Engine) -> Engine:
    """The reminder plan with everyone on the console: nobody linked to Slack, so no platform is needed."""
    with db.session_scope(t2) as session:
        session.exec(delete(ChatIdentity))
    return t2


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


class CrashingSender(outbox.OutboxSender):
    """Delivers like the console outbox, and dies at the `crash_at`-th message, before or after delivering it."""

    def __init__(self, engine: Engine, crash_at: int, after_delivery: bool) -> None:
        super().__init__(engine)
        self.calls = 0
        self.crash_at = crash_at
        self.after_delivery = after_delivery

    def send(self, message: Outgoing) -> None:
        self.calls += 1
        if self.calls == self.crash_at and not self.after_delivery:
            raise Crash
        super().send(message)
        if self.calls == self.crash_at:
            raise Crash


def outbox_keys(engine: Engine) -> Counter[str]:
    with Session(engine) as session:
        return Counter(session.exec(select(OutboxMessage.key)))


def ledger(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.exec(select(func.count()).select_from(Dispatch)).one(),
            session.exec(select(func.count()).select_from(Dispatch).where(Dispatch.delivered_at.is_not(None))).one(),
        )  # type: ignore[union-attr]


@pytest.mark.parametrize("after_delivery", [False, True], ids=["crash-before-delivery", "crash-after-delivery"])
def test_a_crash_in_the_middle_of_a_batch_then_a_restart_delivers_each_message_once(
    t2: Engine, after_delivery: bool
) -> None:
    settings, now = Settings(), at(ESCALATION_DAY)
    with pytest.raises(Crash):
        delivery.send_due(t2, settings, CrashingSender(t2, crash_at=2, after_delivery=after_delivery), now=now)
    assert ledger(t2) == (5, 3), "all five were claimed, Ola's three (one message) delivered before the crash"
    delivery.send_due(t2, settings, outbox.OutboxSender(t2), now=now.replace(minute=31))
    keys = outbox_keys(t2)
    assert len(keys) == 3 and set(keys.values()) == {1}, "one message to each of the three, once"
    assert ledger(t2) == (5, 5)


def test_runs_at_the_same_time_without_the_worker_lock_still_send_each_reminder_once(t2: Engine) -> None:
    settings, now, errors = Settings(), at(ESCALATION_DAY), []

    def run() -> None:
        try:
            delivery.send_due(t2, settings, outbox.OutboxSender(t2), now=now)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    keys = outbox_keys(t2)
    assert len(keys) == 3 and set(keys.values()) == {1}


def test_a_second_worker_cannot_take_the_lock_until_the_first_lets_go(t2: Engine) -> None:
    first, second = lock.lock_for(t2), lock.lock_for(t2)
    if isinstance(first, lock.RowLock):
        assert isinstance(second, lock.RowLock)
        second.holder = "another-host:1"
    assert first.acquire()
    assert not second.acquire()
    assert first.alive()
    first.release()
    assert second.acquire()
    second.release()


def test_a_silent_lock_row_is_taken_over_and_its_old_holder_notices(engine: Engine) -> None:
    clock = [at(ESCALATION_DAY)]
    old = lock.RowLock(engine, "old:1", clock=lambda: clock[0])
    new = lock.RowLock(engine, "new:2", clock=lambda: clock[0])
    assert old.acquire()
    clock[0] += lock.STALE_AFTER / 2
    assert not new.acquire(), "a holder with a recent heartbeat keeps the lock"
    clock[0] += lock.STALE_AFTER * 2
    assert new.acquire(), "a holder silent for too long is taken to be dead"
    assert not old.alive(), "the old holder's heartbeat finds it lost the lock, so it stops"


def _worker(database_url: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "kubot", "worker", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_kubot_worker_once_catches_up_and_a_second_run_sends_nothing_new(t2: Engine, database_url: str) -> None:
    first = _worker(database_url, "--once", "--at", "2023-09-18T08:30")
    assert first.wait(60) == 0, first.stdout.read() if first.stdout else ""
    assert (
        "Påminnelser 2023-09-18 08:30: 5 aktuella, 5 nya, 0 levererade, 5 i konsolens utkorg (ingen chattplattform är"
        " inställd; läs dem med kubot outbox)."
        in (first.stdout.read() if first.stdout else "")
    )
    again = _worker(database_url, "--once", "--at", "2023-09-18T09:00")
    assert again.wait(60) == 0
    assert "5 aktuella, 0 nya, 0 levererade." in (again.stdout.read() if again.stdout else "")
    assert sorted(outbox_keys(t2).values()) == [1] * 3, "one message to each of the three"


def test_kubot_worker_runs_its_scheduler_with_jobs_in_the_database_and_keeps_a_second_worker_out(
    t2: Engine, database_url: str
) -> None:
    running = _worker(database_url)
    try:
        assert running.stdout is not None
        lines = [running.stdout.readline() for _ in range(2)]
        assert lines[1].startswith("kubot worker kör (tidszon Europe/Stockholm); påminnelser kl. 08:30."), lines
        deadline = wall.monotonic() + 20
        jobs: list[str] = []
        while wall.monotonic() < deadline and len(jobs) < 3:
            with t2.connect() as connection:
                if worker.JOB_TABLE in inspect(connection).get_table_names():
                    jobs = sorted(connection.execute(text(f"SELECT id FROM {worker.JOB_TABLE}")).scalars())
            wall.sleep(0.2)
        assert jobs == ["leverans", "påminnelser", "utvärdering"], "the jobs live in the application database"
        second = _worker(database_url, "--once")
        assert second.wait(60) == 1, "a run that could not do its work says so in its exit code"
        said = second.stdout.read() if second.stdout else ""
        assert (
            "En annan kubot worker" in said
            and "håller låset" in said
            and "Den här körningen (--once) gjorde ingenting." in said
        )
    finally:
        running.send_signal(signal.SIGTERM)
        assert running.wait(30) == 0
    assert "kubot worker har stannat." in (running.stdout.read() if running.stdout else "")
    after = _worker(database_url, "--once", "--at", "2023-08-01T08:30")
    assert after.wait(60) == 0 and "En annan" not in (
        after.stdout.read() if after.stdout else ""
    ), "the lock was released"


@pytest.mark.postgres
def test_a_worker_killed_mid_batch_on_postgresql_and_restarted_delivers_each_reminder_once(
    t2: Engine, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("holds a row lock that only PostgreSQL gives per row")
    # An open transaction holding the second reminder's key makes the worker stop right there,
    # after it has claimed the first: exactly the middle of a batch.
    blocker = t2.connect()
    blocker.execute(
        text(
            "INSERT INTO dispatch (key, kind, recipient_id, stage, text, actions, platform, problem, created_at) "
            "SELECT :key, 'x', id, '', '', '[]', '', '', now() FROM staff WHERE name = 'Liselotte Karlsson'"
        ),
        {"key": delivery.key("påminnelse", 2, Period(2023, 2), "före-10")},
    )
    victim = _worker(database_url, "--once", "--at", "2023-09-01T08:30")
    try:
        deadline = wall.monotonic() + 30
        while wall.monotonic() < deadline and ledger(t2)[0] < 1:
            wall.sleep(0.05)
        wall.sleep(0.3)
        assert victim.poll() is None, "the worker waits on the held key"
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
    finally:
        blocker.rollback()
        blocker.close()
    assert ledger(t2) == (1, 0), "killed after claiming the first reminder, before delivering it"
    restarted = _worker(database_url, "--once", "--at", "2023-09-01T08:31")
    assert restarted.wait(60) == 0
    keys = outbox_keys(t2)
    assert sorted(keys) == ["påminnelse:1:2023-T2:före-10", "påminnelse:2:2023-T2:före-10"] and set(keys.values()) == {
        1
    }
    assert ledger(t2) == (2, 2)


@pytest.mark.postgres
def test_two_workers_on_one_postgresql_database_send_each_reminder_once(t2: Engine, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("two worker processes on one PostgreSQL database")
    workers = [_worker(database_url, "--once", "--at", "2023-09-18T08:30") for _ in range(3)]
    codes = [w.wait(60) for w in workers]
    said = [w.stdout.read() if w.stdout else "" for w in workers]
    assert 0 in codes, said
    assert all(
        code == 0 or (code == 1 and "håller låset" in text) for code, text in zip(codes, said, strict=True)
    ), said
    keys = outbox_keys(t2)
    assert len(keys) == 3 and set(keys.values()) == {1}
