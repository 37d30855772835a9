"""Reading logged records back as the plain facts that `derived` computes with, and the targets in force.

Only records whose journal entry is active (not undone, not replaced by a correction) count. Each
record kind loads its own part (`kubot.kinds`); this module is where stored rows become facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session, col, select

from kubot import kinds
from kubot.journal import is_active
from kubot.kinds import KINDS, result
from kubot.kinds.base import Facts, IndicatorValue, Window
from kubot.models import Entry, Indicator, IndicatorTarget, TargetChange
from kubot.models.types import stored_id
from kubot.periods import Period

__all__ = ["Facts", "IndicatorValue", "for_period", "indicator_value", "load", "target_for", "targets_for"]


def load(session: Session, first_year: int, last_year: int, *, as_of: date | None = None,
         recorded_by: datetime | None = None) -> Facts:
    """All active records dated in `first_year`..`last_year` (inclusive), each kind loading its own.

    With `as_of`, records dated later do not count and an application's decision counts only
    if it was made by then (before, it is pending); with `recorded_by`, entries recorded later
    do not count either – so a report made as of a cut-off can be made again with the same numbers.
    """
    start, end = Period(first_year, 1).start, Period(last_year, 3).end
    window = Window(
        session, first_year, last_year, start, min(end, as_of) if as_of is not None else end, as_of, recorded_by
    )
    facts = Facts()
    for kind in KINDS:
        if (loaded := kind.load(window)) is not None:
            facts.parts[kind.name] = loaded
    return facts


def for_period(session: Session, period: Period, *, as_of: date | None = None,
               recorded_by: datetime | None = None) -> Facts:
    """What an evaluation or a report of `period` reads: the records of its year and the year before (the
    trend), with `load`'s cut-offs."""
    return load(session, period.year - 1, period.year, as_of=as_of, recorded_by=recorded_by)


def indicator_value(indicator: Indicator, facts: Facts, period: Period, target: float | None = None) -> IndicatorValue:
    """The value of `indicator` for `period`, typed in or derived from the records by its source's kind.

    A total an administrator stated for a derived indicator wins: it is the figure the organisation prints.
    """
    if (given := result.stated(facts, indicator, period)) is not None:
        return IndicatorValue(given.value)
    return derived_value(indicator, facts, period, target)


def derived_value(indicator: Indicator, facts: Facts, period: Period, target: float | None = None) -> IndicatorValue:
    """The value as the indicator's source computes it, ignoring a stated total – shown beside it in the internal
    list."""
    return kinds.source(indicator.source).value(indicator, facts, period, target)


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
