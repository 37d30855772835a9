"""The report half of närvaro: the attendance charts per network and per municipality."""

from __future__ import annotations

from kubot import derived
from kubot.kinds import attendance
from kubot.kinds.base import ReportHalf
from kubot.models.plan import Source
from kubot.plan.schema import IndicatorSpec
from kubot.report import parts
from kubot.report.model import BarChart, Block, Series
from kubot.verdicts import IndicatorVerdict


def attendance_charts(ctx: parts.Context, spec: IndicatorSpec, target: float | None) -> list[Block]:
    data, plan, period = ctx.data, ctx.plan, ctx.period
    networks = frozenset(spec.networks) or None
    earlier = period.previous_year()
    blocks: list[Block] = []
    if spec.source == Source.ATTENDANCE and len(spec.networks) > 1:
        now = derived.attendance_by_network(attendance.meetings(data.facts), period)
        before = derived.attendance_by_network(attendance.meetings(data.facts), earlier)
        shown = [code for code in spec.networks if code in now]
        if shown:
            series = [Series(str(period.year), tuple(now[c].percent for c in shown))]
            if any(c in before for c in shown):
                series.insert(0, Series(str(earlier.year), tuple(before[c].percent if c in before else None for c in shown)))
            blocks.append(BarChart(title="Genomsnittsnärvaro per nätverk",
                                   categories=tuple(plan.networks.get(code, code) for code in shown),
                                   series=tuple(series), target=target))
    now_m = derived.attendance_by_municipality(attendance.meetings(data.facts), period, networks)
    before_m = derived.attendance_by_municipality(attendance.meetings(data.facts), earlier, networks)
    if now_m:
        codes = [code for code in plan.municipalities if code in now_m]
        series = [Series(str(period.year), tuple(now_m[c].percent for c in codes))]
        if any(c in before_m for c in codes):
            series.insert(0, Series(str(earlier.year), tuple(before_m[c].percent if c in before_m else None for c in codes)))
        blocks.append(BarChart(title="Genomsnittsnärvaro per kommun", categories=tuple(plan.municipalities[c] for c in codes),
                               series=tuple(series), target=target))
    return blocks


def _charts(ctx: parts.Context, spec: IndicatorSpec, verdict: IndicatorVerdict) -> list[Block]:
    """Under an indicator over every municipality, or over several networks."""
    if spec.source == Source.ATTENDANCE_EACH_MUNICIPALITY or (spec.source == Source.ATTENDANCE and len(spec.networks) > 1):
        return attendance_charts(ctx, spec, verdict.target)
    return []


REPORT = ReportHalf(indicator_blocks=_charts)
