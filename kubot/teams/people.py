"""Where kubot may write in Teams: every conversation kubot is written to in is remembered with
Teams' reference to it, the only way a bot may later start a message there (a reminder, the
result of a slow command)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kubot import db
from kubot.models import ChatConversation

log = logging.getLogger(__name__)
PLATFORM = "teams"


def remember(engine: Engine, conversation_id: str, person: str | None, reference: dict[str, Any]) -> bool:
    """Keep Teams' newest reference to a conversation (`person`: the user of a personal chat); True when
    kubot had none before, i.e. this is the first activity from that conversation."""
    for _ in range(2):  # two first messages at once: the second finds the row the first made
        try:
            with db.session_scope(engine) as session:
                row = session.exec(
                    select(ChatConversation).where(
                        ChatConversation.platform == PLATFORM, ChatConversation.conversation_id == conversation_id
                    )
                ).first()
                first = row is None
                row = row or ChatConversation(platform=PLATFORM, conversation_id=conversation_id)
                row.person, row.reference, row.updated_at = person, reference, datetime.now(UTC)
                session.add(row)
            return first
        except IntegrityError:
            continue
    return False


def reference(engine: Engine, *, conversation: str = "", person: str = "") -> dict[str, Any] | None:
    """The reference to a conversation by its id, or to the personal chat with a person."""
    with Session(engine) as session:
        query = select(ChatConversation).where(ChatConversation.platform == PLATFORM)
        query = query.where(ChatConversation.conversation_id == conversation) if conversation \
            else query.where(ChatConversation.person == person)
        row = session.exec(query.order_by(ChatConversation.updated_at.desc())).first()  # type: ignore[attr-defined]
        return dict(row.reference) if row else None
