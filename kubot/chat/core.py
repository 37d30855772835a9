"""The platform-neutral chat core: a message in, a reply out.

Adapters (console, Slack, …) translate their platform's events into `Incoming` and
render the `Reply`. Everything a message does happens in one database transaction:
a rejected or failed message writes nothing.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, select

from kubot import db
from kubot.chat import commands as _commands  # noqa: F401  (registers the commands)
from kubot.chat import reminder_commands as _reminder_commands  # noqa: F401  (registers the reminder commands)
from kubot.chat import report_command as _report_command  # noqa: F401  (registers "rapport")
from kubot.chat import status_commands as _status_commands  # noqa: F401
from kubot.chat.messages import Incoming, Reply
from kubot.chat.registry import COMMANDS, Context, Usage, unique_commands
from kubot.chat.values import ValueProblem
from kubot.journal import JournalError, Origin
from kubot.models import ChatIdentity, Staff
from kubot.models.plan import Role
from kubot.records import RecordError
from kubot.settings import Settings
from kubot.text import storable

log = logging.getLogger(__name__)
MAX_MESSAGE_LENGTH = 2000
_PREFIX = re.compile(r"^\s*(?:/kubot\b|@?kubot\b[:,]?)\s*", re.IGNORECASE)


def clean(text: str) -> str:
    """Storable text (see `kubot.text`), every kind of space to one plain space, no leading command prefix."""
    text = "".join(" " if unicodedata.category(ch) in {"Cc", "Cf", "Zs", "Zl", "Zp"} else ch for ch in storable(text))
    return _PREFIX.sub("", re.sub(r" +", " ", text).strip()).strip()


class Bot:
    """Answers chat messages on behalf of the people in the plan."""

    def __init__(self, engine: Engine, settings: Settings, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock

    def handle(self, message: Incoming) -> Reply:
        # Made safe once, here: the text is parsed, stored and quoted from this on.
        message = replace(message, text=storable(message.text), sender=storable(message.sender))
        text = clean(message.text)
        if not text:
            return Reply("Skriv ett kommando, till exempel ”hjälp” för att se vad jag kan.", accepted=False)
        if len(text) > MAX_MESSAGE_LENGTH:
            return Reply(f"Meddelandet är för långt ({len(text)} tecken). Skriv högst {MAX_MESSAGE_LENGTH} tecken per meddelande.",
                         accepted=False)
        try:
            with db.session_scope(self.engine) as session:
                actor = identify(session, message)
                if actor is None:
                    return self._stranger(session, message)
                return self._run(session, actor, message, text)
        except Exception:
            log.exception("message failed: %r", message)
            return Reply("Något gick fel hos mig, och inget sparades. Försök igen om en stund; "
                         "kvarstår felet, kontakta en administratör.", accepted=False)

    def _stranger(self, session: Session, message: Incoming) -> Reply:
        admins = session.exec(select(Staff.name).where(Staff.role == Role.ADMIN, Staff.active)).all()
        who = ", ".join(admins) or "en administratör"
        return Reply(f"Hej! Jag känner inte igen dig ({message.sender}), så jag kan inte ta emot registreringar från dig. "
                     f"Be {who} att lägga till dig i kubot.", accepted=False)

    def _run(self, session: Session, actor: Staff, message: Incoming, text: str) -> Reply:
        word, _, rest = text.partition(" ")
        command = COMMANDS.get(word.lower().rstrip(":"))
        if command is None:
            names = ", ".join(c.name for c in unique_commands())
            return Reply(f"Jag förstår inte ”{word[:40]}”. Det här kan jag: {names}. Skriv ”hjälp <kommando>” för exempel.",
                         accepted=False)
        origin = Origin(actor=actor, channel=message.platform, message_id=message.message_id, message_text=message.text[:MAX_MESSAGE_LENGTH])
        context = Context(session=session, actor=actor, origin=origin, now=self.clock(), settings=self.settings)
        if not context.has_role(command.role):
            allowed = session.exec(select(Staff.name).where(Staff.role.in_(_roles_at_least(command.role)), Staff.active)).all()  # type: ignore[attr-defined]
            return Reply(f"”{command.name}” kan bara {'administratörer' if command.role == Role.ADMIN else 'chefer och administratörer'} använda. "
                         f"Fråga {', '.join(allowed[:3]) or 'en administratör'}.", accepted=False)
        savepoint = session.begin_nested()
        try:
            return command.handler(context, rest.strip())
        except (Usage, ValueProblem, RecordError, JournalError) as problem:
            savepoint.rollback()
            examples = command.examples[:2]
            hint = ("\nSå här kan det se ut:\n" + "\n".join(f"  {e}" for e in examples)) if examples and not isinstance(problem, JournalError) else ""
            return Reply(f"{problem}{hint}", accepted=False)


def _roles_at_least(role: Role) -> list[str]:
    order = [Role.STAFF, Role.MANAGER, Role.ADMIN]
    return [r.value for r in order[order.index(role):]]


def identify(session: Session, message: Incoming) -> Staff | None:
    """The staff member behind a message: by chat identity, or on the console by name."""
    found = session.exec(
        select(Staff).join(ChatIdentity).where(ChatIdentity.platform == message.platform,
                                               ChatIdentity.external_id == message.sender, Staff.active)
    ).first()
    if found is None and message.platform == "console":
        wanted = message.sender.strip().casefold()
        found = next((s for s in session.exec(select(Staff).where(Staff.active)) if s.name.casefold() == wanted), None)
    return found
