"""Who may use which chat command, for which part of the organisation – generated from the
command registry, so a new command cannot skip the decision (issue 14, point 10).

Every registered command must declare a role and a scope; the README's table must say the
same; and every help example, sent by an administrator, a manager and a member of staff with
no area and no responsibilities, is answered as the declaration says.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from kubot import db
from kubot.adapters import compose, console
from kubot.chat.core import Bot
from kubot.chat.registry import Command, Scope, unique_commands
from kubot.models import Staff
from kubot.models.plan import Role
from kubot.settings import Settings
from kubot.slack import people as _slack_people  # noqa: F401  (registers "koppla": every command is in the table)

NOW = datetime(2022, 11, 23, 9, 0, tzinfo=UTC)
README = Path(__file__).parents[1] / "README.md"
ROLE_WORDS = {Role.STAFF: "alla", Role.MANAGER: "chef, administratör", Role.ADMIN: "administratör"}
RANK = {Role.STAFF: 0, Role.MANAGER: 1, Role.ADMIN: 2}
OUTSIDER = "Nils Utanför"  # staff, no area, responsible for nothing
MANAGER = "Sara Thil"  # promoted to manager below; the sample plan has none
ADMIN = "Ola Götesson"
PERMISSION_REFUSALS = ("kan bara", "hör inte till dina områden", "registrerades av någon annan")
COMMANDS = unique_commands()


def examples(command: Command) -> list[str]:
    # "ångra 412" names an entry a fresh database does not have.
    return [e for e in command.examples if e != "ångra 412"] or [command.name]


def test_every_command_declares_who_may_use_it_and_for_what() -> None:
    undecided = [c.name for c in COMMANDS if c.declared_role is None or c.scope is None]
    assert not undecided, f"declare role= and scope= in @command for: {', '.join(undecided)}"


def readme_table() -> dict[str, tuple[str, str]]:
    section = README.read_text(encoding="utf-8").split("## Vem får göra vad", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| ([^|]+) \| ([^|]+) \|$", section, re.MULTILINE)
    return {name: (who.strip(), scope.strip()) for name, who, scope in rows}


def test_the_readme_table_lists_every_command_with_its_role_and_scope() -> None:
    declared = {c.name: (ROLE_WORDS[c.role], c.scope.value if c.scope else "") for c in COMMANDS}
    assert readme_table() == declared


@pytest.fixture(scope="module", params=[OUTSIDER, MANAGER, ADMIN])
def actor_bot(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Bot]:
    """One person and a sample-plan database of their own (so nobody's entry repeats another's)."""
    work = tmp_path_factory.mktemp("access")
    settings = Settings(database_url=f"sqlite:///{work / 'kubot.db'}", report_dir=work / "rapporter")
    engine = compose.start(settings)
    with db.session_scope(engine) as session:
        session.add(Staff(name=OUTSIDER, role=Role.STAFF))
        session.exec(select(Staff).where(Staff.name == MANAGER)).one().role = Role.MANAGER
    return request.param, Bot(engine, settings, clock=lambda: NOW)


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_each_command_answers_each_role_as_declared(actor_bot: tuple[str, Bot], command: Command) -> None:
    actor, bot = actor_bot
    rank = {OUTSIDER: RANK[Role.STAFF], MANAGER: RANK[Role.MANAGER], ADMIN: RANK[Role.ADMIN]}[actor]
    for message in examples(command):
        reply = console.say(bot, actor, message)
        if rank < RANK[command.role]:
            assert reply.accepted is False and "kan bara" in reply.text, f"{actor}: {message!r} → {reply.text}"
        elif command.scope == Scope.OWN_AREA and actor == OUTSIDER:
            assert (
                reply.accepted is False and "hör inte till dina områden" in reply.text
            ), f"{actor}: {message!r} → {reply.text}"
        elif command.scope in (Scope.ANY_AREA, Scope.OWN_AREA):
            assert reply.accepted is True, f"{actor}: {message!r} → {reply.text}"
        else:
            assert not any(p in reply.text for p in PERMISSION_REFUSALS), f"{actor}: {message!r} → {reply.text}"
