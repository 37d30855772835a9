"""What staff log as work happens. Every row belongs to the journal `Entry` that created it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field

from kubot.models.types import Table, entry_ref


class ActivityState(StrEnum):
    ON_TRACK = "pågår enligt plan"
    NOT_STARTED = "ej påbörjad"
    PROBLEMS = "pågår med problem"
    SERIOUS_PROBLEMS = "pågår med allvarligt problem"
    CANCELLED = "avbruten"
    DONE = "klar"


class ApplicationStatus(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REJECTED = "rejected"


class ThreeK(StrEnum):
    """The "3 K" effects the organisation illustrates with examples."""

    COST = "kostnadseffektivitet"
    COMPETENCE = "kompetenshöjning"
    QUALITY = "kvalitetshöjning"


class EmploymentForm(StrEnum):
    PERMANENT = "tillsvidare"
    FIXED_TERM = "visstid"
    SECONDED = "tjänsteköp"


class Attendance(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    network_id: int = Field(foreign_key="network.id", index=True)
    held_on: date = Field(index=True)
    invited_count: int
    present_count: int
    names_known: bool = False
    women: int | None = None
    men: int | None = None
    # How the meeting was held, when the message said it: "via Teams", "digitalt", "på plats".
    channel: str | None = Field(default=None, sa_type=String(40))


class AttendancePresence(Table, table=True):
    """Who was present, when the message named the municipalities."""

    attendance_id: int = Field(foreign_key="attendance.id", primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", primary_key=True)
    present: bool


class Course(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    name: str
    held_on: date = Field(index=True)
    participants: int
    digital: bool = False
    price: float | None = None
    external_price: float | None = None


class CourseParticipants(Table, table=True):
    course_id: int = Field(foreign_key="course.id", primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", primary_key=True)
    count: int


class FundingApplication(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    project: str
    funder: str
    sought: float
    status: str = Field(default=ApplicationStatus.PENDING, sa_type=String(10))
    granted: float | None = None
    decided_on: date = Field(index=True)
    # When the application was sent; it counts in that year. Older rows have only the decision date.
    sent_on: date | None = None
    area_id: int | None = Field(default=None, foreign_key="area.id")


class SurveyResponse(Table, table=True):
    """Answers to one survey question in one network: counts per step 1–6 and "vet ej"."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    year: int = Field(index=True)
    question_id: int = Field(foreign_key="surveyquestion.id")
    network_id: int = Field(foreign_key="network.id")
    n1: int = 0
    n2: int = 0
    n3: int = 0
    n4: int = 0
    n5: int = 0
    n6: int = 0
    dont_know: int = 0


class IndicatorResult(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    indicator_code: str = Field(sa_type=String(40), index=True)
    year: int = Field(index=True)
    tertial: int
    value: float
    analysis: str = ""
    # Set only when an administrator states a total for a derived indicator: why the stated figure, not the derived, is
    # printed.
    reason: str = ""


class Analysis(Table, table=True):
    """The analysis text printed beside an indicator's result, typed-in or derived."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    indicator_code: str = Field(sa_type=String(40), index=True)
    year: int = Field(index=True)
    tertial: int
    text: str


class ActivityStatus(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    activity_code: str = Field(sa_type=String(40), index=True)
    reported_on: date = Field(index=True)
    state: str = Field(sa_type=String(40))
    comment: str = ""


class Event(Table, table=True):
    """An important event or example of an activity, for "Viktiga händelser" and the 3 K."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    area_id: int | None = Field(default=None, foreign_key="area.id")
    occurred_on: date = Field(index=True)
    three_k: str | None = Field(default=None, sa_type=String(30))
    text: str


class ExampleMark(Table, table=True):
    """Marks an activity status or an event as an example for the report's "Exempel på aktiviteter", or unmarks it.

    The latest mark in force for an entry decides. A mark written with the status or event itself
    belongs to that entry, so undoing the entry undoes the mark; `exempel N` is an entry of its own.
    An event names the strategic goal it is an example of; a status belongs to its activity's.
    """

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    marked_entry_id: int = Field(foreign_key="entry.id", index=True)
    strategic_goal: str | None = Field(default=None, sa_type=String(40))
    shown: bool = True


class EconomyLine(Table, table=True):
    """One amount in tkr for an area and period: budget, outcome, remaining funds, state share …

    `as_of` is the day the figures describe (the accounts' date); older rows have only the period.
    """

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    area_id: int = Field(foreign_key="area.id")
    year: int = Field(index=True)
    tertial: int
    item: str = Field(sa_type=String(40))
    amount_tkr: float
    as_of: date | None = None


class StaffFte(Table, table=True):
    """Full-time equivalents (årsarbetare) by employment form at the end of a period."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    year: int = Field(index=True)
    tertial: int
    employment_form: str = Field(sa_type=String(20))
    fte: float


class StaffFinancing(Table, table=True):
    """Full-time equivalents (årsarbetare) of a year by who pays for them: the municipalities or external money."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    year: int = Field(index=True)
    financer: str = Field(sa_type=String(20))
    fte: float


class TargetChange(Table, table=True):
    """A target set in chat for one year; the latest active one overrides the plan file's."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    indicator_code: str = Field(sa_type=String(40), index=True)
    year: int
    value: float


class NarrativeText(Table, table=True):
    """A named section of prose for a report period (inledning, framtiden, a chapter's analys …).

    The latest active entry per section and period is the one the report prints.
    """

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    section: str = Field(sa_type=String(60), index=True)
    year: int = Field(index=True)
    tertial: int
    text: str
