"""Every question kubot asks of the plan: the version in force for a year and what it holds.

Ask here rather than writing the query again: which version is in force, the item with a code in a
year, the areas above and below an area, who is invited to a network. The answers are rows or
None; what to tell a person when there is none is the caller's to say.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlmodel import Session, col, select

from kubot.models import (
    Activity,
    Area,
    Goal,
    Indicator,
    Municipality,
    Network,
    NetworkInvitee,
    PlanVersion,
    StrategicGoal,
)

NO_PLAN = -1
"""The plan id of a year without a plan: no row has it, so a query by it finds nothing."""

Item = TypeVar("Item", Indicator, Activity, Goal, StrategicGoal)
Key = TypeVar("Key", bound=Hashable)


def version_for_year(session: Session, year: int) -> PlanVersion | None:
    """The plan in force in `year`: the latest version that started in or before it."""
    return session.exec(
        select(PlanVersion).where(PlanVersion.first_year <= year).order_by(col(PlanVersion.first_year).desc())
    ).first()


def has_plan(session: Session, year: int) -> bool:
    return plan_id(session, year) != NO_PLAN


def plan_id(session: Session, year: int) -> int:
    """The id of the plan in force in `year`, or NO_PLAN."""
    version = version_for_year(session, year)
    return version.id if version is not None and version.id is not None else NO_PLAN


def item(session: Session, model: type[Item], code: str, year: int) -> Item | None:
    """The indicator, activity, goal or strategic goal with `code` in the plan in force in `year`."""
    return session.exec(select(model).where(model.plan_id == plan_id(session, year), model.code == code)).first()


def items(session: Session, model: type[Item], year: int) -> list[Item]:
    """Every indicator, activity, goal or strategic goal of the plan in force in `year`, in the plan's order
    (the order of import: `position` counts within the parent only)."""
    return list(session.exec(select(model).where(model.plan_id == plan_id(session, year)).order_by(col(model.id))))


def network(session: Session, code: str) -> Network | None:
    return session.exec(select(Network).where(Network.code == code)).first()


def area(session: Session, code: str) -> Area | None:
    return session.exec(select(Area).where(Area.code == code)).first()


def invited(session: Session, network: Network) -> list[Municipality]:
    """The municipalities (and the Region, where it takes part) invited to a network's meetings."""
    everyone = list(session.exec(select(Municipality).order_by(col(Municipality.name))))
    if network.invites_all:
        chosen = [m for m in everyone if not m.is_region]
    else:
        ids = set(session.exec(select(NetworkInvitee.municipality_id).where(NetworkInvitee.network_id == network.id)))
        chosen = [m for m in everyone if m.id in ids]
    if network.with_region:
        chosen += [m for m in everyone if m.is_region and m not in chosen]
    return chosen


@dataclass(frozen=True)
class AreaTree(Generic[Key]):
    """The areas and the area each lies within, by id (from the database) or by code (from a plan file)."""

    parent: Mapping[Key, Key | None]

    @classmethod
    def of(cls, pairs: Iterable[tuple[Key, Key | None]]) -> AreaTree[Key]:
        return cls(dict(pairs))

    def above(self, area: Key | None) -> list[Key]:
        """The area and the areas it lies within, nearest first (empty for no area)."""
        chain: list[Key] = []
        while area is not None and area not in chain:  # a loop in the data must not hang an answer
            chain.append(area)
            area = self.parent.get(area)
        return chain

    def top(self, area: Key | None) -> Key | None:
        """The outermost area the area lies within (itself at the top), e.g. the partnership of a sub-area."""
        chain = self.above(area)
        return chain[-1] if chain else None

    def below(self, area: Key) -> set[Key]:
        """The area and every area within it, at any depth."""
        return {area} | {a for a in self.parent if area in self.above(a)}


def area_tree(session: Session) -> AreaTree[int]:
    """The area tree by area id."""
    return AreaTree.of((a.id, a.parent_id) for a in session.exec(select(Area)) if a.id is not None)


def area_code_tree(session: Session) -> AreaTree[str]:
    """The area tree by area code."""
    areas = list(session.exec(select(Area)))
    code = {a.id: a.code for a in areas}
    return AreaTree.of((a.code, code.get(a.parent_id) if a.parent_id is not None else None) for a in areas)
