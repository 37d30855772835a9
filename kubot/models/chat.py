"""What the chat port remembers: the inbound ledger of requests, and slow commands under way.

(The outbound ledger, one row per message key kubot sends, is `Dispatch` in models/reminders.py.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field

from kubot.models.types import Table, UTCDateTime, utcnow


class Inbound(Table, table=True):
    """The inbound ledger: one row per platform request (message, event, click, form), for every adapter.

    The unique (platform, message id) makes a retried delivery or a double click run once: the core
    marks the row handled (`handled_at`, with its reply) in the transaction of whatever the command
    wrote. A request acknowledged before it is handled (Slack wants its answer within 3 seconds)
    keeps its `payload` until it is answered, claimed by the process handling it (`claimed_by`)
    until `claimed_until`; the claim is renewed while that process lives, and another process takes
    the request over only after the claim has run out, so a live process's work is never done twice."""

    __table_args__ = (UniqueConstraint("platform", "message_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(sa_type=String(20))
    message_id: str = Field(sa_type=String(200))
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    received_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    claimed_by: str | None = Field(default=None, sa_type=String(120))
    claimed_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    handled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    accepted: bool | None = None
    reply: str = ""


class SlowJob(Table, table=True):
    """A slow command acknowledged at once and finished in the background.

    A job still `running` when kubot starts was cut off by a restart: its asker is told so."""

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int = Field(foreign_key="staff.id", index=True)
    platform: str = Field(sa_type=String(20))
    address: str = Field(sa_type=String(120))
    conversation: str = Field(default="", sa_type=String(120))
    thread: str | None = Field(default=None, sa_type=String(120))
    message_id: str | None = Field(default=None, sa_type=String(200))
    text: str
    state: str = Field(default="running", sa_type=String(20), index=True)
    problem: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
