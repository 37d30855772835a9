"""Benchmark: the annual report (T3) for the full sample plan with generated years of records.

    python bench/report.py [--scales 1,10] [--runs 3]

For each scale (1 = a real year of records; 10 = ten times as many, as a database after ten
years would hold for the two years a report reads) it prints the wall time of
`kubot.report.build.build` – evaluation, reading the records, the content, the charts and the
Word file, written to disk – with the chart cache emptied before each run (every chart drawn),
and again with the charts cached (a report made again with unchanged data).

The fair floor, built in the same run at scale 1: a bare python-docx document with the same
headings, paragraphs and tables, plus the same charts drawn with plain matplotlib defaults
(no styling, no labels). Goals on a quiet machine: ≤ 2 s at scale 1, ≤ 1,3 × the floor, and
scale 10 ≤ 2 × scale 1. Also prints where the time goes, with the charts drawn one by one and as
the report draws them (side by side in worker processes when there is more than one CPU).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import docx
from generate import generate_year
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kubot import db, evaluation, snapshots
from kubot.adapters import compose
from kubot.periods import Period
from kubot.report import build, charts, content, document, drawing, gather, template
from kubot.report.model import BarChart, Bullets, Chart, DistributionChart, Heading, Paragraph, Report, Table
from kubot.settings import Settings

PERIOD = Period(2018, 3)
NOW = datetime(2019, 1, 15, 9, 0, tzinfo=UTC)
TARGET_SECONDS = 2.0
TARGET_RATIO = 1.3
TARGET_SCALE_RATIO = 2.0


def plain_chart(chart: Chart) -> bytes:
    """The same data drawn with matplotlib's defaults: the least any chart costs."""
    figure = Figure()
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    if isinstance(chart, BarChart):
        for series in chart.series:
            axes.bar(range(len(chart.categories)), [v or 0 for v in series.values])
    else:
        for step in range(6):
            axes.barh(range(len(chart.rows)), [shares[step] for shares in chart.shares])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def bare_document(report: Report, images: dict[int, bytes]) -> bytes:
    """The same headings, text, tables and (pre-drawn) images with python-docx and nothing else."""
    doc = docx.Document()
    doc.add_heading(report.title_page.title, 0)
    for index, block in enumerate(report.blocks):
        if isinstance(block, Heading):
            doc.add_heading(block.text, min(block.level, 2))
        elif isinstance(block, Paragraph):
            doc.add_paragraph(block.text)
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(item.text, style="List Bullet")
        elif isinstance(block, Table):
            table = doc.add_table(rows=1, cols=len(block.header))
            for cell, title in zip(table.rows[0].cells, block.header, strict=True):
                cell.text = title
            for row in block.rows:
                for cell, value in zip(table.add_row().cells, row, strict=True):
                    cell.text = value.plain
        elif isinstance(block, BarChart | DistributionChart):
            doc.add_paragraph(block.title)
            doc.add_picture(io.BytesIO(images[index]), width=docx.shared.Cm(16))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def seconds(action: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()  # type: ignore[operator]
    return time.perf_counter() - start, result


def _side_by_side(chart_blocks: list[Chart]) -> None:
    """The charts as the report draws them: in worker processes when there is more than one CPU."""
    with drawing.drawing(chart_blocks) as image:
        for chart in chart_blocks:
            image(chart)


def floor_seconds(report: Report) -> float:
    """The fair floor: the report's charts with matplotlib defaults, then the bare document with them."""
    start = time.perf_counter()
    images = {i: plain_chart(b) for i, b in enumerate(report.blocks) if isinstance(b, BarChart | DistributionChart)}
    bare_document(report, images)
    return time.perf_counter() - start


def measure(scale: float, runs: int, show_phases: bool) -> tuple[float, float, float | None]:
    """(median with every chart drawn, median with charts cached, floor median or None) at one scale."""
    work = Path(tempfile.mkdtemp(prefix="kubot-bench-report-"))
    settings = Settings(database_url=f"sqlite:///{work / 'kubot.db'}", report_dir=work / "rapporter")
    engine = compose.start(settings)
    with db.session_scope(engine) as session:
        made = generate_year(session, 2017, seed=1, scale=scale) + generate_year(session, 2018, seed=1, scale=scale)
    print(f"Scale {scale:g}: generated records (2017–2018): " + ", ".join(f"{k} {v}" for k, v in sorted(made.items())))
    request = content.Request(PERIOD, dnr="RJL 2017/1522", author="Bench")
    drawn: list[float] = []
    cached: list[float] = []
    floor: list[float] = []
    cpu: list[tuple[float, float]] = []
    for run in range(runs + 1):
        charts._cache.clear()
        before = os.times()
        with db.session_scope(engine) as session:
            elapsed, built = seconds(lambda: build.build(session, request, settings, now=NOW, trigger="cli",
                                                         out=work / "rapport.docx"))
        after = os.times()
        with db.session_scope(engine) as session:
            again, _ = seconds(
                lambda: build.build(session, request, settings, now=NOW, trigger="cli", out=work / "rapport.docx")
            )
            snapshot = snapshots.latest(session, PERIOD)
            data = gather.load(session, PERIOD)
        assert snapshot is not None
        report = content.build(data, snapshot, request, made_at=NOW)
        if run == 0:
            print(f"  cold first run: {elapsed:.2f} s (imports, rules and fonts loaded once per process)")
            continue
        drawn.append(elapsed)
        cpu.append((after.user + after.system - before.user - before.system,
                    after.children_user + after.children_system - before.children_user - before.children_system))
        cached.append(again)
        floor.append(floor_seconds(report))
    if show_phases:
        with db.session_scope(engine) as session:
            phases = {
                "evaluation": seconds(
                    lambda: evaluation.evaluate(session, PERIOD, today=date(2019, 1, 15), trigger="cli")
                )[0],
                "reading records": seconds(lambda: gather.load(session, PERIOD))[0],
            }
        phases["content"], report = seconds(lambda: content.build(data, snapshot, request, made_at=NOW))
        chart_blocks = report.charts()
        phases[f"charts ({len(chart_blocks)}) one by one"] = seconds(lambda: [charts.render(c) for c in chart_blocks])[
            0
        ]
        charts._cache.clear()
        phases["the same side by side"] = seconds(lambda: _side_by_side(chart_blocks))[0]
        phases["Word rendering (charts cached)"] = seconds(lambda: document.render(report, template.open_template(None),
                                                                                     built_in=True))[0]
        print(f"  report: {len(report.blocks)} blocks, {len(report.tables())} tables, {len(chart_blocks)} charts; "
              f"file {built.path.stat().st_size // 1024} kB")
        print("  where the time goes: " + ", ".join(f"{name} {value:.2f} s" for name, value in phases.items()))
        # Wall time depends on free cores (others share the machine); CPU time much less.
        print(
            "  CPU time of a report with every chart drawn (median): report process"
            f" {statistics.median(c[0] for c in cpu):.2f} s, chart worker processes"
            f" {statistics.median(c[1] for c in cpu):.2f} s"
        )
    return statistics.median(drawn), statistics.median(cached), statistics.median(floor)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales", default="1,10", help="volumes of generated records, comma-separated (first is the base)"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs after one warm-up run")
    args = parser.parse_args()
    scales = [float(s) for s in args.scales.split(",")]
    # Others share the machine: a figure measured under load says little, so the load is printed with it.
    print("Load average (1, 5, 15 min) at start: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    results = {scale: measure(scale, args.runs, show_phases=index == 0) for index, scale in enumerate(scales)}
    base, base_cached, bare = results[scales[0]]
    print(f"Annual report T3 2018 at scale {scales[0]:g}, median of {args.runs}: {base:.2f} s with every chart drawn, "
          f"{base_cached:.2f} s with charts cached (target ≤ {TARGET_SECONDS:.1f} s)")
    print(f"Fair floor (bare python-docx + the same charts with matplotlib defaults), same run: {bare:.2f} s")
    print(f"Ratio report / floor: {base / bare:.2f}× (target ≤ {TARGET_RATIO:.1f}×)")
    ok = base <= TARGET_SECONDS and base / bare <= TARGET_RATIO
    print("Load average at end: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    for scale in scales[1:]:
        wall, cached, _ = results[scale]
        print(
            f"Scale {scale:g}: {wall:.2f} s with every chart drawn ({cached:.2f} s cached) = {wall / base:.2f}× scale "
            f"{scales[0]:g} (target ≤ {TARGET_SCALE_RATIO:.0f}×)"
        )
        ok = ok and wall / base <= TARGET_SCALE_RATIO
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
