"""Reading what a report needs from the database, as plain values for `content`.

The plan comes back as the plan file's own model (`planfile.to_spec`), the records as the
facts `derived` computes with (`facts.load`), plus the events, economy lines and staff
figures that only the report uses. Only active journal entries count, and where the same
thing was logged twice the later entry wins, as in `facts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from kubot import facts
from kubot.journal import is_active
from kubot.models import Area, EconomyLine, Entry, Event, StaffFte
from kubot.periods import Period
from kubot.planfile import PlanFile, to_spec, version_for_year

STAFF_YEARS = 3


@dataclass(frozen=True)
class EventItem:
    day: date
    area: str | None
    three_k: str | None
    text: str


@dataclass(frozen=True)
class EconomyItem:
    area: str
    item: str
    amount_tkr: float


@dataclass(frozen=True)
class FteItem:
    year: int
    form: str
    fte: float


@dataclass(frozen=True)
class ReportData:
    """Everything logged that a report of `period` shows; `facts` spans the previous year too, for trends."""

    period: Period
    plan: PlanFile
    facts: facts.Facts
    events: tuple[EventItem, ...]
    economy: tuple[EconomyItem, ...]
    staff_fte: tuple[FteItem, ...]


class NoPlan(LookupError):
    """No plan is in force for the report's year."""


def load(session: Session, period: Period) -> ReportData:
    version = version_for_year(session, period.year)
    if version is None:
        raise NoPlan(period.year)
    area_code = {a.id: a.code for a in session.exec(select(Area))}
    events = tuple(
        EventItem(e.occurred_on, area_code.get(e.area_id) if e.area_id else None, e.three_k, e.text)
        for e in session.exec(
            select(Event).join(Entry, is_active(Event.entry_id))
            .where(col(Event.occurred_on).between(period.start, period.end))
            .order_by(col(Event.occurred_on), col(Event.id))
        )
    )
    economy: dict[tuple[str, str], float] = {}
    for line in session.exec(
        select(EconomyLine).join(Entry, is_active(EconomyLine.entry_id))
        .where(EconomyLine.year == period.year, EconomyLine.tertial == period.tertial)
        .order_by(col(EconomyLine.entry_id))
    ):
        economy[(area_code[line.area_id], line.item)] = line.amount_tkr
    staff: dict[tuple[int, str], float] = {}
    for row in session.exec(
        select(StaffFte).join(Entry, is_active(StaffFte.entry_id))
        .where(col(StaffFte.year).between(period.year - STAFF_YEARS + 1, period.year), StaffFte.tertial == period.tertial)
        .order_by(col(StaffFte.entry_id))
    ):
        staff[(row.year, row.employment_form)] = row.fte
    return ReportData(
        period=period,
        plan=to_spec(session, version),
        facts=facts.load(session, period.year - 1, period.year),
        events=events,
        economy=tuple(EconomyItem(area, item, amount) for (area, item), amount in economy.items()),
        staff_fte=tuple(FteItem(year, form, fte) for (year, form), fte in sorted(staff.items())),
    )
