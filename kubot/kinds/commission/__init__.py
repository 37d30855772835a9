"""Uppdrag: commissions an area carried out for the municipalities – how many, with how many participants, on a day.

Verksamhetsberättelse 2018 tables them per area after the course participants (Bilaga 3), and counts
their participants with the courses' ("totalt genomströmmat 6301 deltagare": 1 152 + 5 149).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as select_rows
from sqlmodel import Session, col, select

from kubot import derived
from kubot.journal import is_active
from kubot.kinds.base import Ask, Facts, IndicatorSource, IndicatorValue, Kind, Window, count
from kubot.kinds.commission.table import Commission
from kubot.kinds.course import courses
from kubot.models import Area, Entry, Indicator
from kubot.periods import Period

NAME = "uppdrag"
COUNT = "uppdrag_antal"
PARTICIPANTS = "uppdrag_deltagare"
WITH_COURSES = "deltagare_kurser_och_uppdrag"


@dataclass(frozen=True)
class CommissionFact:
    area: str  # the area's code
    day: date
    commissions: int
    participants: int


def commissions(facts: Facts, period: Period | None = None) -> list[CommissionFact]:
    """The commissions loaded, those in `period` when given."""
    found: list[CommissionFact] = facts.of(NAME, [])
    return found if period is None else [c for c in found if period.contains(c.day)]


def load(window: Window) -> list[CommissionFact]:
    areas = {a.id: a.code for a in window.session.exec(select(Area))}
    rows = window.session.execute(
        select_rows(
            col(Commission.area_id), col(Commission.held_on), col(Commission.commissions), col(Commission.participants)
        )
        .join(Entry, is_active(Commission.entry_id, window.recorded_by))
        .where(col(Commission.held_on).between(window.start, window.end))
        .order_by(col(Commission.held_on))
    ).all()
    return [CommissionFact(areas[area_id], day, number, participants) for area_id, day, number, participants in rows]


def _count(indicator: Indicator, facts: Facts, period: Period, target: float | None) -> IndicatorValue:
    return count(sum(c.commissions for c in commissions(facts, period)))


def _participants(indicator: Indicator, facts: Facts, period: Period, target: float | None) -> IndicatorValue:
    return count(sum(c.participants for c in commissions(facts, period)))


def _with_courses(indicator: Indicator, facts: Facts, period: Period, target: float | None) -> IndicatorValue:
    """Everyone the organisation reached: on courses and in commissions ("totalt genomströmmat 6301 deltagare")."""
    on_courses = (
        derived.participant_count(courses(facts), period) if derived.course_count(courses(facts), period) else 0
    )
    return count(on_courses + sum(c.participants for c in commissions(facts, period)))


def _has_data(indicator: Indicator, facts: Facts, period: Period) -> bool:
    """A year in which no commission was logged is not a year with 0 commissions."""
    return bool(commissions(facts, period))


def _has_either(indicator: Indicator, facts: Facts, period: Period) -> bool:
    return _has_data(indicator, facts, period) or any(period.contains(c.day) for c in courses(facts))


def how(session: Session, ask: Ask) -> str:
    area = session.exec(select(Area.name).where(Area.code == ask.area)).first() if ask.area else None
    return f"uppdrag {area or '<område>'} <datum> <antal> uppdrag <antal> deltagare"


def _how_with_courses(session: Session, ask: Ask) -> str:
    return f"{how(session, ask)} eller kurs <namn> <datum> <antal> deltagare"


def prefill(ask: Ask) -> dict[str, str]:
    return {"area": ask.area} if ask.area else {}


KIND = Kind(
    name=NAME,
    package=__name__,
    tables=(Commission,),
    load=load,
    sources=(
        IndicatorSource(COUNT, "antalet registrerade uppdrag", _count, _has_data, how, NAME, prefill),
        IndicatorSource(PARTICIPANTS, "uppdragens deltagare", _participants, _has_data, how, NAME, prefill),
        IndicatorSource(
            WITH_COURSES,
            "deltagarna på kurser och uppdrag",
            _with_courses,
            _has_either,
            _how_with_courses,
            NAME,
            prefill,
        ),
    ),
)
