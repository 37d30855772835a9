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
from datetime import UTC, datetime

from rapidfuzz import fuzz, process
from sqlalchemy import Engine
from sqlmodel import Session, select

from kubot import db
from kubot.chat import commands as _commands  # noqa: F401  (registers the commands)
from kubot.chat import followups, questions
from kubot.chat import reminder_commands as _reminder_commands  # noqa: F401  (registers the reminder commands)
from kubot.chat import report_command as _report_command  # noqa: F401  (registers "rapport")
from kubot.chat import status_commands as _status_commands  # noqa: F401
from kubot.chat.messages import Incoming, Reply
from kubot.chat.registry import COMMANDS, Command, Context, Usage
from kubot.chat.values import Ambiguous, NoMatch, ValueProblem
from kubot.journal import JournalError, Origin
from kubot.models import ChatIdentity, Staff
from kubot.models.plan import Role
from kubot.records import RecordError
from kubot.settings import Settings

log = logging.getLogger(__name__)
MAX_MESSAGE_LENGTH = 2000
# How close (rapidfuzz ratio) a first word must be to a command's name to be taken as a typo of it.
COMMAND_TYPO_SCORE = 75
_PREFIX = re.compile(r"^\s*(?:/kubot\b|@?kubot\b[:,]?)\s*", re.IGNORECASE)


def clean(text: str) -> str:
    """Control characters out, every kind of space to one plain space, no leading command prefix."""
    text = "".join(" " if unicodedata.category(ch) in {"Cc", "Cf", "Zs", "Zl", "Zp"} else ch for ch in text)
    return _PREFIX.sub("", re.sub(r" +", " ", text).strip()).strip()


class Bot:
    """Answers chat messages on behalf of the people in the plan."""

    def __init__(self, engine: Engine, settings: Settings, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock

    def handle(self, message: Incoming) -> Reply:
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
        now = self.clock()
        if chat := questions.small_talk(text, actor.name.split()[0]):
            return Reply(chat)
        if kind := followups.answer_kind(text):
            remembered = followups.recall(session, actor, kind, now)
            if remembered is None:
                return Reply("Jag har inget förslag som väntar på svar just nu. Skriv hela meddelandet, eller ”hjälp”."
                             if kind == followups.YES else "Det finns inget mer att visa just nu.", accepted=False)
            text = remembered
        text = questions.as_command(text) or text
        word, rest = _first_word(text)
        command = COMMANDS.get(word.lower().rstrip(":!?.,"))
        if command is None:
            return self._unknown(session, actor, word, rest, now)
        origin = Origin(actor=actor, channel=message.platform, message_id=message.message_id, message_text=message.text[:MAX_MESSAGE_LENGTH])
        context = Context(session=session, actor=actor, origin=origin, now=now, settings=self.settings)
        if not context.has_role(command.role):
            allowed = session.exec(select(Staff.name).where(Staff.role.in_(_roles_at_least(command.role)), Staff.active)).all()  # type: ignore[attr-defined]
            return Reply(f"”{command.name}” kan bara {'administratörer' if command.role == Role.ADMIN else 'chefer och administratörer'} använda. "
                         f"Fråga {', '.join(allowed[:3]) or 'en administratör'}.", accepted=False)
        savepoint = session.begin_nested()
        try:
            return command.handler(context, rest.strip())
        except (Usage, ValueProblem, RecordError, JournalError) as problem:
            savepoint.rollback()
            if isinstance(problem, NoMatch) and len(problem.codes) == 1 and problem.query and problem.query in text:
                followups.remember(session, actor, followups.YES, text.replace(problem.query, problem.codes[0], 1), now)
                return Reply(f"{problem} Svara ”ja” så gör jag det.", accepted=False)
            return Reply(f"{problem}{_examples(command, problem, text)}", accepted=False)

    def _unknown(self, session: Session, actor: Staff, word: str, rest: str, now: datetime) -> Reply:
        """A message that starts with no command: a typo gets "Menade du …?", anything else a short hint."""
        near = process.extractOne(word.casefold(), list(COMMANDS), scorer=fuzz.ratio, score_cutoff=COMMAND_TYPO_SCORE)
        if near is not None:
            meant = COMMANDS[near[0]].name
            followups.remember(session, actor, followups.YES, f"{meant} {rest}".strip(), now)
            return Reply(f"Menade du {meant}? Svara ”ja” så gör jag det.", accepted=False)
        return Reply(f"Jag förstår inte ”{word[:40]}”. Skriv ”hjälp” för att se vad jag kan, till exempel "
                     "”närvaro PKS idag 12 av 13” eller ”saknas”.", accepted=False)


def _first_word(text: str) -> tuple[str, str]:
    """The command word and the rest; a hyphenated command may be written with spaces ("inte min uppgift")."""
    for name in COMMANDS:
        if "-" in name and (match := re.match(re.escape(name).replace(r"\-", "[- ]") + r"(?!\S)", text, re.IGNORECASE)):
            return name, text[match.end():]
    word, _, rest = text.partition(" ")
    return word, rest


def _examples(command: Command, problem: Exception, message: str) -> str:
    """The command's examples after a problem with the message's form; never for problems with its
    content (a duplicate, a permission), never the refused message itself."""
    if not isinstance(problem, Usage | ValueProblem) or (isinstance(problem, NoMatch | Ambiguous) and "Menade du" in str(problem)):
        return ""
    refused = " ".join(message.casefold().split())
    examples = [e for e in command.examples if " ".join(e.casefold().split()) != refused][:2]
    return ("\nSå här kan det se ut:\n" + "\n".join(f"  {e}" for e in examples)) if examples else ""


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
