"""Delivering claimed messages through the chat port: once each, only as delivered as a platform says.

What `delivery` has claimed in the `dispatch` ledger is handed to the `Sender` here, and marked
delivered only once the platform took it. Two things a person notices are decided here:

* **One message per person per pass.** Everything due to one person in a pass – a manager's own
  reminder, the summary per person of what is outstanding in their areas, an absent colleague's
  hand-over, the administrators' list of who could not be reached – goes out as one message, so a
  manager is not sent a stream. Its key is made of its parts' keys, so a retry sends it once.
* **Nobody is skipped silently.** A person the sender cannot reach is listed, with why and what to
  do, in one message per pass to the administrators; their messages keep the problem in the ledger.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, col, select

from kubot import db
from kubot.models import ChatIdentity, Dispatch, Staff
from kubot.models.plan import Role
from kubot.periods import Period
from kubot.port import Action, Address, Outgoing, Sender, Unreached
from kubot.reminders import digest

log = logging.getLogger(__name__)
CONSOLE = "console"  # the console outbox: a mailbox, not a chat platform that accepted the message
UNREACHED = "ej-nåbar"


def add_dispatch(session: Session, key_: str, kind: str, recipient_id: int, message: digest.Text, now: datetime,
                 period: Period | None = None, stage: str = "") -> None:
    """Insert a claimed message in the session's transaction; the unique key refuses a second claim."""
    session.add(Dispatch(key=key_, kind=kind, recipient_id=recipient_id, year=period.year if period else None,
                         tertial=period.tertial if period else None, stage=stage, text=message.text,
                         actions=[asdict(a) for a in message.actions], created_at=now))
    session.flush()


@dataclass
class Deliveries:
    """What one delivery pass did, counted in ledger messages: those a chat platform accepted, those
    left in the console outbox (the mailbox when no platform is configured), those the platform refused
    (tried again on the next pass), and who could not be reached, by name, with why."""

    accepted: int = 0
    in_outbox: int = 0
    failed: int = 0
    unreached: dict[str, Unreached] = field(default_factory=dict)


@dataclass(frozen=True)
class _Pending:
    rows: list[Dispatch]
    people: dict[int, Staff]
    identities: dict[int, dict[str, str]]


def _pending(engine: Engine, skip: set[int]) -> _Pending:
    with Session(engine) as session:
        # Only what kubot decided to send has a recipient; the rest was handed straight to a sender.
        rows = [
            row
            for row in session.exec(
                select(Dispatch)
                .where(
                    col(Dispatch.delivered_at).is_(None),
                    Dispatch.problem == "",
                    col(Dispatch.recipient_id).is_not(None),
                )
                .order_by(col(Dispatch.id))
            ).all()
            if row.id not in skip
        ]
        people = {s.id: s for s in session.exec(select(Staff)) if s.id is not None}
        identities: dict[int, dict[str, str]] = {}
        for identity in session.exec(select(ChatIdentity)):
            identities.setdefault(identity.staff_id, {})[identity.platform] = identity.external_id
    return _Pending(rows, people, identities)


def deliver_pending(engine: Engine, sender: Sender, now: datetime) -> Deliveries:
    """Hand every claimed, undelivered message to `sender`, one message per person, each marked delivered
    once the platform took it. Whoever cannot be reached is first listed to the administrators, so
    that list is part of their one message. A platform that refuses a message (an error, no answer)
    leaves it undelivered for the next pass."""
    done = Deliveries()
    refused: set[int] = set()
    while True:  # ends: each round marks the missed rows, and a list to someone missed is never listed again
        pending = _pending(engine, refused)
        reached: dict[int, tuple[Address, list[Dispatch]]] = {}
        missed: list[tuple[Dispatch, Staff, Unreached]] = []
        for row in pending.rows:
            recipient = row.recipient_id or 0  # never 0: _pending asks for rows with a recipient
            person, known = pending.people[recipient], pending.identities.get(recipient, {})
            address = sender.address(person.name, known) if person.active else None
            if address is None:
                missed.append((row, person, _why_not(sender, person, known)))
            else:
                reached.setdefault(recipient, (address, []))[1].append(row)
        if not missed:
            break
        _report_unreached(engine, missed, pending.people, now)
        done.unreached.update({person.name: why for _, person, why in missed if person.name not in done.unreached})
    for staff_id, (address, rows) in reached.items():
        _send(engine, sender, pending.people[staff_id], address, rows, now, done, refused)
    return done


def _send(engine: Engine, sender: Sender, person: Staff, address: Address, rows: list[Dispatch], now: datetime,
          done: Deliveries, refused: set[int]) -> None:
    message = digest.combined(person.name, [digest.Text(r.text, tuple(Action(**a) for a in r.actions)) for r in rows])
    key = (
        rows[0].key
        if len(rows) == 1
        else "samlat:" + hashlib.sha256("\n".join(r.key for r in rows).encode()).hexdigest()[:32]
    )
    try:
        sender.send(Outgoing(key=key, to=address, recipient=person.name, text=message.text, actions=message.actions))
    except SQLAlchemyError:
        raise  # the database, not the platform: the worker waits that out
    except Exception as exc:  # the platform did not accept it, so it is not delivered
        log.warning("%s did not accept %s: %s", address.platform, key, exc)
        refused.update(r.id or 0 for r in rows)
        done.failed += len(rows)
        return
    with db.session_scope(engine) as session:
        session.exec(
            update(Dispatch)
            .where(col(Dispatch.id).in_([r.id for r in rows]), col(Dispatch.delivered_at).is_(None))
            .values(delivered_at=now, address=address.id, platform=address.platform)
        )
    if address.platform == CONSOLE:
        done.in_outbox += len(rows)
    else:
        done.accepted += len(rows)


def _why_not(sender: Sender, person: Staff, identities: Mapping[str, str]) -> Unreached:
    if not person.active:
        return Unreached("är inte längre aktiv i kubot", f"inget, eller ”aktivera {person.name}” om hen ska ha dem")
    if not person.email and not any(platform != CONSOLE for platform in identities):
        return Unreached("har ingen e-post i planen, så varken Slack eller Teams kan känna igen hen",
                         "lägg till e-post: för hen i planen (kubot plan export, skriv in e-post:, kubot plan import) "
                         "eller koppla hen med ”koppla @användare Namn”")
    return sender.why_not(person.name, identities)


def _report_unreached(engine: Engine, missed: Sequence[tuple[Dispatch, Staff, Unreached]], people: dict[int, Staff],
                      now: datetime) -> None:
    """Mark the messages with their problem and claim one list for each administrator, in one transaction,
    so a crash between the two neither loses the list nor sends it twice."""
    kinds: dict[int, list[str]] = {}
    for row, person, why in missed:
        log.warning("cannot deliver %s: %s", row.key, why.why)
        if row.kind != UNREACHED:  # an administrator who cannot be reached either: the problem stays in the ledger
            kinds.setdefault(person.id or 0, []).append(row.kind)
    with db.session_scope(engine) as session:
        for row, _, why in missed:
            session.exec(update(Dispatch).where(col(Dispatch.id) == row.id).values(problem=f"{why.why}; {why.fix}"))
        if not kinds:
            return
        reasons = {person.id: why for _, person, why in missed}
        notice = digest.unreached(
            [(people[staff_id].name, reasons[staff_id], found) for staff_id, found in kinds.items()]
        )
        first = min(row.id or 0 for row, _, _ in missed)
        for admin in (p for p in people.values() if p.role == Role.ADMIN and p.active and p.id not in kinds):
            try:
                with session.begin_nested():
                    add_dispatch(session, f"{UNREACHED}:{admin.id}:{first}", UNREACHED, admin.id or 0, notice, now)
            except IntegrityError:
                pass
