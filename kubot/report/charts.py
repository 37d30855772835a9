"""Charts for the report, drawn with matplotlib into PNG images.

Uses matplotlib's object API with the Agg canvas rather than pyplot, so no global figure
state or display is involved and charts can be drawn from any thread of a server. The
series differ by hatching and lightness as well as colour, for black-and-white printing.
Titles are not drawn into the image: the document writes them as text, where they can be
searched and read aloud.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kubot import formatting as fmt
from kubot.report.model import BarChart, Chart, DistributionChart

WIDTH_CM = 16.0
DPI = 120
LABEL_LENGTH = 38
SERIES_STYLES = (("#B0BEC5", "//"), ("#1F4E79", ""), ("#7CB342", ".."))
ANSWER_COLOURS = ("#B71C1C", "#E57373", "#FFE082", "#FBC02D", "#81C784", "#2E7D32")
ANSWER_HATCHES = ("xx", "//", "", "", "", "")
CM = 1 / 2.54


@dataclass(frozen=True)
class Image:
    png: bytes
    width_cm: float


def _swedish_percent(value: float, _position: float) -> str:
    return fmt.percent(value)


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    # Light compression: the images are small either way, and zlib's default level costs more time than it saves bytes.
    figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _label(text: str) -> str:
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1].rstrip() + "…"


def _bars(chart: BarChart) -> Figure:
    count = len(chart.categories)
    many = count > 8
    height = 9.5 if many else 7.0
    figure = Figure(figsize=(WIDTH_CM * CM, height * CM))
    # Fixed margins rather than a layout engine: constrained layout costs more than drawing the chart.
    figure.subplots_adjust(left=0.08, right=0.99, top=1 - 1.0 / height, bottom=(3.6 if many else 2.0) / height)
    axes = figure.add_subplot()
    width = 0.8 / max(len(chart.series), 1)
    for index, series in enumerate(chart.series):
        colour, hatch = SERIES_STYLES[index % len(SERIES_STYLES)]
        positions = [i + (index - (len(chart.series) - 1) / 2) * width for i in range(count)]
        heights = [value if value is not None else 0.0 for value in series.values]
        axes.bar(positions, heights, width=width, color=colour, hatch=hatch, edgecolor="#37474F", linewidth=0.4, label=series.label)
    if chart.target is not None:
        axes.axhline(chart.target, color="#C62828", linestyle="--", linewidth=1.0, label=f"Målvärde {fmt.percent(chart.target)}")
    axes.set_xticks(range(count), [_label(c) for c in chart.categories], rotation=60 if many else 30, ha="right",
                    rotation_mode="anchor", fontsize=6 if many else 7)
    axes.set_ylim(0, 100)
    axes.yaxis.set_major_formatter(_swedish_percent)
    axes.tick_params(axis="y", labelsize=7)
    axes.grid(axis="y", linewidth=0.3, color="#CFD8DC")
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=7, frameon=False, ncols=len(chart.series) + 1, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return figure


def _distribution(chart: DistributionChart) -> Figure:
    rows = len(chart.rows)
    height = 2.6 + 0.5 * rows
    figure = Figure(figsize=(WIDTH_CM * CM, height * CM))
    figure.subplots_adjust(left=0.36, right=0.98, top=1 - 0.3 / height, bottom=2.0 / height)
    axes = figure.add_subplot()
    labels = [f"{_label(label)} (n = {fmt.number(n)})" for label, n in zip(chart.rows, chart.answers, strict=True)]
    left = [0.0] * rows
    for step in range(6):
        widths = [shares[step] for shares in chart.shares]
        axes.barh(range(rows), widths, left=left, color=ANSWER_COLOURS[step], hatch=ANSWER_HATCHES[step],
                  edgecolor="#37474F", linewidth=0.4, label=str(step + 1))
        left = [a + b for a, b in zip(left, widths, strict=True)]
    axes.set_yticks(range(rows), labels, fontsize=7)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.xaxis.set_major_formatter(_swedish_percent)
    axes.tick_params(axis="x", labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(title="Svar (1–2 missnöjd, 3–4 nöjd, 5–6 mycket nöjd)", title_fontsize=7, fontsize=7, frameon=False,
                ncols=6, loc="upper center", bbox_to_anchor=(0.3, -0.8 / (height - 2.3)))
    return figure


def render(chart: Chart) -> Image:
    figure = _bars(chart) if isinstance(chart, BarChart) else _distribution(chart)
    return Image(_png(figure), WIDTH_CM)
