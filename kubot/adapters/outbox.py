"""The console's sender: messages kubot starts land in an outbox table that `kubot console` shows at start.

People on the console are known by their name (as `core.identify` does), so everyone in the plan
can be reached there. On any other platform the outbox stands in for the platform and reaches
only people with an identity on it, which is how a plan missing someone's Slack id is noticed
before Slack is switched on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kubot import db
from kubot import formatting as fmt
from kubot.models import OutboxMessage
from kubot.port import Address, Outgoing, Unreached


class OutboxSender:
    """Delivers by writing to the outbox; the unique key makes a repeated delivery a no-op."""

    def __init__(self, engine: Engine, platform: str = "console") -> None:
        self.engine = engine
        self.platform = platform

    def address(self, name: str, identities: Mapping[str, str]) -> Address | None:
        found = identities.get(self.platform) or (name if self.platform == "console" else None)
        return Address(self.platform, found) if found else None

    def why_not(self, name: str, identities: Mapping[str, str]) -> Unreached:
        return Unreached(f"har ingen chattidentitet för {self.platform}",
                         f"lägg till personens chattidentitet i planen (chatt: {{{self.platform}: …}})")

    def send(self, message: Outgoing) -> None:
        # One conversation per person on the console, so where it was asked does not matter; files are named.
        text = message.text + "".join(f"\n  Fil: {file.path}" for file in message.files)
        try:
            with db.session_scope(self.engine) as session:
                session.add(OutboxMessage(key=message.key, address=message.to.id, text=text,
                                          actions=[asdict(a) for a in message.actions]))
        except IntegrityError:
            # Delivered before a crash kept the ledger from recording it; it is there already.
            with Session(self.engine) as session:
                if session.exec(select(OutboxMessage.id).where(OutboxMessage.key == message.key)).first() is None:
                    raise


def render(message: OutboxMessage) -> str:
    actions = "".join(f"\n  [{a['label']}] skriv: {a['command']}" for a in message.actions)
    return f"— {fmt.timestamp(message.created_at)} —\n{message.text}{actions}"


def messages(session: Session, address: str | None = None, unread_only: bool = False) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(col(OutboxMessage.id))
    if address is not None:
        query = query.where(OutboxMessage.address == address)
    if unread_only:
        query = query.where(col(OutboxMessage.read_at).is_(None))
    return list(session.exec(query))


def take_unread(engine: Engine, address: str, now: datetime | None = None) -> list[str]:
    """The person's unread messages, rendered, and marked read."""
    with db.session_scope(engine) as session:
        unread = messages(session, address, unread_only=True)
        for message in unread:
            message.read_at = now or datetime.now(UTC)
            session.add(message)
        return [render(m) for m in unread]

