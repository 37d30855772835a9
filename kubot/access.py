"""Who may do what: one role ladder, and one `may` that every surface asks.

Commands, `hjälp`, the forms, the Slack Home tab and the Teams cards all ask `may`, so what a
person is shown is what they may do, and a refusal never comes after a form was filled in.
The README's "Vem får göra vad" and tests/test_access_matrix.py are checked against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import TypeVar

from sqlmodel import Session, select

from kubot.models import Activity, Entry, Goal, Indicator, Staff, StaffArea
from kubot.models.plan import Role
from kubot.plan import queries as plan_queries

LADDER = (Role.STAFF, Role.MANAGER, Role.ADMIN)
"""The roles from least to most allowed: each may do all that the roles below it may."""

ROLE_NAMES = {Role.STAFF: "medarbetare", Role.MANAGER: "chef", Role.ADMIN: "administratör"}


class Action(Enum):
    USE = "använda"  # a command or its form; the item is the least role it needs
    REPORT = "rapportera för"  # a result, analysis or status; the item is the indicator or activity
    CHANGE = "ändra"  # undo or correct an entry
    CHOOSE_EXAMPLE = "välja som exempel"  # mark an entry as one of the report's examples
    SEE_ALL = "se allas"  # everyone's items and the overview per strategic goal, not only one's own


Reportable = TypeVar("Reportable", Indicator, Activity)


def at_least(role: Role | str, needed: Role) -> bool:
    return LADDER.index(Role(role)) >= LADDER.index(needed)


def roles_at_least(needed: Role) -> tuple[Role, ...]:
    return LADDER[LADDER.index(needed):]


def who_may(needed: Role) -> str:
    """Who may use what needs `needed`, as a refusal says it: "chefer och administratörer"."""
    return {Role.STAFF: "alla", Role.MANAGER: "chefer och administratörer", Role.ADMIN: "administratörer"}[needed]


def may(
    session: Session, actor: Staff, action: Action, item: Role | Indicator | Activity | Entry | None = None
) -> bool:
    """Whether `actor` may do `action` to `item`.

    Staff report for what they are responsible for or for goals within their own areas (an area
    counts within the area above it); managers and administrators for everything. An entry is
    changed by its author or an administrator; examples are chosen by the author or a manager.
    """
    match action, item:
        case Action.USE, Role() as needed:
            return at_least(actor.role, needed)
        case Action.REPORT, Indicator():
            return bool(reportable(session, actor, [item]))
        case Action.REPORT, Activity():
            return bool(reportable(session, actor, [item]))
        case Action.CHANGE, Entry() as entry:
            return entry.actor_id == actor.id or at_least(actor.role, Role.ADMIN)
        case Action.CHOOSE_EXAMPLE, Entry() as entry:
            return entry.actor_id == actor.id or at_least(actor.role, Role.MANAGER)
        case Action.SEE_ALL, None:
            return at_least(actor.role, Role.MANAGER)
    raise TypeError(f"no access rule for {action} on {type(item).__name__}")


def reportable(session: Session, actor: Staff, items: Sequence[Reportable]) -> list[Reportable]:
    """The indicators or activities among `items` that `actor` may report for (see `may`), in their order."""
    if at_least(actor.role, Role.MANAGER):
        return list(items)
    mine = set(session.exec(select(StaffArea.area_id).where(StaffArea.staff_id == actor.id)))
    tree = plan_queries.area_tree(session) if mine else None
    goal_area: dict[int, int | None] = {}

    def covered(goal_id: int) -> bool:
        if tree is None:
            return False
        if goal_id not in goal_area:
            goal = session.get(Goal, goal_id)
            goal_area[goal_id] = goal.area_id if goal else None
        return bool(mine.intersection(tree.above(goal_area[goal_id])))

    return [i for i in items if (i.responsible_id is not None and i.responsible_id == actor.id) or covered(i.goal_id)]
