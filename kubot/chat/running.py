"""Running one command of a message: its reply, or a refusal that rolls back what it did and says what to do.

Also the small readings of a message the core asks before it runs one: its command word, whether it names a
meeting without a command word, and whether a proposed rewording would parse.
"""

from __future__ import annotations

import logging
import re

from sqlmodel import col, select

from kubot.chat import followups, grammar
from kubot.chat.registry import COMMANDS, EXAMPLES, Command, Context, Usage, unique_commands
from kubot.journal import JournalError
from kubot.models import Activity, Area, Goal, Network, StaffArea
from kubot.port import Reply
from kubot.records import RecordError
from kubot.values import Ambiguous, NoMatch, ValueProblem

log = logging.getLogger(__name__)
# Activity codes sent to a language model at most: a person's own, enough to name the one meant.
MAX_KNOWN_ACTIVITIES = 80


def execute(context: Context, command: Command, rest: str, text: str) -> Reply:
    """The command's reply; a problem with the message rolls back everything it did and answers with
    what to do – a single "Menade du …?" can be answered "ja", a wrong form gets examples."""
    savepoint = context.session.begin_nested()
    try:
        return command.handler(context, rest.strip())
    except (Usage, ValueProblem, RecordError, JournalError) as problem:
        savepoint.rollback()
        if isinstance(problem, NoMatch) and len(problem.codes) == 1 and problem.query and problem.query in text:
            corrected = text.replace(problem.query, problem.codes[0], 1)
            return Reply(
                f"{problem} {followups.offer(context.session, context.actor, corrected, context.now)}", accepted=False
            )
        return Reply(f"{problem}{examples_for(command, problem, text)}", accepted=False)


def parses(context: Context, proposed: str) -> bool:
    """Whether kubot's own grammar accepts the proposed command; whatever it would do is rolled back."""
    word, rest = first_word(proposed)
    command = COMMANDS.get(word.lower().rstrip(":!?.,"))
    if command is None or command.slow or not context.has_role(command.role):
        return False
    trial = context.session.begin_nested()
    try:
        return execute(context, command, rest, proposed).accepted is not False
    except Exception:
        log.exception("a proposed %s command failed", command.name)
        return False
    finally:
        trial.rollback()


def known(context: Context) -> dict[str, list[str]]:
    """The person's own areas, the networks of those areas and the activities they answer for or work in."""
    session, actor = context.session, context.actor
    area_ids = list(session.exec(select(StaffArea.area_id).where(StaffArea.staff_id == actor.id)))
    areas = session.exec(select(Area.name).where(col(Area.id).in_(area_ids))).all()
    networks = session.exec(select(Network.code).where(col(Network.area_id).in_(area_ids))).all()
    goal_ids = select(Goal.id).where(col(Goal.area_id).in_(area_ids))
    activities = session.exec(select(Activity.code).where(
        (col(Activity.responsible_id) == actor.id) | col(Activity.goal_id).in_(goal_ids)).distinct()).all()
    return {"areas": list(areas), "networks": list(networks), "activities": list(activities)[:MAX_KNOWN_ACTIVITIES]}


def command_examples() -> list[tuple[str, tuple[str, ...]]]:
    return [(c.name, tuple(c.examples)) for c in unique_commands()]


def names_a_meeting(context: Context, word: str, text: str) -> bool:
    """Whether a message without a command word is a meeting's attendance: it starts with a network's
    name and holds a date, as people write it ("socialcheferna i måndags, alla utom Habo")."""
    try:
        if grammar.split_at_date(text, context.today) is None:
            return False
        context.lexicon().network(word.rstrip(":,."))
    except Ambiguous:
        return True  # närvaro asks which of the networks
    except ValueProblem:
        return False
    return True


def first_word(text: str) -> tuple[str, str]:
    """The command word and the rest; a hyphenated command may be written with spaces ("inte min uppgift")."""
    for name in COMMANDS:
        if "-" in name and (match := re.match(re.escape(name).replace(r"\-", "[- ]") + r"(?!\S)", text, re.IGNORECASE)):
            return name, text[match.end():]
    word, _, rest = text.partition(" ")
    return word, rest


def examples_for(command: Command, problem: Exception, message: str) -> str:
    """The command's examples after a problem with the message's form; never for problems with its
    content (a duplicate, a permission), never the refused message itself."""
    if not isinstance(problem, Usage | ValueProblem) or (
        isinstance(problem, NoMatch | Ambiguous) and "Menade du" in str(problem)
    ):
        return ""
    refused = " ".join(message.casefold().split())
    examples = [e for e in command.examples if " ".join(e.casefold().split()) != refused][:2]
    return (f"{EXAMPLES}\n" + "\n".join(f"  {e}" for e in examples)) if examples else ""
