"""Chat commands: each is a function whose docstring is its help text.

The docstring's description (its lines before the first example) is the summary; lines starting
with "Exempel:" are working examples shown in `hjälp`, and in rejections so people see a correct message.

Every command declares who may use it (`role`) and for which part of the organisation
(`scope`); the README's table and tests/test_access_matrix.py are checked against these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING

from sqlmodel import Session

from kubot import access, journal
from kubot.access import Action
from kubot.chat import grammar
from kubot.chat.lexicon import Lexicon, load
from kubot.journal import Origin, Recorded
from kubot.models import Activity, Indicator, Staff
from kubot.models.plan import Role
from kubot.periods import Period
from kubot.port import Reply
from kubot.records import NotAllowed
from kubot.values import ValueProblem

if TYPE_CHECKING:
    from kubot.settings import Settings

@dataclass
class Context:
    """What a command handler may use: the session, who is asking, and today's date."""

    session: Session
    actor: Staff
    origin: Origin
    now: datetime
    settings: Settings
    # A short note the person added after a colon or in brackets; stored with the entry.
    comment: str = ""
    _lexicons: dict[int, Lexicon] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.settings.timezone).date()

    def lexicon(self, year: int | None = None) -> Lexicon:
        year = year or self.today.year
        if year not in self._lexicons:
            self._lexicons[year] = load(self.session, year)
        return self._lexicons[year]

    def has_role(self, role: Role) -> bool:
        return access.may(self.session, self.actor, Action.USE, role)


Handler = Callable[[Context, str], Reply]


class Scope(Enum):
    """For what a command may be used, once the role allows it; the value is the README's wording."""

    READ = "läser bara"
    ANY_AREA = "alla områden"
    OWN_AREA = "eget ansvar eller eget område (chef och administratör: alla)"
    OWN_ENTRIES = "egna registreringar (administratör: allas)"
    CHOSEN_ENTRIES = "egna registreringar (chef och administratör: allas)"
    SELF = "bara en själv"
    SELF_OR_ANYONE = "bara en själv (chef och administratör: alla)"
    REPORT = "hela rapporten"


@dataclass(frozen=True)
class Command:
    name: str
    aliases: tuple[str, ...]
    handler: Handler
    declared_role: Role | None
    scope: Scope | None
    # A slow command's acknowledgement; the core then finishes it in the background when it can.
    slow: str | None = None

    @property
    def role(self) -> Role:
        # A command nobody has decided about is for administrators only, never open to everyone.
        return self.declared_role or Role.ADMIN

    @property
    def help(self) -> str:
        return (self.handler.__doc__ or "").strip()

    @property
    def summary(self) -> str:
        """The description before the examples, as one line however the docstring wraps it."""
        described = [line.strip() for line in self.help.splitlines()]
        words = " ".join(
            described[: next((i for i, line in enumerate(described) if line.startswith("Exempel:")), None)]
        )
        return words.strip() or self.name

    @property
    def examples(self) -> list[str]:
        return [
            line.strip()[len("Exempel:") :].strip()
            for line in self.help.splitlines()
            if line.strip().startswith("Exempel:")
        ]


EXAMPLES = "\nSå här kan det se ut:"  # what introduces the examples after a problem


class Usage(ValueError):
    """A message whose form is wrong; the reply adds the command's examples."""


COMMANDS: dict[str, Command] = {}


def declare(name: str, *aliases: str, role: Role | None = None, scope: Scope | None = None, slow: str | None = None,
            comment: bool = False) -> Callable[[Handler], Command]:
    """A handler as a command under its names; `role` and `scope` must be given (the tests check). With
    `comment`, a message the handler cannot read whole is read again without its trailing comment
    (after a colon or in brackets), which the handler finds in `ctx.comment`: "närvaro PKS idag 12 av 13 (bra möte)".

    A record kind declares its commands so (`kubot/kinds/<kind>/chat.py`); `kubot.chat.commands` registers them."""

    def make(handler: Handler) -> Command:
        return Command(name, aliases, _commented(handler) if comment else handler, role, scope, slow)

    return make


def register(entry: Command) -> None:
    for word in (entry.name, *entry.aliases):
        COMMANDS[word] = entry


def command(name: str, *aliases: str, role: Role | None = None, scope: Scope | None = None, slow: str | None = None,
            comment: bool = False) -> Callable[[Handler], Handler]:
    """Declare (see `declare`) and register a command of the chat package itself."""

    def registered(handler: Handler) -> Handler:
        register(declare(name, *aliases, role=role, scope=scope, slow=slow, comment=comment)(handler))
        return handler

    return registered


def _commented(handler: Handler) -> Handler:
    def run(ctx: Context, args: str) -> Reply:
        try:
            return handler(ctx, args)
        except (Usage, ValueProblem) as whole_problem:
            head, comment = grammar.split_comment(args)
            if not comment:
                raise
            ctx.comment = comment
            try:
                return handler(ctx, head)
            except (Usage, ValueProblem):
                ctx.comment = ""
                raise whole_problem from None

    run.__doc__ = handler.__doc__
    return run


def unique_commands() -> tuple[Command, ...]:
    return tuple(dict.fromkeys(COMMANDS.values()))


def accepted(ctx: Context, recorded: Recorded) -> Reply:
    """The reply to a stored entry: its number, what was stored, and how to undo it. A comment is kept with it."""
    entry = recorded.entry
    if recorded.duplicate:
        return Reply(f"Det här meddelandet är redan registrerat som #{entry.id}: {entry.summary}", accepted=True)
    if ctx.comment:
        journal.comment(ctx.session, entry, ctx.comment)
    corrected = ctx.origin.corrects
    head = f"Rättat #{corrected.id} – ersatt av #{entry.id}" if corrected is not None else f"Registrerat #{entry.id}"
    return Reply(f"{head}: {entry.summary}\nÅngra med: ångra {entry.id}", accepted=True)


def take_period(ctx: Context, text: str) -> tuple[Period, str]:
    """The period named in `text` (a bare year is the whole year; default: the tertial we are in) and the text
    without it."""
    period, rest = grammar.take_period(text, ctx.today, year_alone=True)
    return period or Period.containing(ctx.today), rest


def leftover(text: str) -> None:
    if text.strip(" ,.;:"):
        raise Usage(f"Jag förstod inte ”{text.strip()[:60]}”.")


# The word that lets a record through that matches one already there ("a second meeting the same day").
AGAIN = ("ytterligare",)
# The word that makes a status's comment or an event one of the report's examples.
EXAMPLE = ("exempel",)


def check_may_report(ctx: Context, item: Indicator | Activity, what: str) -> None:
    if access.may(ctx.session, ctx.actor, Action.REPORT, item):
        return
    owner = ctx.session.get(Staff, item.responsible_id) if item.responsible_id else None
    raise NotAllowed(f"Du kan inte rapportera för {what}: det hör inte till dina områden. "
                f"Ansvarig är {owner.name if owner else 'en chef eller administratör'}.")
