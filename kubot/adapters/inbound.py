"""Requests acknowledged before they are handled, kept in the inbound ledger until answered, with a lease.

A platform that wants its acknowledgement at once (Slack: 3 seconds) gets it after the request is
written here; the request is then handled in the background. The process that wrote it holds it
under a lease (`claimed_by`, `claimed_until`) that it renews while it lives. A request whose lease
has run out belongs to a process that died: another process, or the same one restarted, takes it
over then and handles it; the core's record of handled messages keeps that second run from storing
anything twice. A live process's requests are never taken, so two processes on one database (or a
restart beside a running one) answer each request once.

The take-over is one conditional UPDATE per request (its claim has run out, or it has none): on
PostgreSQL the row lock makes a second taker wait and then find it claimed, on SQLite the write lock
does the same, so no `SELECT … FOR UPDATE SKIP LOCKED` is needed and both take one path.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, literal, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kubot import db
from kubot.models import Inbound
from kubot.models.types import UTCDateTime

# The acknowledgement's one statement, built once: run on a connection with its values as parameters, it costs
# about a third less than the ORM's unit of work, and it is all the database work an acknowledgement waits for.
_KEEP = insert(Inbound).returning(col(Inbound.id))


def owner_name() -> str:
    """Who holds a claim: this host and process, and an id of this start (a reused process id is another owner)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class InboundQueue:
    """One platform's acknowledged requests, claimed by this process until handled."""

    def __init__(self, engine: Engine, platform: str, lease: timedelta, owner: str | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.engine = engine
        self.platform = platform
        self.lease = lease
        self.owner = owner or owner_name()
        self.clock = clock
        # The acknowledgement waits on this write: it goes ahead of the handling's writes queued on SQLite.
        self._urgent = engine.execution_options(**{db.URGENT: True})

    def accept(self, message_id: str, payload: dict[str, Any]) -> int | None:
        """Keep the request, claimed by this process; None when its id is known already (a platform's retry)."""
        now = self.clock()
        row = {"platform": self.platform, "message_id": message_id, "payload": payload, "received_at": now,
               "claimed_by": self.owner, "claimed_until": now + self.lease, "reply": ""}
        try:
            with self._urgent.begin() as connection:
                return connection.execute(_KEEP, row).scalar_one() or 0
        except IntegrityError:
            return None

    def renew(self) -> int:
        """Extend this process's claims (it is alive); returns how many it holds."""
        with db.session_scope(self.engine) as session:
            result = session.exec(
                update(Inbound)
                .where(col(Inbound.claimed_by) == self.owner, col(Inbound.payload).is_not(None))
                .values(claimed_until=self.clock() + self.lease)
            )
            return int(result.rowcount)

    def take_over(self) -> list[tuple[int, dict[str, Any]]]:
        """Claim the requests whose claim has run out (their process died) or that have none; oldest first."""
        now = self.clock()
        free = or_(col(Inbound.claimed_until).is_(None), col(Inbound.claimed_until) < now)
        with Session(self.engine) as session:
            candidates = list(session.exec(select(Inbound.id).where(Inbound.platform == self.platform,
                                                                     col(Inbound.payload).is_not(None), free)
                                           .order_by(col(Inbound.id))))
        taken = []
        for number in candidates:
            with db.session_scope(self.engine) as session:
                claimed = session.exec(
                    update(Inbound)
                    .where(col(Inbound.id) == number, col(Inbound.payload).is_not(None), free)
                    .values(claimed_by=self.owner, claimed_until=now + self.lease)
                )
                if claimed.rowcount:
                    payload = session.exec(select(Inbound.payload).where(col(Inbound.id) == number)).one()
                    taken.append((number or 0, dict(payload or {})))
        return taken

    def held(self, limit: int, excluding: AbstractSet[int] = frozenset()) -> list[tuple[int, dict[str, Any]]]:
        """Up to `limit` of this process's requests still to be answered, oldest first, leaving out `excluding`
        (those already being handled)."""
        with db.read_scope(self.engine) as session:
            rows = session.exec(
                select(Inbound.id, Inbound.payload)
                .where(Inbound.claimed_by == self.owner, col(Inbound.payload).is_not(None))
                .order_by(col(Inbound.id)).limit(limit + len(excluding))
            ).all()
        return [(number or 0, dict(payload or {})) for number, payload in rows if number not in excluding][:limit]

    def finish(self, number: int) -> None:
        """The request is answered (or failed for good): it is no longer waiting, and stays as handled."""
        # The core marks it handled in its own transaction; a request that failed is marked here.
        handled = func.coalesce(col(Inbound.handled_at), literal(self.clock(), type_=UTCDateTime()))
        with db.session_scope(self.engine) as session:
            session.exec(update(Inbound).where(col(Inbound.id) == number)
                         .values(handled_at=handled, payload=None, claimed_by=None, claimed_until=None))

    def waiting(self) -> int:
        """How many of the platform's requests wait to be answered (by any process)."""
        with Session(self.engine) as session:
            return session.exec(select(func.count()).select_from(Inbound).where(
                Inbound.platform == self.platform, col(Inbound.payload).is_not(None))).one()
