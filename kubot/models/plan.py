"""The plan: who takes part, and what is to be achieved.

Municipalities, areas, networks, staff and survey questions are shared by all years.
Strategic goals, goals, indicators and activities belong to a `PlanVersion` that is in
force from its `first_year` until the next version starts, so importing next year's
plan never rewrites last year's. Records refer to indicators and activities by their
stable code, which is how a result stays attached when a new plan keeps the code.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, String, Text, UniqueConstraint
from sqlmodel import Field

from kubot.models.types import Table, UTCDateTime, utcnow


class Role(StrEnum):
    STAFF = "personal"
    MANAGER = "chef"
    ADMIN = "admin"


class Unit(StrEnum):
    PERCENT = "procent"
    COUNT = "antal"
    KRONOR = "kronor"
    YES_NO = "janej"


class Direction(StrEnum):
    HIGHER = "högre"
    LOWER = "lägre"


class Source(StrEnum):
    """How an indicator gets its value (the plan file's `källa`): typed in, or derived from logged records.

    Each is offered by one record kind, which words it and computes it (`kubot.kinds`)."""

    TYPED = "inmatat"
    ATTENDANCE = "närvaro"
    ATTENDANCE_EACH_MUNICIPALITY = "närvaro_varje_kommun"
    COURSES_COUNT = "kurser_antal"
    COURSE_PARTICIPANTS = "kursdeltagare"
    COURSES_DIGITAL_SHARE = "kurser_digital_andel"
    COURSE_COST_REDUCTION_KR = "kurser_kostnadsreducering_kr"
    COURSE_COST_REDUCTION_PERCENT = "kurser_kostnadsreducering_procent"
    APPLICATIONS_COUNT = "ansökningar_antal"
    APPLICATIONS_AMOUNT = "ansökningar_belopp"
    SURVEY = "enkät"


class Timing(StrEnum):
    CONTINUOUS = "löpande"
    TERTIAL = "tertial"
    YEARLY = "årlig"


def _code() -> Any:
    return Field(sa_type=String(40), index=True)


class Municipality(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(40), unique=True)
    name: str
    is_region: bool = False


class Area(Table, table=True):
    """A partnership (FoUrum social välfärd …) or an area within one (Missbruk och beroende)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(40), unique=True)
    name: str
    parent_id: int | None = Field(default=None, foreign_key="area.id")


class Network(Table, table=True):
    """A manager network, steering group or similar whose meeting attendance is tracked."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(40), unique=True)
    name: str
    kind: str = ""
    area_id: int | None = Field(default=None, foreign_key="area.id")
    invites_all: bool = True
    with_region: bool = False


class NetworkInvitee(Table, table=True):
    """A municipality invited to a network that does not invite all of them."""

    network_id: int = Field(foreign_key="network.id", primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", primary_key=True)


class Staff(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    role: str = Field(default=Role.STAFF, sa_type=String(20))
    title: str = ""
    # Where a chat platform's user is matched to the person on first contact (Slack reports it).
    email: str | None = Field(default=None, sa_type=String(200))
    active: bool = True


class StaffArea(Table, table=True):
    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    area_id: int = Field(foreign_key="area.id", primary_key=True)


class ChatIdentity(Table, table=True):
    """How a staff member is known on a chat platform (Slack user id, console name …)."""

    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    platform: str = Field(sa_type=String(20))
    external_id: str = Field(sa_type=String(120))


class SurveyQuestion(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(40), unique=True)
    text: str


class PlanVersion(Table, table=True):
    """One imported plan, in force from `first_year` until the next version's first year."""

    id: int | None = Field(default=None, primary_key=True)
    first_year: int = Field(unique=True)
    name: str
    mission: str = ""
    vision: str = ""
    organisation: str = "Kommunal utveckling"
    # The plan's economy section (row order, remainders, footnotes, subtotals) as JSON; "" when it has none.
    economy: str = Field(default="", sa_type=Text)
    imported_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class StrategicGoal(Table, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="planversion.id", index=True)
    code: str = _code()
    position: int
    name: str
    description: str = ""


class Goal(Table, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="planversion.id", index=True)
    strategic_goal_id: int = Field(foreign_key="strategicgoal.id")
    code: str = _code()
    position: int
    name: str
    area_id: int | None = Field(default=None, foreign_key="area.id")
    description: str = ""


class Indicator(Table, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="planversion.id", index=True)
    goal_id: int = Field(foreign_key="goal.id")
    code: str = _code()
    position: int
    name: str
    unit: str = Field(default=Unit.PERCENT, sa_type=String(20))
    direction: str = Field(default=Direction.HIGHER, sa_type=String(10))
    source: str = Field(default=Source.TYPED, sa_type=String(40))
    networks: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    question_code: str | None = None
    timing: str = Field(default=Timing.CONTINUOUS, sa_type=String(20))
    measured_month: int | None = None
    responsible_id: int | None = Field(default=None, foreign_key="staff.id")
    # Rule settings; None means the ruleset's documented default.
    partly_met_from: float | None = None
    prorate: bool = False


class IndicatorTarget(Table, table=True):
    """The target value of an indicator for one year; a year without one has no target."""

    __table_args__ = (UniqueConstraint("indicator_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    year: int
    value: float


class Activity(Table, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="planversion.id", index=True)
    goal_id: int = Field(foreign_key="goal.id")
    code: str = _code()
    position: int
    name: str
    responsible_id: int | None = Field(default=None, foreign_key="staff.id")
