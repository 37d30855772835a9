"""Where kubot may write first: platforms such as Teams let a bot start a message only in a
conversation it has a reference to, which it gets when someone writes to it or installs it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field

from kubot.models.types import Table, UTCDateTime, utcnow


class ChatConversation(Table, table=True):
    """A conversation on a platform and the platform's reference to it (opaque to kubot).

    `person` is the platform's id of the one person in a personal chat, None for a channel or group."""

    __table_args__ = (UniqueConstraint("platform", "conversation_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(sa_type=String(20))
    conversation_id: str = Field(sa_type=String(300))
    person: str | None = Field(default=None, sa_type=String(120), index=True)
    reference: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
