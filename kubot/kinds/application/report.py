"""The report half of ansökan: the applications table beside a goal with an applications indicator."""

from __future__ import annotations

from kubot import derived
from kubot import formatting as fmt
from kubot.kinds import application
from kubot.kinds.base import ReportHalf
from kubot.models.plan import Source
from kubot.plan.schema import GoalSpec
from kubot.report import parts
from kubot.report.model import Block, Cell, Table

APPLICATION_SOURCES = (Source.APPLICATIONS_COUNT, Source.APPLICATIONS_AMOUNT)


def application_table(ctx: parts.Context) -> Table | None:
    period = ctx.period
    applications = sorted(
        (a for a in application.applications(ctx.data.facts) if period.contains(a.day)),
        key=lambda a: (a.day, a.project),
    )
    if not applications:
        ctx.miss("ansökningar om externa medel (”ansökan …”)")
        return None
    outcome = {"granted": "beviljad", "rejected": "avslag", "pending": "inget beslut"}
    rows = [
        (Cell.text(a.project), Cell.text(a.funder), parts.number_cell(fmt.kronor(a.sought)),
         parts.number_cell(fmt.kronor(a.granted) if a.granted is not None else "–"),
         Cell.text(f"{outcome[a.status]} {fmt.day(a.decided)}" if a.decided else outcome[a.status]))
        for a in applications
    ]
    summary = derived.applications(applications, period)
    share = summary.amount_granted_of_sought
    decided = summary.granted + summary.rejected
    rows.append(
        (
            Cell.text(f"Summa: {parts.count_text(summary.submitted, 'ansökan', 'ansökningar')}", bold=True),
            Cell.text(
                f"{summary.granted} av {decided} beviljade"
                + (f", {summary.pending} utan beslut" if summary.pending else ""),
                bold=True,
            ),
            parts.number_cell(fmt.kronor(share.denominator), bold=True),
            parts.number_cell(fmt.kronor(share.numerator), bold=True),
            Cell.text(
                f"{fmt.ratio_percent(share.value)} av sökt belopp" if share.value is not None else "–", bold=True
            ),
        )
    )
    return Table(
        ("Projekt", "Finansiär", "Sökt", "Beviljat", "Beslut"),
        tuple(rows),
        widths=(3.0, 2.6, 2.0, 2.0, 2.0),
        numeric=frozenset({2, 3}),
        total=True,
        small=True,
        caption=f"Ansökningar om externa medel skickade {period.label}",
    )


def _table(ctx: parts.Context, goal: GoalSpec) -> list[Block]:
    if not any(spec.source in APPLICATION_SOURCES for spec in goal.indicators):
        return []
    table = application_table(ctx)
    return [table] if table is not None else []


REPORT = ReportHalf(goal_blocks=_table)
