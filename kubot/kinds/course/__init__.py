"""Kurs: a course from Kurs och konferens, its participants (per municipality) and its price against an external one."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select as select_rows
from sqlmodel import Session, col, select

from kubot import derived
from kubot.journal import is_active
from kubot.kinds.base import Ask, Facts, IndicatorSource, IndicatorValue, Kind, Window, count, share
from kubot.models import Course, CourseParticipants, Entry, Indicator
from kubot.models.plan import Source
from kubot.periods import Period

NAME = "kurs"


def courses(facts: Facts) -> list[derived.CourseFact]:
    return facts.of(NAME, [])


def load(window: Window) -> list[derived.CourseFact]:
    session, municipality_code = window.session, window.municipality_code
    rows = session.execute(
        select_rows(
            col(Course.id),
            col(Course.name),
            col(Course.held_on),
            col(Course.participants),
            col(Course.digital),
            col(Course.price),
            col(Course.external_price),
        )
        .join(Entry, is_active(Course.entry_id, window.recorded_by))
        .where(col(Course.held_on).between(window.start, window.end))
    ).all()
    by_course: dict[int, dict[str, int]] = defaultdict(dict)
    for course_id, municipality_id, number in session.exec(
        select(CourseParticipants.course_id, CourseParticipants.municipality_id, CourseParticipants.count)
        .where(col(CourseParticipants.course_id).in_([c[0] for c in rows]))
    ):
        by_course[course_id][municipality_code[municipality_id]] = number
    return [
        derived.CourseFact(name=name, day=held_on, participants=participants, by_municipality=by_course[course_id or 0],
                           digital=digital, price=price, external_price=external_price)
        for course_id, name, held_on, participants, digital, price, external_price in rows
    ]


def _count(indicator: Indicator, facts: Facts, period: Period, target: float | None) -> IndicatorValue:
    return count(derived.course_count(courses(facts), period))


def _participants(indicator: Indicator, facts: Facts, period: Period, target: float | None) -> IndicatorValue:
    held = derived.course_count(courses(facts), period)
    return IndicatorValue(float(derived.participant_count(courses(facts), period)) if held else None)


def _digital(indicator: Indicator, facts: Facts, period: Period, target: float | None) -> IndicatorValue:
    return share(derived.digital_share(courses(facts), period))


def _reduction_kr(indicator: Indicator, facts: Facts, period: Period, target: float | None) -> IndicatorValue:
    reduction = derived.cost_reduction(courses(facts), period)
    return IndicatorValue(reduction.numerator if reduction.denominator else None, reduction)


def _reduction_percent(indicator: Indicator, facts: Facts, period: Period, target: float | None) -> IndicatorValue:
    return share(derived.cost_reduction(courses(facts), period))


def _has_data(indicator: Indicator, facts: Facts, period: Period) -> bool:
    """A year in which no course was logged is not a year with 0 courses."""
    return any(period.contains(course.day) for course in courses(facts))


def how(session: Session, ask: Ask) -> str:
    return "kurs <namn> <datum> <antal> deltagare pris <pris> extern <externt pris>"


def _source(key: str, label: str, value: object) -> IndicatorSource:
    return IndicatorSource(key, label, value, _has_data, how, "kurs")  # type: ignore[arg-type]


KIND = Kind(
    name=NAME, package=__name__, tables=(Course, CourseParticipants), load=load,
    sources=(
        _source(Source.COURSES_COUNT, "antalet registrerade kurser", _count),
        _source(Source.COURSE_PARTICIPANTS, "kursernas deltagare", _participants),
        _source(Source.COURSES_DIGITAL_SHARE, "andelen digitala kurser", _digital),
        _source(Source.COURSE_COST_REDUCTION_KR, "kursernas pris jämfört med externt pris", _reduction_kr),
        _source(Source.COURSE_COST_REDUCTION_PERCENT, "kursernas pris jämfört med externt pris", _reduction_percent),
    ),
)
