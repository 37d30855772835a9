"""Chat commands: each is a function whose docstring is its help text.

The first docstring line is the one-line summary, lines starting with "Exempel:" are
working examples shown in `hjälp`, and in rejections so people see a correct message.

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

from kubot import access
from kubot.access import Action
from kubot.chat import grammar
from kubot.chat.lexicon import Lexicon, load
from kubot.chat.values import ValueProblem
from kubot.journal import Origin
from kubot.models import Staff
from kubot.models.plan import Role
from kubot.port import Reply

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
        return self.help.splitlines()[0] if self.help else self.name

    @property
    def examples(self) -> list[str]:
        return [line.strip()[len("Exempel:"):].strip() for line in self.help.splitlines() if line.strip().startswith("Exempel:")]


class Usage(ValueError):
    """A message whose form is wrong; the reply adds the command's examples."""


COMMANDS: dict[str, Command] = {}


def command(name: str, *aliases: str, role: Role | None = None, scope: Scope | None = None, slow: str | None = None,
            comment: bool = False) -> Callable[[Handler], Handler]:
    """Register a handler under its names; `role` and `scope` must be given (the tests check). With
    `comment`, a message the handler cannot read whole is read again without its trailing comment
    (after a colon or in brackets), which the handler finds in `ctx.comment`: "närvaro PKS idag 12 av 13 (bra möte)"."""

    def register(handler: Handler) -> Handler:
        entry = Command(name, aliases, _commented(handler) if comment else handler, role, scope, slow)
        for word in (name, *aliases):
            COMMANDS[word] = entry
        return handler

    return register


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
