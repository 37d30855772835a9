"""Charts for the report, drawn with matplotlib into PNG images.

Uses matplotlib's object API with the Agg canvas rather than pyplot, so no global figure
state or display is involved and charts can be drawn from any thread of a server. The
series differ by hatching and lightness as well as colour, for black-and-white printing.
Titles are not drawn into the image: the document writes them as text, where they can be
searched and read aloud.

Categories keep their full names: with many of them the bars run horizontally, names wrap
onto a second line, and the margin is sized from the longest name so nothing is clipped.
Each bar carries its value. A chart is drawn once per content: the same chart data (a
report made again, or the same chart in two reports) reuses the image.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kubot import formatting as fmt
from kubot.report.model import BarChart, Chart, DistributionChart

WIDTH_CM = 16.0
DPI = 120
FONT = 7
WRAP = 34
HORIZONTAL_FROM = 7
SERIES_STYLES = (("#B0BEC5", "//"), ("#1F4E79", ""), ("#7CB342", ".."))
ANSWER_COLOURS = ("#B71C1C", "#E57373", "#FFE082", "#FBC02D", "#81C784", "#2E7D32")
ANSWER_HATCHES = ("xx", "//", "", "", "", "")
CM = 1 / 2.54
# A character of the label font at FONT points is about 0.13 cm wide; used to size the label margin.
CHAR_CM = 0.13
CACHE_SIZE = 256


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


def _wrapped(text: str) -> str:
    return "\n".join(textwrap.wrap(text, WRAP, break_long_words=False)) or text


def _label_margin_cm(labels: list[str]) -> float:
    longest = max((len(line) for label in labels for line in label.split("\n")), default=0)
    return 0.4 + longest * CHAR_CM


def _values(axes: object, bars: object, values: tuple[float | None, ...]) -> None:
    axes.bar_label(bars, labels=["" if v is None else fmt.percent(v) for v in values], fontsize=FONT - 1, padding=1.5)  # type: ignore[attr-defined]


def _style(index: int, count: int) -> tuple[str, str]:
    """The report's year is always the dark, solid bar; an earlier year the light, hatched one."""
    return SERIES_STYLES[(index + max(2 - count, 0)) % len(SERIES_STYLES)]


def _bars(chart: BarChart) -> Figure:
    count = len(chart.categories)
    if count >= HORIZONTAL_FROM:
        return _horizontal_bars(chart)
    figure = Figure(figsize=(WIDTH_CM * CM, 7.5 * CM))
    labels = [_wrapped(c) for c in chart.categories]
    lines = max(label.count("\n") + 1 for label in labels) if labels else 1
    # Fixed margins rather than a layout engine: constrained layout costs more than drawing the chart.
    figure.subplots_adjust(left=0.08, right=0.99, top=1 - 1.1 / 7.5, bottom=(0.6 + 0.35 * lines) / 7.5)
    axes = figure.add_subplot()
    width = 0.8 / max(len(chart.series), 1)
    for index, series in enumerate(chart.series):
        colour, hatch = _style(index, len(chart.series))
        positions = [i + (index - (len(chart.series) - 1) / 2) * width for i in range(count)]
        heights = [value if value is not None else 0.0 for value in series.values]
        bars = axes.bar(positions, heights, width=width, color=colour, hatch=hatch, edgecolor="#37474F", linewidth=0.4,
                        label=series.label)
        _values(axes, bars, series.values)
    if chart.target is not None:
        axes.axhline(chart.target, color="#C62828", linestyle="--", linewidth=1.0, label=f"Målvärde {fmt.percent(chart.target)}")
    axes.set_xticks(range(count), labels, fontsize=FONT)
    axes.set_ylim(0, 110)
    _percent_scale(axes, chart, axes.yaxis, "y")
    return figure


def _horizontal_bars(chart: BarChart) -> Figure:
    """Many categories: one row per category with its full name, the bars side by side within the row."""
    count, groups = len(chart.categories), max(len(chart.series), 1)
    labels = [_wrapped(c) for c in chart.categories]
    row_cm = 0.28 * groups + 0.25
    height = 1.6 + count * row_cm
    figure = Figure(figsize=(WIDTH_CM * CM, height * CM))
    left = min(_label_margin_cm(labels), WIDTH_CM * 0.45)
    figure.subplots_adjust(left=left / WIDTH_CM, right=1 - 1.0 / WIDTH_CM, top=1 - 0.9 / height, bottom=0.7 / height)
    axes = figure.add_subplot()
    width = 0.8 / groups
    for index, series in enumerate(chart.series):
        colour, hatch = _style(index, groups)
        positions = [i + (index - (groups - 1) / 2) * width for i in range(count)]
        widths = [value if value is not None else 0.0 for value in series.values]
        bars = axes.barh(positions, widths, height=width, color=colour, hatch=hatch, edgecolor="#37474F", linewidth=0.4,
                         label=series.label)
        _values(axes, bars, series.values)
    if chart.target is not None:
        axes.axvline(chart.target, color="#C62828", linestyle="--", linewidth=1.0, label=f"Målvärde {fmt.percent(chart.target)}")
    axes.set_yticks(range(count), labels, fontsize=FONT)
    axes.invert_yaxis()
    axes.set_xlim(0, 112)
    _percent_scale(axes, chart, axes.xaxis, "x")
    return figure


def _percent_scale(axes: Axes, chart: BarChart, value_axis: Axis, name: Literal["x", "y"]) -> None:
    """The value axis in Swedish per cent with a light grid, and the legend above the plot:
    the same for vertical and horizontal bars, whichever way the values run."""
    value_axis.set_ticks(range(0, 101, 20))
    value_axis.set_major_formatter(_swedish_percent)
    axes.tick_params(axis=name, labelsize=FONT)
    axes.grid(axis=name, linewidth=0.3, color="#CFD8DC")
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=FONT, frameon=False, ncols=len(chart.series) + 1, loc="lower center", bbox_to_anchor=(0.5, 1.0))


def _distribution(chart: DistributionChart) -> Figure:
    rows = len(chart.rows)
    labels = [_wrapped(f"{label} (n = {fmt.number(n)})") for label, n in zip(chart.rows, chart.answers, strict=True)]
    height = 2.8 + 0.55 * rows
    figure = Figure(figsize=(WIDTH_CM * CM, height * CM))
    left = min(_label_margin_cm(labels), WIDTH_CM * 0.45)
    figure.subplots_adjust(left=left / WIDTH_CM, right=1 - 0.4 / WIDTH_CM, top=1 - 0.3 / height, bottom=2.0 / height)
    axes = figure.add_subplot()
    start = [0.0] * rows
    for step in range(6):
        widths = [shares[step] for shares in chart.shares]
        bars = axes.barh(range(rows), widths, left=start, color=ANSWER_COLOURS[step], hatch=ANSWER_HATCHES[step],
                         edgecolor="#37474F", linewidth=0.4, label=str(step + 1))
        # A share is labelled inside its segment when there is room for the figure.
        axes.bar_label(bars, labels=[fmt.percent(w) if w >= 8 else "" for w in widths], label_type="center", fontsize=FONT - 1)
        start = [a + b for a, b in zip(start, widths, strict=True)]
    axes.set_yticks(range(rows), labels, fontsize=FONT)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.xaxis.set_major_formatter(_swedish_percent)
    axes.tick_params(axis="x", labelsize=FONT)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(title="Svar (1–2 missnöjd, 3–4 nöjd, 5–6 mycket nöjd)", title_fontsize=FONT, fontsize=FONT, frameon=False,
                ncols=6, loc="upper center", bbox_to_anchor=(0.5 - (left / WIDTH_CM) / 2, -1.0 / (height - 2.3)))
    return figure


def render(chart: Chart) -> Image:
    figure = _bars(chart) if isinstance(chart, BarChart) else _distribution(chart)
    return Image(_png(figure), WIDTH_CM)


_cache: OrderedDict[Chart, Image] = OrderedDict()
_cache_lock = threading.Lock()


def render_cached(chart: Chart) -> Image:
    """`render`, reusing the image of a chart with the same content (charts are frozen values, so equal data is equal)."""
    with _cache_lock:
        if (image := _cache.get(chart)) is not None:
            _cache.move_to_end(chart)
            return image
    image = render(chart)
    with _cache_lock:
        _cache[chart] = image
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return image
