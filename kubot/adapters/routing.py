"""Reaching people on more than one chat platform at once.

`RoutingSender` is the `Sender` the rest of kubot uses: each message goes to the platform the
recipient is known on (their chat identity), trying the platforms in order and falling back to
the console outbox. Platform adapters register a sender factory as a `kubot.senders` entry point
(see pyproject.toml), so adding a platform needs no change here.

Every key is claimed in `SentMessage` before it is handed to a platform and marked sent after, so a
second delivery of the same key – a retry after a crash, or another process – does nothing. A claim
that is never marked sent (the process died during the call, so nobody knows whether the platform
got it) is taken over after `STALE_CLAIM`: then the person may get it twice, rather than never.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from importlib.metadata import entry_points

from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from kubot import db
from kubot.models import SentMessage
from kubot.port import Address, Outgoing, Sender
from kubot.settings import Settings

STALE_CLAIM = timedelta(minutes=10)
CONSOLE = "console"
SenderFactory = Callable[[Settings, Engine], Sender | None]


def platform_senders(settings: Settings, engine: Engine) -> list[Sender]:
    """The senders of the chat platforms installed and configured (a factory returns None when its platform is not)."""
    factories: list[SenderFactory] = [point.load() for point in entry_points(group="kubot.senders")]
    return [sender for factory in factories if (sender := factory(settings, engine)) is not None]


class RoutingSender:
    """Sends each message through the sender of the recipient's platform, once per key."""

    def __init__(self, engine: Engine, senders: Sequence[Sender], clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.engine = engine
        self.senders = {s.platform: s for s in senders}
        self.clock = clock
        self.platform = " eller ".join(self.senders)

    def address(self, name: str, identities: Mapping[str, str]) -> Address | None:
        """The first platform that reaches the person. Someone known on a configured platform that cannot
        reach them now (in Teams: never written to kubot) is unreachable rather than quietly left in the
        console outbox, so the administrator is told; only people known on no configured platform fall back."""
        platforms = [s for s in self.senders.values() if s.platform != CONSOLE]
        found = next((found for s in platforms if (found := s.address(name, identities)) is not None), None)
        if found is not None or any(s.platform in identities for s in platforms) or CONSOLE not in self.senders:
            return found
        return self.senders[CONSOLE].address(name, identities)

    def send(self, message: Outgoing) -> None:
        sender = self.senders.get(message.to.platform)
        if sender is None:
            raise LookupError(f"no sender for platform {message.to.platform!r}")
        if not self._claim(message):
            return
        try:
            sender.send(message)
        except BaseException:
            with db.session_scope(self.engine) as session:
                session.exec(delete(SentMessage).where(col(SentMessage.key) == message.key))
            raise
        with db.session_scope(self.engine) as session:
            session.exec(update(SentMessage).where(col(SentMessage.key) == message.key).values(sent_at=self.clock()))

    def _claim(self, message: Outgoing) -> bool:
        now = self.clock()
        try:
            with db.session_scope(self.engine) as session:
                session.add(SentMessage(key=message.key, platform=message.to.platform, address=message.to.id, claimed_at=now))
            return True
        except IntegrityError:
            with db.session_scope(self.engine) as session:
                taken = session.exec(update(SentMessage).where(
                    col(SentMessage.key) == message.key, col(SentMessage.sent_at).is_(None),
                    col(SentMessage.claimed_at) < now - STALE_CLAIM).values(claimed_at=now))
                return bool(taken.rowcount)
