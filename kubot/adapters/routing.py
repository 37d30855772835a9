"""Reaching people on more than one chat platform at once.

`RoutingSender` is the `Sender` the rest of kubot uses: each message goes to the platform the
recipient is known on (their chat identity). Someone linked to Slack or Teams is reached there or
not at all – never quietly in the console outbox, which nobody reads once a platform is in use; the
outbox is the mailbox only when no platform is configured (kubot's embedded default). Platform
adapters register a sender factory as a `kubot.senders` entry point (see pyproject.toml), so adding
a platform needs no change here.

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
from sqlmodel import Session, col, select

from kubot import db
from kubot.models import ChatIdentity, Dispatch, Staff
from kubot.port import Address, Outgoing, Sender, Unreached
from kubot.settings import PLATFORMS_OFF, Settings

STALE_CLAIM = timedelta(minutes=10)
CONSOLE = "console"
_INSERTED, _TAKEN = "inserted", "taken"
SenderFactory = Callable[[Settings, Engine], Sender | None]


def platform_senders(settings: Settings, engine: Engine) -> list[Sender]:
    """The senders of the chat platforms installed, configured and not switched off (a factory returns
    None when its platform is not configured)."""
    factories: list[SenderFactory] = [point.load() for point in entry_points(group="kubot.senders")]
    senders = [sender for factory in factories if (sender := factory(settings, engine)) is not None]
    return [sender for sender in senders if sender.platform not in settings.platforms_off]


def shown(platform: str) -> str:
    return "konsolen" if platform == CONSOLE else platform.capitalize()


class RoutingSender:
    """Sends each message through the sender of the recipient's platform, once per key.

    `off` are the platforms the administrator switched off on purpose; people linked to them are not reached."""

    def __init__(
        self,
        engine: Engine,
        senders: Sequence[Sender],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        off: frozenset[str] = frozenset(),
    ) -> None:
        self.engine = engine
        self.senders = {s.platform: s for s in senders}
        self.clock = clock
        self.off = off
        self.platform = " eller ".join(self.senders)

    def address(self, name: str, identities: Mapping[str, str]) -> Address | None:
        """The first platform that reaches the person. Someone linked to a platform is reached on one of
        theirs or not at all (in Teams: not before they wrote to kubot), so the administrators are told;
        only people linked nowhere are reached in the console outbox, and only when it is the mailbox."""
        linked = [platform for platform in identities if platform != CONSOLE]
        chosen = [self.senders[p] for p in linked if p in self.senders] if linked else list(self.senders.values())
        return next((found for s in chosen if (found := s.address(name, identities)) is not None), None)

    def why_not(self, name: str, identities: Mapping[str, str]) -> Unreached:
        linked = [platform for platform in identities if platform != CONSOLE]
        for platform in linked:
            if platform in self.senders:
                return self.senders[platform].why_not(name, identities)
        for platform in linked:
            if platform in self.off:
                return Unreached(f"{shown(platform)} är avstängt med avsikt ({PLATFORMS_OFF})",
                                 f"ta bort {platform} ur {PLATFORMS_OFF} och sätt {shown(platform)}s uppgifter")
        if linked:
            return Unreached(f"{' och '.join(map(shown, linked))} är inte inställt här",
                             "sätt plattformens uppgifter (kubot check visar vilka som saknas)")
        found = [s.why_not(name, identities) for s in self.senders.values() if s.platform != CONSOLE]
        return Unreached("; ".join(u.why for u in found), "; eller ".join(u.fix for u in found))

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


def refusal(settings: Settings, engine: Engine, senders: Sequence[Sender]) -> str | None:
    """Why kubot must not deliver with these senders, in Swedish, or None: people are linked to a platform
    that is neither set up here nor switched off on purpose, so their messages would be lost."""
    have = {s.platform for s in senders}
    with Session(engine) as session:
        rows = session.exec(
            select(ChatIdentity.platform, Staff.name)
            .join(Staff, col(Staff.id) == ChatIdentity.staff_id)
            .where(col(Staff.active), ChatIdentity.platform != CONSOLE)
            .order_by(col(Staff.name))
        ).all()
    linked: dict[str, list[str]] = {}
    for platform, name in rows:
        if platform not in have and platform not in settings.platforms_off:
            linked.setdefault(platform, []).append(name)
    if not linked:
        return None
    lines = []
    for platform, names in sorted(linked.items()):
        who = (
            f"{len(names)} {'person är kopplad' if len(names) == 1 else 'personer är kopplade'} till {shown(platform)} "
            f"({', '.join(names[:5])}{' med flera' if len(names) > 5 else ''})"
        )
        missing = settings.missing_for(platform)
        if missing:
            lines.append(f"{who}, men {' och '.join(missing)} är inte satt. "
                         f"Sätt {'den' if len(missing) == 1 else 'dem'}, eller stäng av {shown(platform)} med avsikt: "
                         f"{PLATFORMS_OFF}={platform}.")
        else:
            lines.append(
                f"{who}, men {shown(platform)}-delen går inte att starta här (för Teams: Python 3.12 och "
                f"pip install 'kubot[teams]'), eller stäng av {shown(platform)} med avsikt: {PLATFORMS_OFF}={platform}."
            )
    return ("Påminnelserna skickas inte: " + " ".join(lines) +
            " Med en plattform avstängd får administratörerna en lista över vilka som inte nås.")
