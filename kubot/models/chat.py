"""What the chat port remembers: messages handled, slow commands under way, messages sent per key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from kubot.models.types import UTCDateTime, utcnow


class HandledMessage(SQLModel, table=True):
    """A platform message, event or click the core has answered. The unique (platform, message id)
    is what makes a retried delivery or a double click run once, whatever the command does."""

    __table_args__ = (UniqueConstraint("platform", "message_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(sa_type=String(20))
    message_id: str = Field(sa_type=String(200))
    accepted: bool | None = None
    reply: str = ""
    handled_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class SlowJob(SQLModel, table=True):
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


class SentMessage(SQLModel, table=True):
    """A message kubot started, claimed under its key before it is handed to a platform, so two
    deliveries of the same key (a retry, a second process) reach the person once."""

    __table_args__ = (UniqueConstraint("key"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=String(200))
    platform: str = Field(sa_type=String(20))
    address: str = Field(sa_type=String(120))
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Inbox(SQLModel, table=True):
    """A platform request acknowledged before it is handled (Slack wants its answer within 3 seconds).

    Kept until handled, so one a crash or restart cut off is handled when the adapter starts again;
    the core's handled-message record keeps that second run from doing anything twice."""

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(sa_type=String(20))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    received_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
