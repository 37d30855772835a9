"""The text alternative of each chart: what a screen reader says instead of the picture.

The accessibility law for public bodies' documents (EN 301 549, WCAG 2.1 AA: 1.1.1) asks that a
chart say in words what it shows. Each chart here is drawn from a handful of figures, so the text
gives them all: the title, then each bar or row with its value, and the target where there is one.
"""

from __future__ import annotations

from kubot import formatting as fmt
from kubot.report.model import BarChart, Chart, DistributionChart


def describe(chart: Chart) -> str:
    match chart:
        case BarChart():
            return _bars(chart)
        case DistributionChart():
            return _distribution(chart)


def _value(value: float | None) -> str:
    return "inget värde" if value is None else fmt.percent(value)


def _bars(chart: BarChart) -> str:
    parts = [f"Stapeldiagram: {chart.title}."]
    for series in chart.series:
        values = "; ".join(
            f"{category} {_value(value)}" for category, value in zip(chart.categories, series.values, strict=True)
        )
        parts.append(f"{series.label}: {values}." if len(chart.series) > 1 or series.label else f"{values}.")
    if chart.target is not None:
        parts.append(f"Målvärde {fmt.percent(chart.target)}.")
    return " ".join(parts)


def _distribution(chart: DistributionChart) -> str:
    """Each row's answers on the scale 1–6, as shares of that row's respondents."""
    parts = [f"Liggande staplar: {chart.title}. Andel av svaren på skalan 1–6, i procent."]
    for row, shares, count in zip(chart.rows, chart.shares, chart.answers, strict=True):
        parts.append(f"{row} ({count} svar): " + ", ".join(f"{grade}: {fmt.percent(share)}" for grade, share in
                                                           enumerate(shares, start=1)) + ".")
    return " ".join(parts)
