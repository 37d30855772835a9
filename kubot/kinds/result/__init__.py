"""Resultat and analys: an indicator's result typed in by the person responsible, and the analysis beside it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from kubot.journal import is_active
from kubot.kinds.base import Ask, Facts, IndicatorSource, IndicatorValue, Kind, Window, measured_by
from kubot.models import Analysis, Entry, Indicator, IndicatorResult
from kubot.models.plan import Source
from kubot.periods import Period

NAME = "resultat"


@dataclass(frozen=True)
class TypedResult:
    value: float
    analysis: str
    entry_id: int
    reason: str = ""  # why an administrator stated this total for a derived indicator (`stated`)


@dataclass
class Typed:
    results: dict[tuple[str, int, int], TypedResult]
    analyses: dict[tuple[str, int, int], str]  # (indicator, year, tertial) → the analysis in force


def typed(facts: Facts) -> Typed:
    return facts.of(NAME, Typed({}, {}))


def stated(facts: Facts, indicator: Indicator, period: Period) -> TypedResult | None:
    """The total an administrator stated for a derived indicator, which the report prints instead of the derived one."""
    if indicator.source == Source.TYPED:
        return None
    return typed(facts).results.get((indicator.code, period.year, period.tertial))


def load(window: Window) -> Typed:
    found = Typed({}, {})
    # Later entries win: a result reported twice for the same period means the second is the current one.
    for r in window.session.exec(
        select(IndicatorResult)
        .join(Entry, is_active(IndicatorResult.entry_id, window.recorded_by))
        .where(col(IndicatorResult.year).between(window.first_year, window.last_year))
        .order_by(col(IndicatorResult.entry_id))
    ):
        found.results[(r.indicator_code, r.year, r.tertial)] = TypedResult(r.value, r.analysis, r.entry_id, r.reason)
        if r.analysis:
            found.analyses[(r.indicator_code, r.year, r.tertial)] = r.analysis
    for a in window.session.exec(
        select(Analysis).join(Entry, is_active(Analysis.entry_id, window.recorded_by))
        .where(col(Analysis.year).between(window.first_year, window.last_year)).order_by(col(Analysis.entry_id))
    ):
        found.analyses[(a.indicator_code, a.year, a.tertial)] = a.text
    return found


def _value(indicator: Indicator, facts: Facts, period: Period, target: float | None) -> IndicatorValue:
    result = typed(facts).results.get((indicator.code, period.year, period.tertial))
    return IndicatorValue(result.value if result else None)


def _has_data(indicator: Indicator, facts: Facts, period: Period) -> bool:
    return measured_by(indicator, period) and (indicator.code, period.year, period.tertial) in typed(facts).results


def how(session: Session, ask: Ask) -> str:
    return f"resultat {ask.code} <värde> {ask.period.code}"


def prefill(ask: Ask) -> dict[str, str]:
    return {"indicator": ask.code, "period": ask.period.code}


KIND = Kind(
    name=NAME, package=__name__, tables=(IndicatorResult, Analysis), load=load,
    sources=(IndicatorSource(Source.TYPED, "det ansvariga skriver in", _value, _has_data, how, "resultat", prefill),),
)
