"""`kubot worker`: the one process that runs the scheduler (APScheduler, jobs stored in the app database).

Only one worker may run: it first takes the lock (kubot.reminders.lock). A worker that cannot get
the lock waits as a standby. Sending is idempotent on top of that (see delivery). The worker builds
nothing itself: its entry point (`kubot worker`) hands it how to start the database and the sender.

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

import functools
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, PendingRollbackError, SQLAlchemyError

from kubot import db
from kubot.periods import Period
from kubot.port import NotConfigured, Sender
from kubot.reminders import delivery, sending
from kubot.reminders.lock import HEARTBEAT_SECONDS, Lock, lock_for
from kubot.settings import Settings

log = logging.getLogger(__name__)
JOB_TABLE = "apscheduler_jobs"
Start = Callable[[], Engine]  # the engine on a migrated database with a plan (the composition root's start)
SenderFor = Callable[[Engine], Sender]
MAX_BACKOFF_SECONDS = 60


@dataclass
class Runtime:
    """What the scheduled jobs work with; jobs are stored by reference, so they find it here."""

    engine: Engine
    settings: Settings
    sender: Sender
    lock: Lock
    clock: Callable[[], datetime]
    scheduler: BackgroundScheduler | None = None
    lost_lock: bool = False
    outage: SQLAlchemyError | None = None  # the database error that stopped the scheduler, to be waited out


_runtime: Runtime | None = None
_stopping = threading.Event()  # set by SIGTERM/SIGINT; every wait of the worker wakes up on it


def _current() -> Runtime:
    if _runtime is None:
        raise RuntimeError("the worker's jobs run only inside `kubot worker`")
    return _runtime


def unreachable(exc: BaseException) -> bool:
    """A database error that waiting can cure: the server is down, restarting, or the file busy
    (a connection that failed that way answers PendingRollbackError until it is rolled back)."""
    return isinstance(exc, OperationalError | InterfaceError | PendingRollbackError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated)


def _shut_down(scheduler: BackgroundScheduler | None) -> None:
    try:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
    except SchedulerNotRunningError:
        pass  # stopped already, from another thread


def _stop_for_outage(runtime: Runtime, exc: SQLAlchemyError) -> None:
    runtime.outage = exc
    _shut_down(runtime.scheduler)


def _rides_out_outages(job: Callable[[], None]) -> Callable[[], None]:
    """A job that meets a database outage stops the scheduler, so the worker waits it out once
    instead of every job failing with a traceback until the database is back."""

    @functools.wraps(job)
    def run() -> None:
        try:
            job()
        except SQLAlchemyError as exc:
            if not unreachable(exc):
                raise
            _stop_for_outage(_current(), exc)

    return run


@_rides_out_outages
def reminders_job() -> None:
    runtime = _current()
    outcome = delivery.send_due(runtime.engine, runtime.settings, runtime.sender, now=runtime.clock())
    log.info("reminders: %d due, %d new, %d delivered", len(outcome.planned), len(outcome.claimed), outcome.delivered)
    print(f"Påminnelser {runtime.clock().astimezone(runtime.settings.timezone):%Y-%m-%d %H:%M}: "
          f"{len(outcome.planned)} aktuella, {len(outcome.claimed)} nya, {said(outcome.deliveries)}.", flush=True)


def said(done: sending.Deliveries) -> str:
    """A pass's deliveries in Swedish: only what a chat platform accepted counts as delivered."""
    parts = [f"{done.accepted} levererade"]
    if done.in_outbox:
        parts.append(
            f"{done.in_outbox} i konsolens utkorg (ingen chattplattform är inställd; läs dem med kubot outbox)"
        )
    if done.failed:
        parts.append(f"{done.failed} tog plattformen inte emot (försöks igen vid nästa körning)")
    if done.unreached:
        who = "; ".join(f"{name}: {why.why}" for name, why in done.unreached.items())
        parts.append(
            f"{len(done.unreached)} {'person' if len(done.unreached) == 1 else 'personer'} nåddes inte ({who}); "
            "administratörerna har fått en lista"
        )
    return ", ".join(parts)


@_rides_out_outages
def delivery_job() -> None:
    runtime = _current()
    sending.deliver_pending(runtime.engine, runtime.sender, runtime.clock())


@_rides_out_outages
def evaluation_job() -> None:
    runtime = _current()
    today = runtime.clock().astimezone(runtime.settings.timezone).date()
    with db.session_scope(runtime.engine) as session:
        periods = {Period.containing(today), *(p for p, _ in delivery.periods_in_play(session, today))}
        for period in sorted(periods):
            delivery.evaluate_now(session, period, today)


@_rides_out_outages
def heartbeat_job() -> None:
    runtime = _current()
    if not runtime.lock.alive():
        log.error("the worker lock was lost; stopping so that no second scheduler runs")
        runtime.lost_lock = True
        _shut_down(runtime.scheduler)


def check_seconds(settings: Settings) -> float:
    # Never slower than HEARTBEAT_SECONDS: a lock row silent for STALE_AFTER may be taken over.
    return min(settings.worker_check_seconds, HEARTBEAT_SECONDS)


def scheduler_for(runtime: Runtime) -> BackgroundScheduler:
    tz = runtime.settings.timezone
    at = runtime.settings.reminder_time
    scheduler = BackgroundScheduler(
        timezone=tz,
        jobstores={
            "default": SQLAlchemyJobStore(engine=runtime.engine, tablename=JOB_TABLE),
            "minne": MemoryJobStore(),
        },
        job_defaults={"coalesce": True, "max_instances": 1},
    )
    scheduler.add_job(reminders_job, CronTrigger(hour=at.hour, minute=at.minute, timezone=tz), id="påminnelser",
                      name="Påminnelser före deadline", replace_existing=True, misfire_grace_time=12 * 3600)
    scheduler.add_job(delivery_job, IntervalTrigger(minutes=1, timezone=tz), id="leverans",
                      name="Leverera meddelanden", replace_existing=True, misfire_grace_time=60)
    scheduler.add_job(evaluation_job, CronTrigger(hour=1, minute=30, timezone=tz), id="utvärdering",
                      name="Nattlig utvärdering", replace_existing=True, misfire_grace_time=6 * 3600)
    every = check_seconds(runtime.settings)
    scheduler.add_job(heartbeat_job, IntervalTrigger(seconds=every, timezone=tz), id="hjärtslag",
                      jobstore="minne", misfire_grace_time=max(1, int(every)))
    return scheduler


class _Connection:
    """Whether the database answers, said once per change (not once per failed try)."""

    def __init__(self) -> None:
        self.down = False

    def lost(self, reason: str) -> None:
        if not self.down:
            self.down = True
            log.info("database unreachable: %s", reason)
            print(f"Databasen svarar inte ({reason}); kubot worker väntar och försöker igen.", flush=True)

    def back(self) -> None:
        if self.down:
            self.down = False
            log.info("database reachable again")
            print("Databasen svarar igen; kubot worker fortsätter.", flush=True)


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(orig).__name__


def _backoff() -> Iterator[float]:
    delay = 1.0
    while True:
        yield delay
        delay = min(delay * 2, MAX_BACKOFF_SECONDS)


def _started(start: Start, connection: _Connection) -> Engine | None:
    """The migrated engine, waiting with backoff while the database does not answer; None if stopped."""
    for delay in _backoff():
        try:
            engine = start()
            connection.back()
            return engine
        except db.DatabaseUnavailable as exc:
            connection.lost(str(exc))
        except SQLAlchemyError as exc:
            if not unreachable(exc):
                raise
            connection.lost(_reason(exc))
        if _stopping.wait(delay):
            return None
    return None


def _reachable(engine: Engine, connection: _Connection) -> bool:
    """Wait with backoff until the database answers again; False if the worker was stopped meanwhile."""
    for delay in _backoff():
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            connection.back()
            return True
        except SQLAlchemyError as exc:
            connection.lost(_reason(exc))
        if _stopping.wait(delay):
            return False
    return False


def _release(lock: Lock) -> None:
    try:
        lock.release()
    except SQLAlchemyError as exc:
        # The database is gone: a PostgreSQL lock went with the connection, a SQLite lock row goes stale.
        log.warning("could not release the worker lock: %s", _reason(exc))


def _refused(exc: NotConfigured) -> int:
    print(f"kubot worker startar inte. {exc}", file=sys.stderr, flush=True)
    return 2


def _once(settings: Settings, start: Start, sender_for: SenderFor, at: datetime | None) -> int:
    global _runtime
    engine = start()
    try:
        sender = sender_for(engine)
    except NotConfigured as exc:
        engine.dispose()
        return _refused(exc)
    lock = lock_for(engine)
    try:
        if not lock.acquire():
            print(
                f"{lock.busy(settings.timezone)} Den här körningen (--once) gjorde ingenting.",
                file=sys.stderr,
                flush=True,
            )
            return 1
        _runtime = runtime = Runtime(
            engine, settings, sender, lock, (lambda: at) if at else (lambda: datetime.now(UTC))
        )
        reminders_job()  # the catch-up: whatever came due while no worker ran
        if runtime.outage is not None:
            print(
                f"Databasen svarar inte ({_reason(runtime.outage)}); försök igen senare.", file=sys.stderr, flush=True
            )
            return 1
        return 0
    finally:
        _runtime = None
        _release(lock)
        engine.dispose()


def _serve(runtime: Runtime) -> None:
    """The catch-up round, then the scheduler until it stops (lost lock, outage) or the worker is stopped.

    The scheduler runs in its own thread; this one only waits. A stop signal just sets _stopping,
    so one that comes while the scheduler is still starting is not lost."""
    reminders_job()  # the catch-up: whatever came due while no worker ran
    if runtime.outage is not None or _stopping.is_set():
        return
    runtime.scheduler = scheduler = scheduler_for(runtime)
    settings = runtime.settings
    scheduler.start()
    print(
        f"kubot worker kör (tidszon {settings.timezone.key}); påminnelser kl. {settings.reminder_time:%H:%M}.",
        flush=True,
    )
    while scheduler.running and not _stopping.wait(0.5):
        pass
    _shut_down(scheduler)


def run(
    settings: Settings, start: Start, sender_for: SenderFor, *, once: bool = False, at: datetime | None = None
) -> int:
    """Run the worker until stopped (or one catch-up round with `once`); the exit code for the CLI.

    A database outage does not end the worker: it stops the scheduler, waits with backoff until the
    database answers, takes the lock again and carries on, saying so once per change of state.
    """
    global _runtime
    if once:
        return _once(settings, start, sender_for, at)
    _stopping.clear()

    def stop(*_: object) -> None:
        _stopping.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    connection = _Connection()
    engine = _started(start, connection)
    if engine is None:
        return 0
    try:
        sender = sender_for(engine)
    except NotConfigured as exc:
        engine.dispose()
        return _refused(exc)
    lock = lock_for(engine)
    announced = False
    try:
        while not _stopping.is_set():
            try:
                if not lock.acquire():
                    if not announced:
                        print("En annan kubot worker kör redan; väntar i reserv tills den slutar.", flush=True)
                        announced = True
                    _stopping.wait(HEARTBEAT_SECONDS)
                    continue
                _runtime = runtime = Runtime(engine, settings, sender, lock, lambda: datetime.now(UTC))
                _serve(runtime)
                outage = runtime.outage
            except SQLAlchemyError as exc:
                if not unreachable(exc):
                    raise
                outage = exc
            finally:
                _runtime = None
            if outage is None:
                print("kubot worker har stannat.", flush=True)
                return 1 if runtime.lost_lock else 0
            _release(lock)
            connection.lost(_reason(outage))
            if not _reachable(engine, connection):
                break
            announced = False
        print("kubot worker har stannat.", flush=True)
        return 0
    finally:
        _release(lock)
        engine.dispose()
        sys.stdout.flush()
