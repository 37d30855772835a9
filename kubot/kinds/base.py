"""What every record kind provides, and the plain types its pieces exchange.

A record kind (närvaro, kurs, ansökan, …) is one package under `kubot.kinds`. Its package object,
`KIND`, satisfies `RecordKind`: it names its tables and the journal word of its entries, loads its
facts, and offers the indicator sources computed from them (each with its label, value, "has
data", how to report it and which form opens it). Its chat half (`chat.py`: commands with their
examples, forms) and its report half (`report.py`: tables and charts) are separate modules,
because the domain (facts, evaluation) loops over the kinds without knowing chat or reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, Protocol, TypeVar

from sqlmodel import Session, SQLModel, select

from kubot import derived
from kubot.models import Indicator, Municipality, Network
from kubot.periods import TERTIAL_LAST_MONTH, Period

T = TypeVar("T")


@dataclass
class Facts:
    """Everything logged in a range of years, each kind's part under its name (see `of`)."""

    parts: dict[str, Any] = field(default_factory=dict)

    def of(self, kind: str, empty: T) -> T:
        """Kind `kind`'s facts; `empty` when nothing was loaded for it."""
        found = self.parts.get(kind)
        return empty if found is None else found


@dataclass(frozen=True)
class IndicatorValue:
    """An indicator's value for a period: `value` in the indicator's unit, None when there is none yet.

    `ratio` keeps both parts of a share so replies and reports can say "8 av 14".
    """

    value: float | None
    ratio: derived.Ratio | None = None
    below: tuple[tuple[str, derived.Ratio], ...] = ()


def share(ratio: derived.Ratio) -> IndicatorValue:
    return IndicatorValue(ratio.percent, ratio)


def count(number: float) -> IndicatorValue:
    """A count over no records at all is no result ("inget resultat"), not a result of 0."""
    return IndicatorValue(float(number) if number else None)


def measured_by(indicator: Indicator, period: Period) -> bool:
    """Whether a yearly measurement is made by the end of `period` (always so for the whole year)."""
    return (
        period.is_annual
        or not indicator.measured_month
        or indicator.measured_month <= TERTIAL_LAST_MONTH[period.tertial]
    )


@dataclass
class Window:
    """What a kind's loader reads: records dated `start`..`end` (years `first_year`..`last_year`), as entered by
    `recorded_by`; `as_of` is the day the facts are for (a decision made later is not known yet)."""

    session: Session
    first_year: int
    last_year: int
    start: date
    end: date
    as_of: date | None
    recorded_by: datetime | None

    @cached_property
    def municipality_code(self) -> dict[int | None, str]:
        return {m.id: m.code for m in self.session.exec(select(Municipality))}

    @cached_property
    def networks(self) -> dict[int | None, Network]:
        return {n.id: n for n in self.session.exec(select(Network))}


@dataclass(frozen=True)
class Ask:
    """An indicator that is owed, as how-to-report and form prefill see it."""

    code: str
    period: Period
    networks: tuple[str, ...] = ()
    question: str | None = None
    area: str | None = None  # the code of the area of the indicator's goal


Value = Callable[[Indicator, Facts, Period, float | None], IndicatorValue]


@dataclass(frozen=True)
class IndicatorSource:
    """A way an indicator gets its value (the plan file's `källa`), offered by one kind."""

    key: str
    label: str  # what the value is made from, in words for people (the key is for administrators)
    value: Value  # the value for a period; the last argument is the target (for "every municipality at least")
    # Whether anything was logged for a period that the value is computed from: a trend needs two periods with data.
    has_data: Callable[[Indicator, Facts, Period], bool]
    # The exact chat command that reports it, with what the plan knows filled in.
    how: Callable[[Session, Ask], str]
    form: str | None  # the form that reports it (None: it is typed only)
    prefill: Callable[[Ask], dict[str, str]] = lambda ask: {}


def every_period(indicator: Indicator, facts: Facts, period: Period) -> bool:
    """`has_data` of a source whose value is None without records: whether it is measured by then decides."""
    return measured_by(indicator, period)


@dataclass(frozen=True)
class Kind:
    """A record kind's domain half (see `RecordKind`)."""

    name: str
    package: str
    tables: tuple[type[SQLModel], ...]
    sources: tuple[IndicatorSource, ...]
    load: Callable[[Window], object | None]


class RecordKind(Protocol):
    """One kind of record. Its package also has `chat.py` (COMMANDS, FORMS) and `report.py` (the `ReportHalf`)."""

    @property
    def name(self) -> str:
        """The journal's word for the kind's entries, e.g. "närvaro"."""

    @property
    def package(self) -> str:
        """Its package, where `chat.py` and `report.py` are."""

    @property
    def tables(self) -> tuple[type[SQLModel], ...]:
        """The tables its records are stored in."""

    @property
    def sources(self) -> tuple[IndicatorSource, ...]:
        """The indicator sources computed from its records (none: nothing is derived from it)."""

    def load(self, window: Window) -> object | None:
        """Its facts in `window` (None: it has none that indicators or reports read from `Facts`)."""


class Blocks(Protocol):
    """A report part: the report's context in, blocks out (typed loosely here: kinds know no report document)."""

    def __call__(self, ctx: Any, /) -> list[Any]: ...


@dataclass(frozen=True)
class ReportHalf:
    """What a kind adds to a report. Each returns blocks (`kubot.report.model`), nothing when it has nothing to show."""

    # Beside a goal's indicator table, before its activities.
    goal_blocks: Callable[[Any, Any], list[Any]] = lambda ctx, goal: []
    # Under one indicator of a goal: its charts.
    indicator_blocks: Callable[[Any, Any, Any], list[Any]] = lambda ctx, spec, verdict: []
    # The annual report's appendices, in registry order.
    appendices: tuple[Blocks, ...] = ()
