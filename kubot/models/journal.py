"""The journal: every entry anyone makes, and every change to it.

An `Entry` is one accepted message (or CLI action) and owns the record rows it created.
Undoing or correcting an entry never deletes rows: it marks the entry, and a `Change`
row says who did what, when and through which channel, with the before/after values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field

from kubot.models.types import Table, UTCDateTime, utcnow


class Entry(Table, table=True):
    # A retried delivery of the same chat message must not log the record twice.
    __table_args__ = (UniqueConstraint("channel", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String(30), index=True)
    summary: str
    actor_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    channel: str = Field(sa_type=String(40))
    message_id: str | None = Field(default=None, sa_type=String(200))
    message_text: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    undone_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    undone_by_id: int | None = Field(default=None, foreign_key="staff.id")
    replaced_by_id: int | None = Field(default=None, foreign_key="entry.id")
    # A short note the person added to the message ("(bra möte)"), kept apart from the values.
    comment: str = ""

    @property
    def active(self) -> bool:
        return self.undone_at is None and self.replaced_by_id is None


class Change(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int | None = Field(default=None, foreign_key="entry.id", index=True)
    action: str = Field(sa_type=String(20))
    actor_id: int | None = Field(default=None, foreign_key="staff.id")
    channel: str = Field(sa_type=String(40))
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class PendingReply(Table, table=True):
    """What a short answer from a person will mean: "ja" runs the message kubot suggested,
    "mer" shows the next page of a long list. Kept in the database so it works across
    processes and platforms; older than a few minutes it no longer counts."""

    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    kind: str = Field(sa_type=String(10), primary_key=True)
    text: str
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
