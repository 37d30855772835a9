"""Who is who in Teams, and where kubot may write to them.

A Teams user is matched to a person in the plan by the e-mail address or user principal name
Teams reports for them (from the conversation's roster), on first contact, and remembered as a
chat identity. Every conversation kubot is written to in is remembered with Teams' reference to
it: that reference is the only way a bot may later start a message there (a reminder, the result
of a slow command).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kubot import db
from kubot.models import ChatConversation, ChatIdentity, Staff

log = logging.getLogger(__name__)
PLATFORM = "teams"


def known(engine: Engine, user_id: str) -> bool:
    with Session(engine) as session:
        return session.exec(select(ChatIdentity.id).where(ChatIdentity.platform == PLATFORM,
                                                          ChatIdentity.external_id == user_id)).first() is not None


def learn(engine: Engine, user_id: str, addresses: Iterable[str | None]) -> str | None:
    """Give a Teams user kubot has not met a chat identity when one of their addresses (e-mail, UPN)
    is a staff member's; the name of the person matched, if any."""
    wanted = {a.strip().lower() for a in addresses if a and "@" in a}
    if not wanted:
        return None
    try:
        with db.session_scope(engine) as session:
            person = session.exec(select(Staff).where(func.lower(Staff.email).in_(wanted), Staff.active)).first()  # type: ignore[union-attr]
            if person is None:
                return None
            session.add(ChatIdentity(staff_id=person.id or 0, platform=PLATFORM, external_id=user_id))
            log.info("Teams user %s matched to %s by e-mail", user_id, person.name)
            return person.name
    except IntegrityError:
        return None  # matched by a request handled at the same moment


def remember(engine: Engine, conversation_id: str, person: str | None, reference: dict[str, Any]) -> None:
    """Keep Teams' newest reference to a conversation (`person`: the user of a personal chat)."""
    for _ in range(2):  # two first messages at once: the second finds the row the first made
        try:
            with db.session_scope(engine) as session:
                row = session.exec(select(ChatConversation).where(ChatConversation.platform == PLATFORM,
                                                                  ChatConversation.conversation_id == conversation_id)).first()
                row = row or ChatConversation(platform=PLATFORM, conversation_id=conversation_id)
                row.person, row.reference, row.updated_at = person, reference, datetime.now(UTC)
                session.add(row)
            return
        except IntegrityError:
            continue


def reference(engine: Engine, *, conversation: str = "", person: str = "") -> dict[str, Any] | None:
    """The reference to a conversation by its id, or to the personal chat with a person."""
    with Session(engine) as session:
        query = select(ChatConversation).where(ChatConversation.platform == PLATFORM)
        query = query.where(ChatConversation.conversation_id == conversation) if conversation \
            else query.where(ChatConversation.person == person)
        row = session.exec(query.order_by(ChatConversation.updated_at.desc())).first()  # type: ignore[attr-defined]
        return dict(row.reference) if row else None
