"""Writing to the journal: record an entry with its rows, undo it, correct it.

Every accepted entry, its undoing and its correction leave a `Change` row saying who,
when, through which channel and what. Rows are never deleted or overwritten, so the
state at any moment can be reconstructed and nothing is silently lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col, select

from kubot import access
from kubot.access import Action
from kubot.models import Change, Entry, Staff
from kubot.models.types import utcnow
from kubot.text import storable


@dataclass(frozen=True)
class Origin:
    """Who made an entry and where: the audit trail of every write."""

    actor: Staff | None
    channel: str
    message_id: str | None = None
    message_text: str = ""
    # The entry this write corrects ("rätta 12 …"): the new entry replaces it.
    corrects: Entry | None = None
    # When the message was written (the chat core's clock); None means now.
    at: datetime | None = None


class JournalError(ValueError):
    """A journal operation that cannot be done; the message is Swedish and meant for the user."""


@dataclass(frozen=True)
class Recorded:
    entry: Entry
    duplicate: bool


def _snapshot(row: SQLModel) -> dict[str, Any]:
    values = row.model_dump()
    return {
        "table": type(row).__tablename__,
        **{key: value.isoformat() if isinstance(value, date | datetime) else value for key, value in values.items()},
    }


def _existing(session: Session, origin: Origin) -> Entry | None:
    if origin.message_id is None:
        return None
    return session.exec(
        select(Entry).where(Entry.channel == origin.channel, Entry.message_id == origin.message_id)
    ).first()


ACCESS_KIND = "behörighet"  # entries from inaktivera/aktivera
PEOPLE_KIND = "personer"  # entries from kubot import personer


def record(
    session: Session,
    *,
    kind: str,
    summary: str,
    origin: Origin,
    rows: Sequence[SQLModel],
    replaces: Entry | None = None,
    detail: dict[str, Any] | None = None,
) -> Recorded:
    """Store `rows` under a new entry; a message already recorded returns its earlier entry instead.

    Rows with an `entry_id` field get it filled in; rows that hang off those rows (who was
    present at a meeting) are attached afterwards with `add_rows`.
    """
    earlier = _existing(session, origin)
    if earlier is not None:
        return Recorded(earlier, duplicate=True)
    replaces = replaces or origin.corrects
    entry = Entry(
        kind=kind,
        summary=summary,
        actor_id=origin.actor.id if origin.actor else None,
        channel=origin.channel,
        message_id=origin.message_id,
        message_text=storable(origin.message_text),
        created_at=origin.at or utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(entry)
            session.flush()
    except IntegrityError:
        # Another process recorded the same message between our check and insert.
        earlier = _existing(session, origin)
        if earlier is None:
            raise
        return Recorded(earlier, duplicate=True)
    for row in rows:
        if "entry_id" in type(row).model_fields:
            row.entry_id = entry.id
        session.add(row)
    session.flush()
    action = "skapad"
    if replaces is not None:
        replaces.replaced_by_id = entry.id
        session.add(replaces)
        action = "rättad"
    session.add(
        Change(
            entry_id=entry.id,
            action=action,
            actor_id=entry.actor_id,
            channel=origin.channel,
            detail={
                "rows": [_snapshot(row) for row in rows],
                "replaces": replaces.id if replaces else None,
                **(detail or {}),
            },
        )
    )
    session.flush()
    return Recorded(entry, duplicate=False)


def add_rows(session: Session, entry: Entry, rows: Sequence[SQLModel]) -> None:
    """Attach dependent rows (created after the entry's own rows got ids) and log them on the entry."""
    for row in rows:
        session.add(row)
    session.flush()
    session.add(
        Change(
            entry_id=entry.id,
            action="tillägg",
            actor_id=entry.actor_id,
            channel=entry.channel,
            detail={"rows": [_snapshot(row) for row in rows]},
        )
    )


def own_entry(session: Session, entry_id: int, actor: Staff | None, verb: str, *, managers: bool = False) -> Entry:
    """Entry `entry_id` if `actor` may `verb` ("ångra", "rätta") it: their own, or any for an admin, and still in force.

    Only the author or an admin may change an entry: a user must never be able to erase
    someone else's report by mistake. With `managers`, a manager may too (choosing a report's examples).
    """
    if actor is None:
        raise JournalError(f"Bara kända användare kan {verb}.")
    entry = session.get(Entry, entry_id)
    if entry is None:
        raise JournalError(f"Det finns ingen registrering #{entry_id}.")
    if not access.may(session, actor, Action.CHOOSE_EXAMPLE if managers else Action.CHANGE, entry):
        who = "en chef eller en administratör" if managers else "en administratör"
        raise JournalError(
            f"#{entry_id} registrerades av någon annan. Bara den som registrerade den, eller {who}, kan {verb} den."
        )
    if entry.undone_at is not None:
        raise JournalError(f"#{entry_id} är redan ångrad.")
    if entry.replaced_by_id is not None:
        raise JournalError(f"#{entry_id} har redan ersatts av #{entry.replaced_by_id}; {verb} den i stället.")
    # These entries changed a state, not a record: they are reversed by the opposite change.
    if entry.kind == ACCESS_KIND:
        raise JournalError(
            f"#{entry_id} ändrade en persons tillgång; ändra tillbaka med ”aktivera” eller ”inaktivera” och namnet."
        )
    if entry.kind == PEOPLE_KIND:
        raise JournalError(
            f"#{entry_id} ändrade personregistret; ändra tillbaka med en ny kubot import personer eller kubot plan"
            " import."
        )
    return entry


def latest(session: Session, actor: Staff) -> Entry | None:
    """The actor's latest entry, whether still in force or not."""
    return session.exec(
        select(Entry).where(Entry.actor_id == actor.id).order_by(Entry.id.desc())  # type: ignore[union-attr]
    ).first()


def undo(session: Session, *, entry_id: int, origin: Origin) -> Entry:
    """Undo entry `entry_id` (see `own_entry` for who may)."""
    entry = own_entry(session, entry_id, origin.actor, "ångra")
    entry.undone_at = utcnow()
    entry.undone_by_id = origin.actor.id if origin.actor else None
    session.add(entry)
    session.add(
        Change(entry_id=entry.id, action="ångrad", actor_id=entry.undone_by_id, channel=origin.channel, detail={})
    )
    session.flush()
    return entry


def comment(session: Session, entry: Entry, text: str) -> None:
    """Keep the person's short note with an entry they just made; it shows in the entry's summary."""
    entry.comment = text.strip()
    entry.summary += f" (kommentar: {entry.comment})"
    session.add(entry)
    session.add(Change(entry_id=entry.id, action="kommentar", actor_id=entry.actor_id, channel=entry.channel,
                       detail={"comment": entry.comment}))
    session.flush()


def is_active(entry_id_column: Any, recorded_by: datetime | None = None) -> ColumnElement[bool]:
    """SQL condition: the row's entry is neither undone nor replaced by a correction.

    With `recorded_by`, as things stood then: an entry recorded later does not count, and one
    undone or corrected later still does – a report as of a cut-off can be made again unchanged.
    """
    if recorded_by is None:
        return and_(
            entry_id_column == Entry.id,
            Entry.undone_at.is_(None),  # type: ignore[union-attr]
            Entry.replaced_by_id.is_(None),  # type: ignore[union-attr]
        )
    replacement = aliased(Entry)
    replaced_by_then = exists().where(
        col(replacement.id) == Entry.replaced_by_id, col(replacement.created_at) <= recorded_by
    )
    return and_(
        entry_id_column == Entry.id,
        col(Entry.created_at) <= recorded_by,
        or_(col(Entry.undone_at).is_(None), col(Entry.undone_at) > recorded_by),
        ~replaced_by_then,
    )
