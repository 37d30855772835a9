"""The report half of närvaro: the attendance charts per network and per municipality."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kubot import derived
from kubot.derived import Ratio
from kubot.kinds import attendance
from kubot.kinds.base import ReportHalf
from kubot.models.plan import Source
from kubot.periods import Period
from kubot.plan.schema import IndicatorSpec
from kubot.report import chart_worth, parts
from kubot.report.model import BarChart, Block, Series
from kubot.verdicts import IndicatorVerdict


def attendance_charts(ctx: parts.Context, spec: IndicatorSpec, target: float | None) -> list[Block]:
    """Attendance per network and per municipality, each where it earns its place (`chart_worth`)."""
    data, plan, period = ctx.data, ctx.plan, ctx.period
    networks = frozenset(spec.networks) or None
    earlier = period.previous_year()
    blocks: list[Block] = []
    if spec.source == Source.ATTENDANCE and len(spec.networks) > 1:
        now = derived.attendance_by_network(attendance.meetings(data.facts), period)
        before = derived.attendance_by_network(attendance.meetings(data.facts), earlier)
        shown = [code for code in spec.networks if code in now]
        if chart_worth.earns_a_chart(shown, spec.networks):
            blocks.append(_chart("Genomsnittsnärvaro per nätverk", plan.networks, shown, now, before, target, period))
    now_m = derived.attendance_by_municipality(attendance.meetings(data.facts), period, networks)
    before_m = derived.attendance_by_municipality(attendance.meetings(data.facts), earlier, networks)
    codes = [code for code in plan.municipalities if code in now_m]
    if chart_worth.earns_a_chart(codes, chart_worth.invitees(plan.plan, spec.networks)):
        blocks.append(_chart("Genomsnittsnärvaro per kommun", plan.municipalities, codes, now_m, before_m, target,
                             period))
    return blocks


def _chart(title: str, names: Mapping[str, str], codes: Sequence[str], now: Mapping[str, Ratio],
           before: Mapping[str, Ratio], target: float | None, period: Period) -> BarChart:
    """Bars for `codes` this year, beside last year's where any of them had one."""
    series = [Series(str(period.year), tuple(now[c].percent for c in codes))]
    if any(c in before for c in codes):
        series.insert(0, Series(str(period.year - 1), tuple(before[c].percent if c in before else None for c in codes)))
    return BarChart(title=title, categories=tuple(names.get(c, c) for c in codes), series=tuple(series), target=target)


def _charts(ctx: parts.Context, spec: IndicatorSpec, verdict: IndicatorVerdict) -> list[Block]:
    """Under an indicator over every municipality, or over several networks."""
    if spec.source == Source.ATTENDANCE_EACH_MUNICIPALITY or (
        spec.source == Source.ATTENDANCE and len(spec.networks) > 1
    ):
        return attendance_charts(ctx, spec, verdict.target)
    return []


REPORT = ReportHalf(indicator_blocks=_charts)
