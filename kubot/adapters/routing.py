"""Reaching people on more than one chat platform at once.

`RoutingSender` is the `Sender` the rest of kubot uses: each message goes to the platform the
recipient is known on (their chat identity), trying the platforms in order and falling back to
the console outbox. Platform adapters register a sender factory as a `kubot.senders` entry point
(see pyproject.toml), so adding a platform needs no change here.

Every key is claimed in the outbound ledger (`Dispatch`) before it is handed to a platform and marked
delivered after, so a second delivery of the same key – a retry after a crash, or another process –
does nothing. A reminder has its row already (the delivery claimed it there); any other message gets
one here. A claim that is never marked delivered (the process died during the call, so nobody knows
whether the platform got it) is taken over after `STALE_CLAIM`: then the person may get it twice,
rather than never.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from importlib.metadata import entry_points

from sqlalchemy import Engine, delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from kubot import db
from kubot.models import Dispatch
from kubot.port import Address, Outgoing, Sender
from kubot.settings import Settings

STALE_CLAIM = timedelta(minutes=10)
CONSOLE = "console"
_INSERTED, _TAKEN = "inserted", "taken"
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
        claim = self._claim(message)
        if claim is None:
            return
        mine = col(Dispatch.key) == message.key
        try:
            sender.send(message)
        except BaseException:
            with db.session_scope(self.engine) as session:  # not sent: the next delivery tries again
                if claim == _INSERTED:
                    session.exec(delete(Dispatch).where(mine))
                else:
                    session.exec(update(Dispatch).where(mine).values(claimed_at=None))
            raise
        with db.session_scope(self.engine) as session:
            session.exec(update(Dispatch).where(mine).values(delivered_at=self.clock()))

    def _claim(self, message: Outgoing) -> str | None:
        """Claim the key: _INSERTED for a message the ledger did not have, _TAKEN for one it had unclaimed
        (or claimed by a call that never finished), None when it is delivered or being delivered."""
        now = self.clock()
        where = message.to
        with db.session_scope(self.engine) as session:
            taken = session.exec(update(Dispatch).where(
                col(Dispatch.key) == message.key, col(Dispatch.delivered_at).is_(None),
                or_(col(Dispatch.claimed_at).is_(None), col(Dispatch.claimed_at) < now - STALE_CLAIM))
                .values(claimed_at=now, platform=where.platform, address=where.id))
            if taken.rowcount:
                return _TAKEN
        try:
            with db.session_scope(self.engine) as session:
                session.add(Dispatch(key=message.key, platform=where.platform, address=where.id, text=message.text,
                                     created_at=now, claimed_at=now))
            return _INSERTED
        except IntegrityError:
            return None
