"""What the rules concluded about a period: the contract between evaluation and its readers.

Chat replies, reminders and reports read these types only; how the verdicts were reached
(rules in `rules/`, run by durable-rules) stays behind `kubot.evaluation`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from kubot.models.records import ActivityState
from kubot.periods import Period


class Status(StrEnum):
    """An indicator's standing against its target: the report's symbol."""

    MET = "uppfyllt"
    PARTLY = "delvis uppfyllt"
    NOT_MET = "inte uppfyllt"
    NO_RESULT = "inget resultat"
    NO_TARGET = "inget målvärde"


class Trend(StrEnum):
    """How the value moved against the same period of the previous year."""

    UP = "ökning"
    FLAT = "oförändrat"
    DOWN = "minskning"

    @property
    def arrow(self) -> str:
        return {"ökning": "↗", "oförändrat": "→", "minskning": "↘"}[self.value]


class Due(StrEnum):
    """Whether a result is owed for the period, as of the evaluation's day."""

    REPORTED = "inrapporterat"
    LATER = "mäts senare"
    OPEN = "pågår"
    MISSING = "saknas"
    OVERDUE = "försenat"

    @property
    def outstanding(self) -> bool:
        """Whether it is still to be reported: owed when the running period ends, missing or overdue
        (what `kubot.owed` lists)."""
        return self in (Due.OPEN, Due.MISSING, Due.OVERDUE)


STATUS_SYMBOLS = {
    Status.MET: "●",
    Status.PARTLY: "◆",
    Status.NOT_MET: "■",
    Status.NO_RESULT: "○",
    Status.NO_TARGET: "○",
}


@dataclass(frozen=True)
class IndicatorVerdict:
    """An indicator judged for a period. Numbers are in the indicator's unit; None when missing.

    `source` says how the value is got (typed in, or derived from attendance, courses …, see
    `kubot.models.plan.Source`); `goal` and `area` are the codes of the goal and its area.
    `question` is the survey question a survey indicator counts.
    `target` is the target the result was judged against (pro-rated when the plan says so),
    `annual_target` the plan's target for the year. `ratio` is (numerator, denominator) for
    shares, so a reply can say "8 av 14". `below` has the names of the municipalities under the target
    for "every municipality at least X %" indicators.
    """

    code: str
    name: str
    unit: str
    direction: str
    value: float | None
    target: float | None
    annual_target: float | None
    previous: float | None
    status: Status
    status_rule: str
    trend: Trend | None
    trend_rule: str
    due: Due
    due_rule: str
    explanation: str
    responsible_id: int | None = None
    measured_month: int | None = None
    ratio: tuple[float, float] | None = None
    below: tuple[str, ...] = ()
    analysis: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    source: str = "inmatat"
    networks: tuple[str, ...] = ()
    goal: str = ""
    area: str | None = None
    question: str | None = None


@dataclass(frozen=True)
class ActivityVerdict:
    """An activity's latest logged state in the period and whether a status is owed."""

    code: str
    name: str
    state: str | None
    comment: str
    due: Due
    due_rule: str
    explanation: str
    responsible_id: int | None = None
    reported_on: date | None = None
    goal: str = ""
    area: str | None = None


@dataclass(frozen=True)
class Warning:
    """An early warning, e.g. a network below its attendance target at two meetings in a row."""

    subject: str
    code: str
    rule: str
    text: str
    inputs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    """Every verdict of one evaluation of one period, as stored."""

    period: Period
    made_at: datetime
    as_of: date
    deadline: date | None
    indicators: tuple[IndicatorVerdict, ...]
    activities: tuple[ActivityVerdict, ...]
    warnings: tuple[Warning, ...]
    id: int | None = None

    def indicator(self, code: str) -> IndicatorVerdict | None:
        return next((v for v in self.indicators if v.code == code), None)

    def activity(self, code: str) -> ActivityVerdict | None:
        return next((v for v in self.activities if v.code == code), None)


def to_data(verdict: IndicatorVerdict | ActivityVerdict | Warning) -> dict[str, Any]:
    """A verdict as JSON-ready data, for storing in a snapshot."""
    data = asdict(verdict)
    if isinstance(verdict, IndicatorVerdict):
        data["ratio"] = list(verdict.ratio) if verdict.ratio else None
        data["below"] = list(verdict.below)
        data["networks"] = list(verdict.networks)
    if isinstance(verdict, ActivityVerdict) and verdict.reported_on:
        data["reported_on"] = verdict.reported_on.isoformat()
    return data


def indicator_from_data(data: dict[str, Any]) -> IndicatorVerdict:
    return IndicatorVerdict(**{
        **data,
        "status": Status(data["status"]),
        "trend": Trend(data["trend"]) if data["trend"] else None,
        "due": Due(data["due"]),
        "ratio": tuple(data["ratio"]) if data["ratio"] else None,
        "below": tuple(data["below"]),
        "networks": tuple(data.get("networks", ())),
    })


def activity_from_data(data: dict[str, Any]) -> ActivityVerdict:
    return ActivityVerdict(**{
        **data,
        "due": Due(data["due"]),
        "reported_on": date.fromisoformat(data["reported_on"]) if data["reported_on"] else None,
    })


def warning_from_data(data: dict[str, Any]) -> Warning:
    return Warning(**data)


# An activity's state as the reports' symbol. Every state has its own shape, not only its own
# colour, so the tables and the legend still read right when printed in black and white.
ACTIVITY_SYMBOLS = {
    ActivityState.ON_TRACK: "▶",
    ActivityState.NOT_STARTED: "▷",
    ActivityState.PROBLEMS: "▲",
    ActivityState.SERIOUS_PROBLEMS: "▼",
    ActivityState.CANCELLED: "✕",
    ActivityState.DONE: "✓",
}
NO_STATUS_SYMBOL = "○"
