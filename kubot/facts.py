"""Reading logged records back as the plain facts that `derived` computes with.

Only records whose journal entry is active (not undone, not replaced by a correction)
count. This module is the one bridge between stored rows and the pure calculations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy import select as select_rows
from sqlmodel import Session, col, select

from kubot import derived
from kubot.journal import is_active
from kubot.models import (
    Analysis,
    Attendance,
    AttendancePresence,
    Course,
    CourseParticipants,
    Entry,
    FundingApplication,
    Indicator,
    IndicatorResult,
    IndicatorTarget,
    Municipality,
    Network,
    SurveyQuestion,
    SurveyResponse,
    TargetChange,
)
from kubot.models.plan import Source
from kubot.models.types import stored_id
from kubot.periods import Period
from kubot.plan.queries import invited


@dataclass(frozen=True)
class TypedResult:
    value: float
    analysis: str
    entry_id: int


@dataclass
class Facts:
    """Everything logged in a range of years, ready for the derived calculations."""

    attendance: list[derived.AttendanceFact] = field(default_factory=list)
    courses: list[derived.CourseFact] = field(default_factory=list)
    applications: list[derived.ApplicationFact] = field(default_factory=list)
    surveys: list[derived.SurveyFact] = field(default_factory=list)
    results: dict[tuple[str, int, int], TypedResult] = field(default_factory=dict)
    analyses: dict[tuple[str, int, int], str] = field(default_factory=dict)


def load(session: Session, first_year: int, last_year: int, *, as_of: date | None = None,
         recorded_by: datetime | None = None) -> Facts:
    """All active records dated in `first_year`..`last_year` (inclusive).

    With `as_of`, records dated later do not count and an application's decision counts only
    if it was made by then (before, it is pending); with `recorded_by`, entries recorded later
    do not count either – so a report made as of a cut-off can be made again with the same numbers.
    """
    facts = Facts()
    start, end = Period(first_year, 1).start, Period(last_year, 3).end
    if as_of is not None:
        end = min(end, as_of)

    municipality_code = {m.id: m.code for m in session.exec(select(Municipality))}
    networks = {n.id: n for n in session.exec(select(Network))}
    invited_codes: dict[int, frozenset[str]] = {}

    # Columns rather than model objects: building an ORM object per row costs more than the query (a
    # database after ten years holds thousands of meetings and courses for the two years a report reads).
    meetings = session.execute(
        select_rows(col(Attendance.id), col(Attendance.network_id), col(Attendance.held_on), col(Attendance.names_known),
                    col(Attendance.invited_count), col(Attendance.present_count), col(Attendance.women), col(Attendance.men))
        .join(Entry, is_active(Attendance.entry_id, recorded_by))
        .where(col(Attendance.held_on).between(start, end)).order_by(col(Attendance.held_on))
    ).all()
    presence: dict[int, set[str]] = defaultdict(set)
    invited_then: dict[int, set[str]] = defaultdict(set)
    ids = [m[0] for m in meetings]
    for attendance_id, municipality_id, present in session.exec(
        select(AttendancePresence.attendance_id, AttendancePresence.municipality_id, AttendancePresence.present)
        .where(col(AttendancePresence.attendance_id).in_(ids))
    ):
        invited_then[attendance_id].add(municipality_code[municipality_id])
        if present:
            presence[attendance_id].add(municipality_code[municipality_id])
    for meeting_id, network_id, held_on, names_known, invited_count, present_count, women, men in meetings:
        assert meeting_id is not None
        if not names_known and network_id not in invited_codes:
            invited_codes[network_id] = frozenset(x.code for x in invited(session, networks[network_id]))
        facts.attendance.append(derived.AttendanceFact(
            network=networks[network_id].code, day=held_on,
            # Who was invited is taken from the meeting itself when names were logged: the network may change later.
            invited=frozenset(invited_then[meeting_id]) if names_known else invited_codes[network_id],
            present=frozenset(presence[meeting_id]) if names_known else None,
            invited_count=invited_count, present_count=present_count, women=women, men=men,
        ))

    courses = session.execute(
        select_rows(col(Course.id), col(Course.name), col(Course.held_on), col(Course.participants), col(Course.digital),
                    col(Course.price), col(Course.external_price))
        .join(Entry, is_active(Course.entry_id, recorded_by)).where(col(Course.held_on).between(start, end))
    ).all()
    by_course: dict[int, dict[str, int]] = defaultdict(dict)
    for course_id, municipality_id, count in session.exec(
        select(CourseParticipants.course_id, CourseParticipants.municipality_id, CourseParticipants.count)
        .where(col(CourseParticipants.course_id).in_([c[0] for c in courses]))
    ):
        by_course[course_id][municipality_code[municipality_id]] = count
    facts.courses = [
        derived.CourseFact(name=name, day=held_on, participants=participants, by_municipality=by_course[course_id or 0],
                           digital=digital, price=price, external_price=external_price)
        for course_id, name, held_on, participants, digital, price, external_price in courses
    ]

    # An application counts in the year it was sent; its decision only once it was made (by `as_of`).
    # The same application logged again (same project, funder and sending day) is the later entry's.
    applications: dict[tuple[str, str, date], derived.ApplicationFact] = {}
    for application in session.exec(
        select(FundingApplication).join(Entry, is_active(FundingApplication.entry_id, recorded_by))
        .where(func.coalesce(FundingApplication.sent_on, FundingApplication.decided_on).between(start, end))
        .order_by(col(FundingApplication.entry_id))
    ):
        sent = application.sent_on or application.decided_on
        known = as_of is None or application.decided_on <= as_of
        applications[(application.project.casefold(), application.funder.casefold(), sent)] = derived.ApplicationFact(
            project=application.project, funder=application.funder, sought=application.sought, granted=application.granted if known else None,
            status=application.status if known else "pending", day=sent, decided=application.decided_on if known and application.status != "pending" else None)
    facts.applications = list(applications.values())

    questions = {q.id: q.code for q in session.exec(select(SurveyQuestion))}
    facts.surveys = [
        derived.SurveyFact(question=questions[s.question_id], network=networks[s.network_id].code, year=s.year,
                           counts=(s.n1, s.n2, s.n3, s.n4, s.n5, s.n6), dont_know=s.dont_know)
        for s in session.exec(
            select(SurveyResponse).join(Entry, is_active(SurveyResponse.entry_id, recorded_by))
            .where(col(SurveyResponse.year).between(first_year, last_year))
        )
    ]

    # Later entries win: a result reported twice for the same period means the second is the current one.
    for r in session.exec(
        select(IndicatorResult).join(Entry, is_active(IndicatorResult.entry_id, recorded_by))
        .where(col(IndicatorResult.year).between(first_year, last_year)).order_by(col(IndicatorResult.entry_id))
    ):
        facts.results[(r.indicator_code, r.year, r.tertial)] = TypedResult(r.value, r.analysis, r.entry_id)
        if r.analysis:
            facts.analyses[(r.indicator_code, r.year, r.tertial)] = r.analysis
    for a in session.exec(
        select(Analysis).join(Entry, is_active(Analysis.entry_id, recorded_by))
        .where(col(Analysis.year).between(first_year, last_year)).order_by(col(Analysis.entry_id))
    ):
        facts.analyses[(a.indicator_code, a.year, a.tertial)] = a.text
    return facts


@dataclass(frozen=True)
class IndicatorValue:
    """An indicator's value for a period: `value` in the indicator's unit, None when there is none yet.

    `ratio` keeps both parts of a share so replies and reports can say "8 av 14".
    """

    value: float | None
    ratio: derived.Ratio | None = None
    below: tuple[tuple[str, derived.Ratio], ...] = ()


def _share(ratio: derived.Ratio) -> IndicatorValue:
    return IndicatorValue(ratio.percent, ratio)


def indicator_value(indicator: Indicator, facts: Facts, period: Period, target: float | None = None) -> IndicatorValue:
    """The value of `indicator` for `period`, typed in or derived from the records.

    For "every municipality at least X %" the value is the lowest municipality's share and
    `below` names those under `target`.
    """
    networks = frozenset(indicator.networks) or None
    match Source(indicator.source):
        case Source.TYPED:
            typed = facts.results.get((indicator.code, period.year, period.tertial))
            return IndicatorValue(typed.value if typed else None)
        case Source.ATTENDANCE:
            return _share(derived.attendance(facts.attendance, period, networks))
        case Source.ATTENDANCE_EACH_MUNICIPALITY:
            shares = derived.attendance_by_municipality(facts.attendance, period, networks)
            if not shares:
                return IndicatorValue(None)
            lowest = min(shares.values(), key=lambda r: r.value or 0.0)
            below = tuple(derived.municipalities_below(facts.attendance, period, target, networks)) if target is not None else ()
            return IndicatorValue(lowest.percent, lowest, below)
        # A count over no records at all is no result ("inget resultat"), not a result of 0.
        case Source.COURSES_COUNT:
            count = derived.course_count(facts.courses, period)
            return IndicatorValue(float(count) if count else None)
        case Source.COURSE_PARTICIPANTS:
            held = derived.course_count(facts.courses, period)
            return IndicatorValue(float(derived.participant_count(facts.courses, period)) if held else None)
        case Source.COURSES_DIGITAL_SHARE:
            return _share(derived.digital_share(facts.courses, period))
        case Source.COURSE_COST_REDUCTION_KR:
            reduction = derived.cost_reduction(facts.courses, period)
            return IndicatorValue(reduction.numerator if reduction.denominator else None, reduction)
        case Source.COURSE_COST_REDUCTION_PERCENT:
            return _share(derived.cost_reduction(facts.courses, period))
        case Source.APPLICATIONS_COUNT:
            return _share(derived.applications(facts.applications, period).granted_of_decided)
        case Source.APPLICATIONS_AMOUNT:
            return _share(derived.applications(facts.applications, period).amount_granted_of_sought)
        case Source.SURVEY:
            assert indicator.question_code is not None
            return _share(derived.very_satisfied(facts.surveys, period, indicator.question_code, networks))


def targets_for(session: Session, indicators: Sequence[Indicator], year: int) -> dict[str, float | None]:
    """The target in force for `year` of each indicator: set in chat for that year, else the plan's latest.

    A plan's target holds for every following year until a new one is set, the way the
    organisation keeps "80 %" year after year without restating it.
    """
    codes = [i.code for i in indicators]
    # Ordered so that the latest chat entry and the plan's latest year win.
    changed = dict(session.exec(
        select(TargetChange.indicator_code, TargetChange.value).join(Entry, is_active(TargetChange.entry_id))
        .where(col(TargetChange.indicator_code).in_(codes), TargetChange.year == year)
        .order_by(col(TargetChange.entry_id))
    ).all())
    planned = dict(session.exec(
        select(IndicatorTarget.indicator_id, IndicatorTarget.value)
        .where(col(IndicatorTarget.indicator_id).in_([i.id for i in indicators]), IndicatorTarget.year <= year)
        .order_by(col(IndicatorTarget.year))
    ).all())
    return {i.code: changed[i.code] if i.code in changed else planned.get(stored_id(i)) for i in indicators}


def target_for(session: Session, indicator: Indicator, year: int) -> float | None:
    """The target in force for `year` of one indicator (see `targets_for`)."""
    return targets_for(session, [indicator], year)[indicator.code]
