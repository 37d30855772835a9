"""Benchmark: the annual report (T3) for the full sample plan with a generated year of records.

    python bench/report.py [--scale 1.0] [--runs 3]

Prints the wall time of `kubot.report.build.build` (evaluation, reading the records, the
content, the charts and the Word file, written atomically) and, built in the same run, a bare
python-docx document with the same headings, paragraphs, tables and images (the charts
already drawn), as the floor that any Word output costs; then their ratio. Targets: at most
3 s for the report and at most 2× the bare floor. Also prints where the time goes.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import docx

from generate import generate_year
from kubot import app, db, evaluation
from kubot.periods import Period
from kubot.report import build, charts, content, document, gather
from kubot.report.model import BarChart, Bullets, DistributionChart, Heading, Paragraph, Report, Table
from kubot.settings import Settings

PERIOD = Period(2018, 3)
NOW = datetime(2019, 1, 15, 9, 0, tzinfo=UTC)
TARGET_SECONDS = 3.0
TARGET_RATIO = 2.0


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="volume of generated records (1 = a real year)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs after one warm-up run")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kubot-bench-report-"))
    settings = Settings(database_url=f"sqlite:///{work / 'kubot.db'}", report_dir=work / "rapporter")
    engine = app.start(settings)
    with db.session_scope(engine) as session:
        made = generate_year(session, 2017, seed=1, scale=args.scale) + generate_year(session, 2018, seed=1, scale=args.scale)
    print(f"Generated records (2017–2018, scale {args.scale}): " + ", ".join(f"{k} {v}" for k, v in sorted(made.items())))

    request = content.Request(PERIOD, dnr="RJL 2017/1522", author="Bench")
    full: list[float] = []
    floor: list[float] = []
    for run in range(args.runs + 1):
        with db.session_scope(engine) as session:
            elapsed, built = seconds(lambda: build.build(session, request, settings, now=NOW, trigger="cli",
                                                         out=work / f"rapport-{run}.docx"))
            snapshot = evaluation.latest(session, PERIOD)
            data = gather.load(session, PERIOD)
        assert snapshot is not None
        report = content.build(data, snapshot, request, made_at=NOW)
        images = {i: charts.render(b).png for i, b in enumerate(report.blocks) if isinstance(b, BarChart | DistributionChart)}
        bare, _ = seconds(lambda: bare_document(report, images))
        if run == 0:
            print(f"Cold first run: report {elapsed:.2f} s (imports, rules and fonts loaded once per process)")
            continue
        full.append(elapsed)
        floor.append(bare)

    with db.session_scope(engine) as session:
        phases = {
            "evaluation": seconds(lambda: evaluation.evaluate(session, PERIOD, today=date(2019, 1, 15), trigger="cli"))[0],
            "reading records": seconds(lambda: gather.load(session, PERIOD))[0],
        }
        snapshot = evaluation.latest(session, PERIOD)
        data = gather.load(session, PERIOD)
    assert snapshot is not None
    phases["content"], report = seconds(lambda: content.build(data, snapshot, request, made_at=NOW))
    chart_blocks = report.charts()  # type: ignore[attr-defined]
    phases[f"charts ({len(chart_blocks)})"] = seconds(lambda: [charts.render(c) for c in chart_blocks])[0]
    phases["Word rendering incl. charts"] = seconds(lambda: document.render(report, document.open_template(None), built_in=True))[0]

    wall, bare = statistics.median(full), statistics.median(floor)
    tables = len(report.tables())  # type: ignore[attr-defined]
    print(f"Report: {len(report.blocks)} blocks, {tables} tables, {len(chart_blocks)} charts; file {built.path.stat().st_size // 1024} kB")  # type: ignore[attr-defined]
    print(f"Annual report T3 2018, median of {args.runs}: {wall:.2f} s (target ≤ {TARGET_SECONDS:.0f} s)")
    print(f"Bare python-docx floor, same tables and images: {bare:.2f} s")
    print(f"Ratio report / floor: {wall / bare:.2f}× (target ≤ {TARGET_RATIO:.0f}×)")
    print("Where the time goes: " + ", ".join(f"{name} {value:.2f} s" for name, value in phases.items()))
    return 0 if wall <= TARGET_SECONDS and wall / bare <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
