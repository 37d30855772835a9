"""The goal's two tables in a report: its indicators against their targets, and its activities' status.

An indicator without a written analysis gets a proposal from its numbers, marked for the responsible person to
rewrite; an indicator measured later in the year keeps its row, saying when.
"""

from __future__ import annotations

from kubot import formatting as fmt
from kubot.models.plan import Unit
from kubot.periods import Period
from kubot.plan.schema import GoalSpec
from kubot.report.model import Cell, Run, Table
from kubot.report.parts import (
    ACTIVITY_HEADER,
    INDICATOR_HEADER,
    MEASURED_LATER,
    Context,
    activity_run,
    proposal_cell,
    status_run,
    table_value,
)
from kubot.verdicts import Due, IndicatorVerdict, Status, Trend

# --- the analysis proposal -------------------------------------------------------------------------


def propose_analysis(verdict: IndicatorVerdict, period: Period, municipalities: dict[str, str]) -> str:
    """One or two plain sentences from the verdict and its numbers, for the responsible person to rewrite."""
    value = table_value(verdict.unit, verdict.value)
    if verdict.ratio and verdict.unit == Unit.PERCENT:
        value += f" ({fmt.number(verdict.ratio[0])} av {fmt.number(verdict.ratio[1])})"
    target = table_value(verdict.unit, verdict.target)
    first = {
        Status.MET: f"Resultatet {value} når målvärdet {target}.",
        Status.PARTLY: f"Resultatet {value} når inte målvärdet {target}, men mätetalet är delvis uppfyllt.",
        Status.NOT_MET: f"Resultatet {value} når inte målvärdet {target}.",
    }.get(verdict.status, f"Resultatet är {value}; inget målvärde är satt för {period.year}.")
    sentences = [first]
    if verdict.below:
        names = ", ".join(municipalities.get(code, code) for code in verdict.below)
        sentences.append(f"Under målvärdet ligger {names}.")
    if (change := _change(verdict, period)) is not None:
        sentences.append(change)
    return " ".join(sentences)


def _change(verdict: IndicatorVerdict, period: Period) -> str | None:
    """The change against the same period a year earlier – only when that period has a result."""
    earlier = period.previous_year().year
    if verdict.previous is None or verdict.value is None:
        return None
    before = table_value(verdict.unit, verdict.previous)
    difference = verdict.value - verdict.previous
    trend = verdict.trend or (Trend.UP if difference > 0 else Trend.DOWN if difference < 0 else Trend.FLAT)
    if trend == Trend.FLAT:
        return f"Resultatet är i stort sett detsamma som {earlier} ({before})."
    word = "ökat" if trend == Trend.UP else "minskat"
    if verdict.unit == Unit.PERCENT:
        size = f"{fmt.number(abs(difference))} procentenheter"
    elif verdict.previous:
        size = fmt.percent(abs(difference) / abs(verdict.previous) * 100)
    else:
        return f"Resultatet har {word} jämfört med {earlier} ({before})."
    return f"Resultatet har {word} med {size} jämfört med {earlier} ({before})."


# --- tables ----------------------------------------------------------------------------------------


def indicator_table(ctx: Context, goal: GoalSpec, *, only_results: bool) -> Table | None:
    """Mätetal | Målvärde | Resultat | Analys; with `only_results`, the indicators that have a result or are measured
    later in the year."""
    rows = []
    for spec in goal.indicators:
        verdict = ctx.snapshot.indicator(spec.code)
        if verdict is not None and verdict.value is None and verdict.due == Due.LATER:
            # Measured later in the year (the survey in November): the row stays, saying when, as the organisation
            # prints it.
            month = verdict.measured_month or spec.measured_month
            when = f"i {fmt.month_name(month)} {ctx.period.year}" if month else f"senare under {ctx.period.year}"
            rows.append(
                (
                    Cell.of(status_run(Status.NO_RESULT), Run(spec.name)),
                    Cell.text(table_value(spec.unit, verdict.target)),
                    Cell.text(MEASURED_LATER),
                    Cell.text(f"Mätning genomförs {when}."),
                )
            )
            continue
        if verdict is None or verdict.value is None:
            if only_results or verdict is None:
                continue
            rows.append(
                (
                    Cell.of(status_run(Status.NO_RESULT), Run(spec.name)),
                    Cell.text(table_value(spec.unit, verdict.target)),
                    Cell.text("–"),
                    Cell.text(verdict.analysis.strip()),
                )
            )
            continue
        target = table_value(verdict.unit, verdict.target)
        if verdict.target is not None and verdict.annual_target is not None and verdict.annual_target != verdict.target:
            target += f" (helår {table_value(verdict.unit, verdict.annual_target)})"
        result = table_value(verdict.unit, verdict.value)
        # An arrow only against a period that has a result (the evaluation gives a trend only then).
        if verdict.trend is not None and verdict.previous is not None:
            result += f" {verdict.trend.arrow}"
        analysis = Cell.text(verdict.analysis.strip()) if verdict.analysis.strip() else \
            proposal_cell(propose_analysis(verdict, ctx.period, ctx.plan.municipalities))
        rows.append(
            (Cell.of(status_run(verdict.status), Run(spec.name)), Cell.text(target), Cell.text(result), analysis)
        )
    if not rows:
        return None
    return Table(INDICATOR_HEADER, tuple(rows), widths=(3.3, 1.75, 1.75, 4.6), numeric=frozenset({1, 2}))


# An activity whose comment the chapter's examples print already points there instead of repeating it.
TOLD_AS_EXAMPLE = "Beskrivs bland exemplen ovan."


def activity_table(
    ctx: Context, goal: GoalSpec, told: frozenset[tuple[str, str]] = frozenset()
) -> tuple[Table | None, list[str]]:
    """Aktiviteter | Analys for activities with a status in the year, and the names of those without one.

    `told` holds the (activity, comment) pairs printed as examples above, which the table does not repeat."""
    rows, silent = [], []
    for spec in goal.activities:
        verdict = ctx.snapshot.activity(spec.code)
        if verdict is None or verdict.state is None:
            silent.append(spec.name)
            continue
        when = f" ({fmt.day(verdict.reported_on)})" if verdict.reported_on else ""
        comment = verdict.comment.strip() or f"Status: {verdict.state}{when}."
        if (spec.code, comment) in told:
            comment = TOLD_AS_EXAMPLE
        rows.append((Cell.of(activity_run(verdict.state), Run(spec.name)), Cell.text(comment)))
    table = Table(ACTIVITY_HEADER, tuple(rows), widths=(4.5, 6.5)) if rows else None
    return table, silent
