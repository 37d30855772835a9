"""Reading what a report needs from the database, as plain values for `content`.

The plan comes back as the plan file's own model (`kubot.plan.export.to_spec`), the records as the
facts `derived` computes with (`facts.load`), plus the events, economy lines and staff
figures that only the report uses. Only active journal entries count, and where the same
thing was logged twice the later entry wins, as in `facts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from kubot import economy, facts, records
from kubot.journal import is_active
from kubot.kinds import result
from kubot.models import (
    ActivityStatus,
    Area,
    EconomyLine,
    Entry,
    Event,
    ExampleMark,
    NarrativeText,
    StaffFinancing,
    StaffFte,
)
from kubot.periods import Period
from kubot.plan.export import to_spec
from kubot.plan.queries import version_for_year
from kubot.plan.schema import PlanFile

STAFF_YEARS = 3


@dataclass(frozen=True)
class EventItem:
    day: date
    area: str | None
    three_k: str | None
    text: str


@dataclass(frozen=True)
class ExampleItem:
    """A status or event marked as an example: under its activity's strategic goal, or the one the event names."""

    day: date
    text: str
    activity: str | None = None
    state: str | None = None
    strategic_goal: str | None = None
    area: str | None = None


@dataclass(frozen=True)
class FteItem:
    """Årsarbetare of a year under one heading: an employment form, or a financer (kommunerna, externt)."""

    year: int
    form: str
    fte: float


@dataclass(frozen=True)
class StatedItem:
    """A total an administrator stated for a derived indicator, beside what the records give, so a difference shows."""

    code: str
    unit: str
    stated: float
    derived: float | None
    reason: str


@dataclass(frozen=True)
class ReportData:
    """Everything logged that a report of `period` shows; `facts` spans the previous year too, for trends."""

    period: Period
    plan: PlanFile
    facts: facts.Facts
    events: tuple[EventItem, ...]
    economy: tuple[economy.AreaEconomy, ...]
    staff_fte: tuple[FteItem, ...]
    staff_financing: tuple[FteItem, ...] = ()
    texts: dict[str, str] = field(default_factory=dict)
    cutoff: date | None = None
    examples: tuple[ExampleItem, ...] = ()
    stated: tuple[StatedItem, ...] = ()

    @property
    def as_of(self) -> date:
        """The report's cut-off: records dated later do not count."""
        return self.cutoff or self.period.end


class NoPlan(LookupError):
    """No plan is in force for the report's year."""


def load(
    session: Session, period: Period, cutoff: date | None = None, *, recorded_by: datetime | None = None,
    known: facts.Facts | None = None,
) -> ReportData:
    """What a report of `period` shows, as known on `cutoff` (default: the period's end); with `recorded_by`,
    entries recorded later are left out. `known`: the facts the evaluation read, loaded with the
    same cut-off."""
    version = version_for_year(session, period.year)
    if version is None:
        raise NoPlan(period.year)
    as_of = cutoff or period.end
    last_day = min(as_of, period.end)
    area_code = {a.id: a.code for a in session.exec(select(Area))}
    marks = _example_marks(session, recorded_by)
    events, examples = [], []
    for e in session.exec(
        select(Event).join(Entry, is_active(Event.entry_id, recorded_by))
        .where(col(Event.occurred_on).between(period.start, last_day))
        .order_by(col(Event.occurred_on), col(Event.id))
    ):
        area = area_code.get(e.area_id) if e.area_id else None
        if (mark := marks.get(e.entry_id)) is not None:
            examples.append(ExampleItem(e.occurred_on, e.text, strategic_goal=mark.strategic_goal, area=area))
        else:
            events.append(EventItem(e.occurred_on, area, e.three_k, e.text))
    examples.extend(
        ExampleItem(s.reported_on, s.comment, activity=s.activity_code, state=s.state)
        for s in session.exec(
            select(ActivityStatus)
            .join(Entry, is_active(ActivityStatus.entry_id, recorded_by))
            .where(
                col(ActivityStatus.entry_id).in_(list(marks)),
                col(ActivityStatus.reported_on).between(period.start, last_day),
            )
        )
    )
    loaded = known if known is not None else facts.for_period(session, period, as_of=as_of, recorded_by=recorded_by)
    return ReportData(
        period=period,
        plan=to_spec(session, version),
        facts=loaded,
        stated=_stated(session, loaded, period),
        events=tuple(events),
        examples=tuple(sorted(examples, key=lambda item: item.day)),
        economy=_economy(session, period, as_of, area_code, recorded_by),
        staff_fte=_staff(session, StaffFte, period, recorded_by),
        staff_financing=_staff(session, StaffFinancing, period, recorded_by),
        texts=_texts(session, period, recorded_by),
        cutoff=as_of,
    )


def _stated(session: Session, loaded: facts.Facts, period: Period) -> tuple[StatedItem, ...]:
    found = []
    for (code, year, tertial), given in result.typed(loaded).results.items():
        if (year, tertial) != (period.year, period.tertial) or not given.reason:
            continue
        indicator = records.indicator_in_force(session, code, year)
        found.append(
            StatedItem(
                code, indicator.unit, given.value, facts.derived_value(indicator, loaded, period).value, given.reason
            )
        )
    return tuple(found)


def _example_marks(session: Session, recorded_by: datetime | None) -> dict[int, ExampleMark]:
    """The entries that are examples: the latest mark in force for each, when it marks rather than unmarks."""
    latest: dict[int, ExampleMark] = {}
    for mark in session.exec(
        select(ExampleMark).join(Entry, is_active(ExampleMark.entry_id, recorded_by)).order_by(col(ExampleMark.id))
    ):
        latest[mark.marked_entry_id] = mark
    return {entry_id: mark for entry_id, mark in latest.items() if mark.shown}


def _economy(session: Session, period: Period, as_of: date, area_code: dict[int | None, str],
             recorded_by: datetime | None) -> tuple[economy.AreaEconomy, ...]:
    """Per area, the figures of its latest accounts date in the year up to `as_of`; later entries win per item."""
    latest: dict[str, date] = {}
    figures: dict[tuple[str, date], dict[str, float]] = {}
    for line in session.exec(
        select(EconomyLine).join(Entry, is_active(EconomyLine.entry_id, recorded_by))
        .where(EconomyLine.year == period.year).order_by(col(EconomyLine.entry_id))
    ):
        day = line.as_of or Period(line.year, line.tertial).end
        if day > as_of or line.item not in economy.ITEMS:
            continue
        area = area_code[line.area_id]
        latest[area] = max(latest.get(area, day), day)
        figures.setdefault((area, day), {})[line.item] = line.amount_tkr
    return tuple(economy.AreaEconomy(area, day, figures[(area, day)]) for area, day in latest.items())


def _staff(session: Session, model: type[StaffFte] | type[StaffFinancing], period: Period,
           recorded_by: datetime | None) -> tuple[FteItem, ...]:
    """Årsarbetare per year and employment form (or financer) of the last STAFF_YEARS years; the latest entry wins."""
    heading = StaffFte.employment_form if model is StaffFte else StaffFinancing.financer
    staff: dict[tuple[int, str], float] = {}
    for year, form, fte in session.exec(
        select(model.year, heading, model.fte).join(Entry, is_active(model.entry_id, recorded_by))
        .where(col(model.year).between(period.year - STAFF_YEARS + 1, period.year))
        .order_by(col(model.entry_id))
    ):
        staff[(year, form)] = fte
    return tuple(FteItem(year, form, fte) for (year, form), fte in sorted(staff.items()))


def _texts(session: Session, period: Period, recorded_by: datetime | None) -> dict[str, str]:
    """The latest text of each named section for the period."""
    texts: dict[str, str] = {}
    for row in session.exec(
        select(NarrativeText).join(Entry, is_active(NarrativeText.entry_id, recorded_by))
        .where(NarrativeText.year == period.year, NarrativeText.tertial == period.tertial)
        .order_by(col(NarrativeText.entry_id))
    ):
        texts[row.section] = row.text
    return texts
