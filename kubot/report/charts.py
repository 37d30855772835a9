"""Charts for the report, drawn with matplotlib into PNG images.

Uses matplotlib's object API with the Agg canvas rather than pyplot, so no global figure
state or display is involved and charts can be drawn from any thread of a server. The
series differ by hatching and lightness as well as colour, for black-and-white printing.
Titles are not drawn into the image: the document writes them as text, where they can be
searched and read aloud.

Categories keep their full names: with many of them the bars run horizontally and names
wrap onto further lines. The layout is computed once, in points, from the measured width of
the names and the number of their lines (a row is as tall as its name), so nothing is
clipped or overlaps and no second layout pass is needed. Bars of a series are drawn as one
hatched collection and each bar carries its value. A chart is drawn once per content: the
same chart data (a report made again, or the same chart in two reports) reuses the image.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import matplotlib
import PIL.Image
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import offset_copy

from kubot import formatting as fmt
from kubot.report.model import BarChart, Chart, DistributionChart

WIDTH_CM = 16.0
DPI = 120
FONT = 7
VALUE_FONT = FONT - 1
HORIZONTAL_FROM = 7
SERIES_STYLES = (("#B0BEC5", "//"), ("#1F4E79", ""), ("#7CB342", ".."))
ANSWER_COLOURS = ("#B71C1C", "#E57373", "#FFE082", "#FBC02D", "#81C784", "#2E7D32")
ANSWER_HATCHES = ("xx", "//", "", "", "", "")
EDGE = "#37474F"
TARGET_COLOUR = "#C62828"
CACHE_SIZE = 256

# Hinting (snapping glyph outlines to the pixel grid) costs more than drawing the glyphs at this
# resolution, and charts are mostly text. This module is the only user of matplotlib (an
# import-linter contract), so the setting is made once here rather than around each drawing,
# where it would race between server threads.
matplotlib.rcParams["text.hinting"] = "no_hinting"

# The layout is worked out in points (1/72 inch).
PT_PER_CM = 72 / 2.54
WIDTH = WIDTH_CM * PT_PER_CM
LINE = 1.2 * FONT  # a line of a name at matplotlib's line spacing
NAME_WIDTH = 5.0 * PT_PER_CM  # names longer than this wrap
TICK_SPACE = 3.5 + 3.5 + 3.0  # tick, pad to the tick label, and air
TICK_LABELS = 2.0 + LINE + TICK_SPACE  # the row of tick labels under the value axis
NAME_PAD = 4.0  # between a row's name and the axis
NAME_SPACE = NAME_PAD + 3.0  # and some air at the image's edge
LEGEND = 2.2 * LINE  # one row of legend entries
BAR = 8.5  # thickness of one bar of a series in a horizontal bar chart
STACKED_BAR = 12.0  # thickness of a stacked bar in the distribution chart
ROW_GAP = 4.0
VALUE_PAD = 1.5  # between a bar's end and its value
PLOT_HEIGHT = 5.2 * PT_PER_CM  # of the plot area of vertical bars
NBSP = "\u00a0"


@dataclass(frozen=True)
class Image:
    png: bytes
    width_cm: float


# --- measuring text --------------------------------------------------------------------------

# Measured with the renderer the charts are drawn with (same resolution and hinting), once per word.
_measure = RendererAgg(1, 1, DPI)


@lru_cache(maxsize=8192)
def _word_width(word: str, size: float) -> float:
    """Width of a word (or a space) in points as drawn at `size` points."""
    width: float = _measure.get_text_width_height_descent(word, FontProperties(size=size), ismath=False)[0]
    return width * 72 / DPI


def _line_width(line: str, size: float = FONT) -> float:
    words = line.split(" ")
    # Per-word sums leave out kerning across spaces: a few per cent of air covers it.
    return 1.04 * (sum(_word_width(w, size) for w in words) + (len(words) - 1) * _word_width(" ", size))


def _wrap(text: str, width: float) -> list[str]:
    """The name in lines no wider than `width` points where its words allow (a longer word keeps its own line).
    Only plain spaces break a line, so "(n = 12)" with non-breaking spaces stays whole."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and _line_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [text]


def _half_hundred() -> float:
    """Room right of a horizontal value axis for half its last tick label, "100 %", and some air."""
    return _line_width(fmt.percent(100)) / 2 + 4


def _widest(labels: Sequence[list[str]]) -> float:
    return max((_line_width(line) for lines in labels for line in lines), default=0.0)


# --- drawing -----------------------------------------------------------------------------------


def _figure(height: float, *, left: float, right: float, top: float, bottom: float) -> tuple[Figure, Axes]:
    """A figure of the report's width and `height` points whose plot area has the given margins in points."""
    figure = Figure(figsize=(WIDTH / 72, height / 72), dpi=DPI)
    axes = figure.add_axes((left / WIDTH, bottom / height, 1 - (left + right) / WIDTH, 1 - (top + bottom) / height))
    return figure, axes


def _rows(labels: Sequence[list[str]], bar: float) -> tuple[list[float], float]:
    """The centre of each row from the top and the height of all rows, in points: a row is as tall as its bars
    or its name, whichever is taller."""
    centres: list[float] = []
    top = 0.0
    for lines in labels:
        pitch = max(bar, len(lines) * LINE) + ROW_GAP
        centres.append(top + pitch / 2)
        top += pitch
    return centres, top


def _row_names(figure: Figure, axes: Axes, centres: Sequence[float], labels: Sequence[list[str]], rows: float) -> None:
    """Each row's name left of the plot, right-aligned; the row axis counts points from the top, so each row
    is where `_rows` put it. Plain texts rather than tick labels: a tick costs more to make than its text to draw."""
    axes.set_ylim(rows, 0)
    axes.set_yticks([])
    beside = offset_copy(axes.get_yaxis_transform(), figure, x=-NAME_PAD, units="points")
    for centre, lines in zip(centres, labels, strict=True):
        axes.text(0, centre, "\n".join(lines), fontsize=FONT, ha="right", va="center", transform=beside)


def _rectangles(
    axes: Axes,
    across: Sequence[float],
    thickness: float,
    starts: Sequence[float],
    lengths: Sequence[float],
    *,
    horizontal: bool,
    colour: str,
    hatch: str,
) -> None:
    """Bars as one collection (one draw call, one hatch) rather than a patch per bar."""
    boxes = []
    for middle, start, length in zip(across, starts, lengths, strict=True):
        low, high, end = middle - thickness / 2, middle + thickness / 2, start + length
        corners = ((start, low), (end, low), (end, high), (start, high))
        boxes.append(corners if horizontal else tuple((y, x) for x, y in corners))
    axes.add_collection(PolyCollection(boxes, facecolors=colour, edgecolors=EDGE, linewidths=0.4, hatch=hatch),
                        autolim=False)


def _bar_key(colour: str, hatch: str, label: str) -> Patch:
    return Patch(facecolor=colour, edgecolor=EDGE, linewidth=0.4, hatch=hatch, label=label)


def _value_axis(axes: Axes, name: Literal["x", "y"]) -> None:
    """Per cent in Swedish on the value axis with a light grid behind the bars."""
    value_axis = axes.xaxis if name == "x" else axes.yaxis
    value_axis.set_ticks(range(0, 101, 20), [fmt.percent(v) for v in range(0, 101, 20)])
    axes.tick_params(axis=name, labelsize=FONT)
    axes.grid(axis=name, linewidth=0.3, color="#CFD8DC")
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)


def _style(index: int, count: int) -> tuple[str, str]:
    """The report's year is always the dark, solid bar; an earlier year the light, hatched one."""
    return SERIES_STYLES[(index + max(2 - count, 0)) % len(SERIES_STYLES)]


def _vertical(chart: BarChart, groups: int) -> tuple[Figure, Axes, list[float], float]:
    """Few categories: the bars of a category side by side, its name wrapped under them.
    Returns the figure, the plot, the middle of each category and the thickness of a bar, in data units."""
    count = len(chart.categories)
    left, right, top = _line_width(fmt.percent(100)) + TICK_SPACE, 0.3 * PT_PER_CM, LEGEND + 4
    slot = (WIDTH - left - right) / max(count, 1)
    labels = [_wrap(c, 0.92 * slot) for c in chart.categories]
    bottom = TICK_SPACE + max((len(lines) for lines in labels), default=1) * LINE + 4
    figure, axes = _figure(top + PLOT_HEIGHT + bottom, left=left, right=right, top=top, bottom=bottom)
    axes.set_xticks(range(count), ["\n".join(lines) for lines in labels], fontsize=FONT)
    axes.set_xlim(-0.5, count - 0.5)
    axes.set_ylim(0, 110)
    return figure, axes, [float(i) for i in range(count)], 0.8 / groups


def _horizontal(chart: BarChart, groups: int) -> tuple[Figure, Axes, list[float], float]:
    """Many categories: one row per category with its full name, the bars side by side within the row.
    The category axis counts points from the top, so each row is drawn where `_rows` put it."""
    labels = [_wrap(c, NAME_WIDTH) for c in chart.categories]
    centres, rows = _rows(labels, groups * BAR)
    top, bottom = LEGEND + 4, TICK_LABELS
    figure, axes = _figure(top + rows + bottom, left=_widest(labels) + NAME_SPACE, right=_half_hundred(), top=top,
                           bottom=bottom)
    _row_names(figure, axes, centres, labels, rows)
    axes.set_xlim(0, 112)  # room for "100 %" beside a full bar
    return figure, axes, centres, BAR


def _bars(chart: BarChart) -> Figure:
    groups = max(len(chart.series), 1)
    horizontal = len(chart.categories) >= HORIZONTAL_FROM
    figure, axes, middles, thickness = (_horizontal if horizontal else _vertical)(chart, groups)
    value_axis: Literal["x", "y"] = "x" if horizontal else "y"
    # A bar's value just beyond its end: beside a horizontal bar, above a vertical one.
    beyond = offset_copy(
        axes.transData, figure, x=VALUE_PAD * horizontal, y=VALUE_PAD * (not horizontal), units="points"
    )
    ha, va = ("left", "center_baseline") if horizontal else ("center", "bottom")
    for index, series in enumerate(chart.series):
        colour, hatch = _style(index, groups)
        across = [m + (index - (groups - 1) / 2) * thickness for m in middles]
        _rectangles(axes, across, thickness, [0.0] * len(across), [value or 0.0 for value in series.values],
                    horizontal=horizontal, colour=colour, hatch=hatch)
        for position, value in zip(across, series.values, strict=True):
            if value is not None:
                x, y = (value, position) if horizontal else (position, value)
                axes.text(x, y, fmt.percent(value), fontsize=VALUE_FONT, transform=beyond, ha=ha, va=va)
    keys: list[Patch | Line2D] = [_bar_key(*_style(i, groups), s.label) for i, s in enumerate(chart.series)]
    if chart.target is not None:
        keys.insert(
            0,
            (axes.axvline if horizontal else axes.axhline)(
                chart.target,
                color=TARGET_COLOUR,
                linestyle="--",
                linewidth=1.0,
                label=f"Målvärde {fmt.percent(chart.target)}",
            ),
        )
    _value_axis(axes, value_axis)
    axes.legend(
        handles=keys, fontsize=FONT, frameon=False, ncols=len(keys), loc="lower center", bbox_to_anchor=(0.5, 1.0)
    )
    return figure


def _distribution(chart: DistributionChart) -> Figure:
    labels = [_wrap(f"{label} " + f"(n = {fmt.number(n)})".replace(" ", NBSP), NAME_WIDTH)
              for label, n in zip(chart.rows, chart.answers, strict=True)]
    centres, rows = _rows(labels, STACKED_BAR)
    legend = 2 * LEGEND
    top, bottom = 0.3 * PT_PER_CM, TICK_LABELS + legend
    figure, axes = _figure(top + rows + bottom, left=_widest(labels) + NAME_SPACE, right=_half_hundred(), top=top,
                           bottom=bottom)
    start = [0.0] * len(centres)
    for step in range(6):
        widths = [shares[step] for shares in chart.shares]
        _rectangles(axes, centres, STACKED_BAR, start, widths, horizontal=True, colour=ANSWER_COLOURS[step],
                    hatch=ANSWER_HATCHES[step])
        # A share is labelled inside its segment when there is room for the figure.
        for y, left, width in zip(centres, start, widths, strict=True):
            if width >= 8:
                axes.text(
                    left + width / 2, y, fmt.percent(width), fontsize=VALUE_FONT, ha="center", va="center_baseline"
                )
        start = [a + b for a, b in zip(start, widths, strict=True)]
    _row_names(figure, axes, centres, labels, rows)
    axes.set_xlim(0, 100)
    _value_axis(axes, "x")
    axes.grid(False)
    keys = [_bar_key(ANSWER_COLOURS[s], ANSWER_HATCHES[s], str(s + 1)) for s in range(6)]
    axes.legend(
        handles=keys,
        title="Svar (1–2 missnöjd, 3–4 nöjd, 5–6 mycket nöjd)",
        title_fontsize=FONT,
        fontsize=FONT,
        frameon=False,
        ncols=6,
        loc="upper center",
        bbox_to_anchor=(0.5, -TICK_LABELS / rows if rows else 0),
    )
    return figure


def _png(figure: Figure) -> bytes:
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    width, height = canvas.get_width_height()
    pixels = PIL.Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    # A palette of 256 colours looks the same as full colour for these charts (a few flat colours and
    # their anti-aliased edges), makes the image a third of the size and is quicker to compress; and
    # light compression, since zlib's default level costs more time than it saves bytes.
    palette = pixels.convert("RGB").quantize(256, method=PIL.Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    palette.save(buffer, format="png", compress_level=1, dpi=(DPI, DPI))
    return buffer.getvalue()


def figure_for(chart: Chart) -> Figure:
    """The chart laid out and ready to draw."""
    return _bars(chart) if isinstance(chart, BarChart) else _distribution(chart)


def render(chart: Chart) -> Image:
    return Image(_png(figure_for(chart)), WIDTH_CM)


_cache: OrderedDict[Chart, Image] = OrderedDict()
_cache_lock = threading.Lock()


def is_cached(chart: Chart) -> bool:
    with _cache_lock:
        return chart in _cache


def remember(chart: Chart, image: Image) -> None:
    with _cache_lock:
        _cache[chart] = image
        _cache.move_to_end(chart)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def render_cached(chart: Chart) -> Image:
    """`render`, reusing the image of a chart with the same content (charts are frozen values, so equal data is
    equal)."""
    with _cache_lock:
        if (image := _cache.get(chart)) is not None:
            _cache.move_to_end(chart)
            return image
    image = render(chart)
    remember(chart, image)
    return image
