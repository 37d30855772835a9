"""The report half of enkät: the answer distribution per network."""

from __future__ import annotations

from kubot import derived
from kubot.kinds import survey
from kubot.kinds.base import ReportHalf
from kubot.models.plan import Source
from kubot.plan.schema import IndicatorSpec
from kubot.report import chart_worth, parts
from kubot.report.model import Block, DistributionChart
from kubot.verdicts import IndicatorVerdict


def survey_chart(ctx: parts.Context, spec: IndicatorSpec) -> Block | None:
    """The answers per network and in all, where the chart earns its place (`chart_worth`)."""
    data, plan, period = ctx.data, ctx.plan, ctx.period
    assert spec.question is not None
    networks = frozenset(spec.networks) or None
    answered = sorted(
        {
            s.network
            for s in survey.responses(data.facts)
            if s.year == period.year and s.question == spec.question and (networks is None or s.network in networks)
        },
        key=lambda code: plan.networks.get(code, code),
    )
    # The total row ("Samtliga") is computed from the networks' rows, so only the networks count as parts.
    if not chart_worth.earns_a_chart(answered, spec.networks):
        return None
    rows = [
        (
            plan.networks.get(code, code),
            derived.answer_distribution(survey.responses(data.facts), period, spec.question, {code}),
        )
        for code in answered
    ]
    rows.append(
        ("Samtliga", derived.answer_distribution(survey.responses(data.facts), period, spec.question, networks))
    )
    return DistributionChart(
        title=f"{spec.name}: svarsfördelning per nätverk",
        rows=tuple(label for label, _ in rows),
        shares=tuple(tuple(share.percent or 0.0 for share in distribution) for _, distribution in rows),
        answers=tuple(int(distribution[0].denominator) for _, distribution in rows),
    )


def _chart(ctx: parts.Context, spec: IndicatorSpec, verdict: IndicatorVerdict) -> list[Block]:
    chart = survey_chart(ctx, spec) if spec.source == Source.SURVEY else None
    return [chart] if chart is not None else []


REPORT = ReportHalf(indicator_blocks=_chart)
