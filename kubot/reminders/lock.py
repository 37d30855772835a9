"""The worker's lock: only one `kubot worker` runs the scheduler at a time.

APScheduler does not stop two schedulers sharing a job store from running the same job twice, so
the worker first takes a lock: a PostgreSQL advisory lock held on a dedicated connection (released
by the server the moment the process dies), or on SQLite a lock row with a heartbeat that a new
worker may take over once it is stale.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol

from sqlalchemy import Connection, Engine, delete, or_, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import col

from kubot import db
from kubot.models import WorkerLock

ADVISORY_KEY = 0x6B75626F  # "kubo": the worker's advisory lock id
LOCK_NAME = "worker"
HEARTBEAT_SECONDS = 30
STALE_AFTER = timedelta(seconds=4 * HEARTBEAT_SECONDS)


class Lock(Protocol):
    def acquire(self) -> bool: ...
    def alive(self) -> bool: ...
    def release(self) -> None: ...
    def busy(self, tz: tzinfo) -> str: ...


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
        """True while the lock's connection answers; a database error propagates (an outage, not a loss)."""
        if self.connection is None:
            return False
        self.connection.execute(text("SELECT 1"))
        self.connection.commit()
        return True

    def release(self) -> None:
        if self.connection is not None:
            try:
                self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
                self.connection.commit()
            except SQLAlchemyError:
                pass  # the connection is gone, and the server let go of the lock with it
            finally:
                self.connection.invalidate()
                self.connection.close()
                self.connection = None

    def busy(self, tz: tzinfo) -> str:
        return "En annan kubot worker håller låset i databasen."


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

    def busy(self, tz: tzinfo) -> str:
        with db.read_scope(self.engine) as session:
            row = session.get(WorkerLock, LOCK_NAME)
        if row is None:
            return "En annan kubot worker tog låset just nu."
        return (f"En annan kubot worker ({row.holder}) håller låset; den gav livstecken senast "
                f"{row.heartbeat_at.astimezone(tz):%H:%M:%S}. Har den stannat utan att släppa låset kan en ny worker "
                f"ta över från {(row.heartbeat_at + STALE_AFTER).astimezone(tz):%H:%M:%S}.")


def lock_for(engine: Engine) -> Lock:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    return RowLock(engine, f"{socket.gethostname()}:{os.getpid()}")
