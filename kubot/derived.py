"""Indicator values derived from what staff log: attendance, courses, funding applications, surveys.

Everything here is a pure function of plain facts and a `Period`, so the same numbers come out
in chat answers, reminders and the generated reports, and can be checked by hand against the
published reports. The storage layer maps its rows to the frozen fact classes below.

Shares are returned as `Ratio` rather than a bare float, because the reports always print
both parts ("8 av 14 (57 %)") and because an empty period must read as "no result", never as 0 %.
Nothing is rounded here; formatting belongs to the presentation layer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from kubot.periods import Period

APPLICATION_STATUSES = frozenset({"pending", "granted", "rejected"})
SURVEY_STEPS = 6
VERY_SATISFIED_STEPS = (5, 6)


@dataclass(frozen=True)
class Ratio:
    """A share kept as its two parts, so "x av y" can be shown and pooled correctly."""

    numerator: float
    denominator: float

    @property
    def value(self) -> float | None:
        """None, not 0, when nothing was measured: an empty period has no result, not a bad one."""
        if self.denominator == 0:
            return None
        return self.numerator / self.denominator

    @property
    def percent(self) -> float | None:
        """The share in per cent, as targets (målvärden) are written."""
        if self.denominator == 0:
            return None
        return 100 * self.numerator / self.denominator

    def is_below_percent(self, minimum_percent: float) -> bool:
        """Compared without dividing, so 3 of 4 is exactly at 75 % rather than a float hair off."""
        return self.denominator != 0 and self.numerator * 100 < minimum_percent * self.denominator


# --- Facts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceFact:
    """One meeting of a network. `present` is None when only a count ("12 av 13") was logged."""

    network: str
    day: date
    invited: frozenset[str]
    present: frozenset[str] | None
    invited_count: int
    present_count: int
    women: int | None
    men: int | None


@dataclass(frozen=True)
class CourseFact:
    """One course from Kurs och konferens; `by_municipality` may be empty when not broken down."""

    name: str
    day: date
    participants: int
    by_municipality: Mapping[str, int]
    digital: bool
    price: float | None
    external_price: float | None


@dataclass(frozen=True)
class ApplicationFact:
    """A funding application; `day` is when it was sent (it counts in that period), `decided` when it was decided."""

    project: str
    funder: str
    sought: float
    granted: float | None
    status: str
    day: date
    decided: date | None = None

    def __post_init__(self) -> None:
        # A misspelt status or a grant without an amount would silently drop out of every share.
        if self.status not in APPLICATION_STATUSES:
            raise ValueError(f"Okänd status för ansökan: {self.status!r}")
        if self.status == "granted" and self.granted is None:
            raise ValueError(f"Beviljad ansökan {self.project!r} saknar beviljat belopp")


@dataclass(frozen=True)
class SurveyFact:
    """Answers to one question in one network's annual survey: counts for steps 1–6, "vet ej"."""

    question: str
    network: str
    year: int
    counts: tuple[int, int, int, int, int, int]
    dont_know: int


# --- Shared helpers ----------------------------------------------------------------------------


class _Dated(Protocol):
    @property
    def day(self) -> date: ...


_D = TypeVar("_D", bound=_Dated)


def _in_period(facts: Iterable[_D], period: Period) -> list[_D]:
    """Reports are cumulative from 1 January, so this is the one filter every indicator shares."""
    start, end = period.start, period.end  # the bounds once, not a call per fact: it runs over every record
    return [fact for fact in facts if start <= fact.day <= end]


def _meetings(
    facts: Iterable[AttendanceFact], period: Period, networks: AbstractSet[str] | None
) -> list[AttendanceFact]:
    """Networks are a set, not any collection, so a single name cannot be matched by substring."""
    return [fact for fact in _in_period(facts, period) if networks is None or fact.network in networks]


# --- Attendance --------------------------------------------------------------------------------


def attendance(
    facts: Iterable[AttendanceFact], period: Period, networks: AbstractSet[str] | None = None
) -> Ratio:
    """Pooled over meetings, not averaged per meeting, so a big network weighs as much as it sits.

    Uses the counts, which every meeting has, also those logged without names.
    """
    meetings = _meetings(facts, period, networks)
    return Ratio(sum(m.present_count for m in meetings), sum(m.invited_count for m in meetings))


def attendance_by_network(facts: Iterable[AttendanceFact], period: Period) -> dict[str, Ratio]:
    """For the chart "Genomsnittsnärvaro per nätverk"."""
    meetings = _in_period(facts, period)
    return {network: attendance(meetings, period, {network}) for network in {m.network for m in meetings}}


def _presence(meetings: Iterable[AttendanceFact], participants: AbstractSet[str]) -> Ratio:
    """Only meetings with names can say who came; count-only meetings would bias the share."""
    present = invited = 0
    for meeting in meetings:
        if meeting.present is None:
            continue
        expected = meeting.invited & participants
        invited += len(expected)
        present += len(expected & meeting.present)
    return Ratio(present, invited)


def attendance_by_municipality(
    facts: Iterable[AttendanceFact], period: Period, networks: AbstractSet[str] | None = None
) -> dict[str, Ratio]:
    """Share of the meetings each invited participant (region included) attended.

    A participant only ever invited to count-only meetings is absent from the result: there is
    nothing to say about it, which is different from saying it never came.
    """
    meetings = [m for m in _meetings(facts, period, networks) if m.present is not None]
    codes = {code for m in meetings for code in m.invited}
    return {code: _presence(meetings, {code}) for code in codes}


def municipalities_below(
    facts: Iterable[AttendanceFact],
    period: Period,
    minimum_percent: float,
    networks: AbstractSet[str] | None = None,
) -> list[tuple[str, Ratio]]:
    """Answers "every municipality at ≥ X % of meetings" by naming who falls short, worst first.

    An empty list means the target is met for everyone with known attendance. The region is
    listed like any participant it was invited as; callers judging municipalities only drop it.
    """
    shares = attendance_by_municipality(facts, period, networks)
    below = [(code, share) for code, share in shares.items() if share.is_below_percent(minimum_percent)]
    return sorted(below, key=lambda item: (item[1].numerator / item[1].denominator, item[0]))


# --- Courses -----------------------------------------------------------------------------------


def course_count(courses: Iterable[CourseFact], period: Period) -> int:
    """The report states how many courses were given in total (e.g. 159 in 2018)."""
    return len(_in_period(courses, period))


def participant_count(courses: Iterable[CourseFact], period: Period) -> int:
    """Uses each course's own total, so courses logged without a breakdown still count."""
    return sum(course.participants for course in _in_period(courses, period))


def participants_by_municipality(courses: Iterable[CourseFact], period: Period) -> dict[str, Ratio]:
    """Participants per municipality, region and external, as a share of all participants.

    The denominator is every participant in the period, as in the appendix table, so courses
    without a breakdown show up as a gap rather than inflating the others.
    """
    in_period = _in_period(courses, period)
    total = sum(course.participants for course in in_period)
    counts: defaultdict[str, int] = defaultdict(int)
    for course in in_period:
        for code, count in course.by_municipality.items():
            counts[code] += count
    return {code: Ratio(count, total) for code, count in counts.items()}


def digital_share(courses: Iterable[CourseFact], period: Period) -> Ratio:
    """Counted per course, since the question is how the courses are given, not who attended."""
    in_period = _in_period(courses, period)
    return Ratio(sum(1 for course in in_period if course.digital), len(in_period))


def cost_reduction(courses: Iterable[CourseFact], period: Period) -> Ratio:
    """Savings against an external organiser: numerator in kr, denominator the external cost.

    `.numerator` is the reduction in kr and `.value` the reduction as a share of what the same
    participants would have paid externally. Courses lacking either price are left out of both
    parts, as nothing can be claimed for them. A course dearer than the external one counts
    negatively: hiding it would overstate the savings.
    """
    priced = [
        (c.participants, c.price, c.external_price)
        for c in _in_period(courses, period)
        if c.price is not None and c.external_price is not None
    ]
    saved = sum(participants * (external - price) for participants, price, external in priced)
    external_cost = sum(participants * external for participants, _, external in priced)
    return Ratio(saved, external_cost)


# --- Funding applications ----------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationSummary:
    """Counts of the applications in the period and the two shares the indicators judge.

    `submitted` includes pending applications; the two ratios do not.
    """

    submitted: int
    granted: int
    rejected: int
    pending: int
    granted_of_decided: Ratio
    amount_granted_of_sought: Ratio


def applications(facts: Iterable[ApplicationFact], period: Period) -> ApplicationSummary:
    """Pending applications count neither as granted nor as sought in the two shares.

    Counting them as sought would make every undecided application look like a rejection and
    push the result down until the funder answers; they are reported as `pending` instead.
    """
    in_period = _in_period(facts, period)
    decided = [a for a in in_period if a.status != "pending"]
    granted = [a for a in decided if a.status == "granted"]
    return ApplicationSummary(
        submitted=len(in_period),
        granted=len(granted),
        rejected=sum(1 for a in decided if a.status == "rejected"),
        pending=len(in_period) - len(decided),
        granted_of_decided=Ratio(len(granted), len(decided)),
        amount_granted_of_sought=Ratio(sum(a.granted or 0 for a in granted), sum(a.sought for a in decided)),
    )


# --- Annual survey -----------------------------------------------------------------------------


def _answers(
    surveys: Iterable[SurveyFact], period: Period, question: str, networks: AbstractSet[str] | None
) -> list[SurveyFact]:
    """The survey is annual, so a period selects the survey of its year."""
    return [
        s
        for s in surveys
        if s.year == period.year and s.question == question and (networks is None or s.network in networks)
    ]


def _step_counts(answers: Iterable[SurveyFact]) -> list[int]:
    """Summed counts per step, pooling networks the way the report's overall figure does."""
    totals = [0] * SURVEY_STEPS
    for answer in answers:
        for index, count in enumerate(answer.counts):
            totals[index] += count
    return totals


def very_satisfied(
    surveys: Iterable[SurveyFact], period: Period, question: str, networks: AbstractSet[str] | None = None
) -> Ratio:
    """Share answering 5 or 6 ("mycket nöjd") of those who took a position.

    "Vet ej" is left out of the denominator: not knowing is not being dissatisfied, and the
    questions with many "vet ej" would otherwise look worse than their answers are.
    """
    counts = _step_counts(_answers(surveys, period, question, networks))
    return Ratio(sum(counts[step - 1] for step in VERY_SATISFIED_STEPS), sum(counts))


def answer_distribution(
    surveys: Iterable[SurveyFact], period: Period, question: str, networks: AbstractSet[str] | None = None
) -> tuple[Ratio, ...]:
    """Shares for steps 1–6 (index 0 is step 1), "vet ej" excluded as in `very_satisfied`.

    Each `Ratio` keeps the count as numerator, so a chart can show counts or shares.
    """
    counts = _step_counts(_answers(surveys, period, question, networks))
    total = sum(counts)
    return tuple(Ratio(count, total) for count in counts)
