"""`kubot worker`: the one process that runs the scheduler (APScheduler, jobs stored in the app database).

Only one worker may run. APScheduler does not stop two schedulers sharing a job store from
running the same job twice, so the worker first takes a lock: a PostgreSQL advisory lock held
on a dedicated connection (released by the server the moment the process dies), or on SQLite
a lock row with a heartbeat that a new worker may take over once it is stale. A worker that
cannot get the lock waits as a standby. Sending is idempotent on top of that (see delivery).

Jobs and their timing:
* reminders – every day at the reminder time (08:30): evaluate, claim and deliver what is due.
  Also run once at start, which is the catch-up after downtime: what is due is worked out from
  the deadlines and the ledger, not from missed job runs, so a worker that was down sends each
  missed reminder once when it returns. misfire_grace_time is 12 h (APScheduler's default of
  1 s would silently drop a run that starts a second late, e.g. after a long evaluation) and
  runs are coalesced, so a late scheduler sends that day's reminders once.
* delivery – every minute: deliver messages claimed elsewhere (notices from chat commands).
* evaluation – every night at 01:30, outside the 02:00–03:00 daylight-saving change.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Connection, Engine, delete, or_, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import col

from kubot import app, db
from kubot.models import WorkerLock
from kubot.periods import Period
from kubot.port import Sender
from kubot.reminders import delivery
from kubot.settings import Settings

log = logging.getLogger(__name__)
ADVISORY_KEY = 0x6B75626F  # "kubo": the worker's advisory lock id
LOCK_NAME = "worker"
HEARTBEAT_SECONDS = 30
STALE_AFTER = timedelta(seconds=4 * HEARTBEAT_SECONDS)
JOB_TABLE = "apscheduler_jobs"


class Lock(Protocol):
    def acquire(self) -> bool: ...
    def alive(self) -> bool: ...
    def release(self) -> None: ...


class AdvisoryLock:
    """PostgreSQL session-level advisory lock on a connection kept open for the worker's lifetime."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        connection = self.engine.connect()
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar()
        connection.commit()
        if got:
            self.connection = connection
        else:
            connection.close()
        return bool(got)

    def alive(self) -> bool:
        if self.connection is None:
            return False
        try:
            self.connection.execute(text("SELECT 1"))
            self.connection.commit()
            return True
        except DBAPIError:
            return False

    def release(self) -> None:
        if self.connection is not None:
            try:
                self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
                self.connection.commit()
            finally:
                self.connection.close()
                self.connection = None


class RowLock:
    """A lock row with a heartbeat; a holder silent for STALE_AFTER is taken to be dead."""

    def __init__(self, engine: Engine, holder: str, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.engine = engine
        self.holder = holder
        self.clock = clock

    def _touch(self, *, take_stale: bool) -> bool:
        now = self.clock()
        mine = col(WorkerLock.holder) == self.holder
        condition = or_(mine, col(WorkerLock.heartbeat_at) < now - STALE_AFTER) if take_stale else mine
        with db.session_scope(self.engine) as session:
            result = session.exec(update(WorkerLock).where(col(WorkerLock.name) == LOCK_NAME, condition)
                                  .values(holder=self.holder, heartbeat_at=now))
            return bool(result.rowcount)

    def acquire(self) -> bool:
        if self._touch(take_stale=True):
            return True
        try:
            with db.session_scope(self.engine) as session:
                session.add(WorkerLock(name=LOCK_NAME, holder=self.holder, heartbeat_at=self.clock()))
            return True
        except IntegrityError:
            return False

    def alive(self) -> bool:
        return self._touch(take_stale=False)

    def release(self) -> None:
        with db.session_scope(self.engine) as session:
            session.exec(delete(WorkerLock).where(col(WorkerLock.holder) == self.holder))


def lock_for(engine: Engine) -> Lock:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    return RowLock(engine, f"{socket.gethostname()}:{os.getpid()}")


@dataclass
class Runtime:
    """What the scheduled jobs work with; jobs are stored by reference, so they find it here."""

    engine: Engine
    settings: Settings
    sender: Sender
    lock: Lock
    clock: Callable[[], datetime]
    scheduler: BlockingScheduler | None = None
    lost_lock: bool = False


_runtime: Runtime | None = None


def _current() -> Runtime:
    if _runtime is None:
        raise RuntimeError("the worker's jobs run only inside `kubot worker`")
    return _runtime


def reminders_job() -> None:
    runtime = _current()
    outcome = delivery.send_due(runtime.engine, runtime.settings, runtime.sender, now=runtime.clock())
    log.info("reminders: %d due, %d new, %d delivered", len(outcome.planned), len(outcome.claimed), outcome.delivered)
    print(f"Påminnelser {runtime.clock().astimezone(runtime.settings.timezone):%Y-%m-%d %H:%M}: "
          f"{len(outcome.planned)} aktuella, {len(outcome.claimed)} nya, {outcome.delivered} levererade.", flush=True)


def delivery_job() -> None:
    runtime = _current()
    delivery.deliver_pending(runtime.engine, runtime.sender, runtime.clock())


def evaluation_job() -> None:
    runtime = _current()
    today = runtime.clock().astimezone(runtime.settings.timezone).date()
    with db.session_scope(runtime.engine) as session:
        periods = {Period.containing(today), *(p for p, _ in delivery.periods_in_play(session, today))}
        for period in sorted(periods):
            delivery.evaluate_now(session, period, today)


def heartbeat_job() -> None:
    runtime = _current()
    if not runtime.lock.alive():
        log.error("the worker lock was lost; stopping so that no second scheduler runs")
        runtime.lost_lock = True
        if runtime.scheduler is not None:
            runtime.scheduler.shutdown(wait=False)


def scheduler_for(runtime: Runtime) -> BlockingScheduler:
    tz = runtime.settings.timezone
    at = runtime.settings.reminder_time
    scheduler = BlockingScheduler(
        timezone=tz,
        jobstores={"default": SQLAlchemyJobStore(engine=runtime.engine, tablename=JOB_TABLE), "minne": MemoryJobStore()},
        job_defaults={"coalesce": True, "max_instances": 1},
    )
    scheduler.add_job(reminders_job, CronTrigger(hour=at.hour, minute=at.minute, timezone=tz), id="påminnelser",
                      name="Påminnelser före deadline", replace_existing=True, misfire_grace_time=12 * 3600)
    scheduler.add_job(delivery_job, IntervalTrigger(minutes=1, timezone=tz), id="leverans",
                      name="Leverera meddelanden", replace_existing=True, misfire_grace_time=60)
    scheduler.add_job(evaluation_job, CronTrigger(hour=1, minute=30, timezone=tz), id="utvärdering",
                      name="Nattlig utvärdering", replace_existing=True, misfire_grace_time=6 * 3600)
    scheduler.add_job(heartbeat_job, IntervalTrigger(seconds=HEARTBEAT_SECONDS, timezone=tz), id="hjärtslag",
                      jobstore="minne", misfire_grace_time=HEARTBEAT_SECONDS)
    return scheduler


def run(settings: Settings, *, once: bool = False, at: datetime | None = None) -> int:
    """Run the worker until stopped (or one catch-up round with `once`); the exit code for the CLI."""
    global _runtime
    engine = app.start(settings)
    lock = lock_for(engine)
    announced = False
    while not lock.acquire():
        if once:
            print("En annan kubot worker kör redan; den här avslutar utan att göra något.", flush=True)
            return 0
        if not announced:
            print("En annan kubot worker kör redan; väntar i reserv tills den slutar.", flush=True)
            announced = True
        time.sleep(HEARTBEAT_SECONDS)
    _runtime = runtime = Runtime(engine, settings, app.sender(settings, engine), lock, (lambda: at) if at else (lambda: datetime.now(UTC)))
    try:
        reminders_job()  # the catch-up: whatever came due while no worker ran
        if once:
            return 0
        runtime.scheduler = scheduler = scheduler_for(runtime)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: scheduler.shutdown(wait=False))
        print(f"kubot worker kör (tidszon {settings.timezone.key}); påminnelser kl. {settings.reminder_time:%H:%M}.", flush=True)
        scheduler.start()
        print("kubot worker har stannat.", flush=True)
        return 1 if runtime.lost_lock else 0
    finally:
        _runtime = None
        lock.release()
        engine.dispose()
        sys.stdout.flush()
