"""Reminders: snoozes, absences, the outbound ledger of messages kubot sends, the console outbox and the worker lock."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field

from kubot.models.types import Table, UTCDateTime, entry_ref, utcnow


class Snooze(Table, table=True):
    """"Påminn mig imorgon": remind `staff_id` about a period's report again on `until`."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    staff_id: int = Field(foreign_key="staff.id", index=True)
    year: int
    tertial: int
    until: date


class Absence(Table, table=True):
    """"Frånvarande 20/12–6/1": `staff_id` is away from `first_day` to `last_day`, both included. Reminders
    due meanwhile wait for the working day after, or go to the manager when the deadline cannot wait."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    staff_id: int = Field(foreign_key="staff.id", index=True)
    first_day: date
    last_day: date


class Dispatch(Table, table=True):
    """The outbound ledger: one row per message kubot sends, under a key unique per message, for every sender.

    A reminder or notice kubot decided to send is claimed here first (its key: kind, recipient, period,
    stage), which makes it go out once however many workers plan it; `recipient_id` says it is one
    the delivery hands to the sender. A message handed straight to the sender (a slow command's
    result) gets its row from the routing sender, without a recipient. Either way the routing sender
    marks `claimed_at` before it hands the message to a platform and `delivered_at` after, so a
    second delivery of the key – a retry after a crash, another process – reaches the person once."""

    __table_args__ = (UniqueConstraint("key"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=String(200))
    kind: str = Field(default="", sa_type=String(20))
    recipient_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    year: int | None = None
    tertial: int | None = None
    stage: str = Field(default="", sa_type=String(40))
    text: str
    actions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Where it went, filled in on delivery; `problem` says why a recipient could not be reached.
    platform: str = Field(default="", sa_type=String(20))
    address: str | None = Field(default=None, sa_type=String(120))
    problem: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    delivered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True))


class OutboxMessage(Table, table=True):
    """A message delivered to the console: shown when the person starts `kubot console`."""

    __table_args__ = (UniqueConstraint("key"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=String(200))
    address: str = Field(sa_type=String(120), index=True)
    text: str
    actions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    read_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class WorkerLock(Table, table=True):
    """The lock row that keeps a second worker idle on databases without advisory locks (SQLite)."""

    name: str = Field(sa_type=String(40), primary_key=True)
    holder: str = Field(sa_type=String(120))
    heartbeat_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
