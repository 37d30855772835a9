"""`kubot export`: all of kubot's data as an Excel workbook and CSV files, for reading and other tools.

The first sheets are for people: every entry with who made it, when, through which channel and
whether it was undone or replaced; every change to an entry; the plans, one row per indicator
and activity. Then one sheet (and CSV file) per database table with every row as stored, so
nothing is left inside kubot. Each plan version is also written as a plan file (YAML) that
`kubot plan import` reads back. CSV files are UTF-8 with a byte order mark (Excel reads å, ä, ö),
separated by semicolons, with ISO dates and a decimal point, so other programs read them exactly.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select as select_rows
from sqlmodel import Session, SQLModel, col, select

import kubot.kinds  # noqa: F401  (every table on the metadata: kubot.models' and those the record kinds own)
from kubot.models import Change, Entry, PlanVersion, Staff
from kubot.plan import export as plan_export

Row = tuple[Any, ...]

ENTRY_COLUMNS = (
    "nr",
    "slag",
    "sammanfattning",
    "registrerad av",
    "registrerad",
    "kanal",
    "meddelande-id",
    "meddelande",
    "läge",
    "ångrad",
    "ångrad av",
    "ersatt av nr",
)
CHANGE_COLUMNS = ("nr", "registrering nr", "åtgärd", "av", "kanal", "när", "uppgifter")
PLAN_COLUMNS = (
    "plan gäller från",
    "strategiskt mål",
    "mål",
    "område",
    "slag",
    "kod",
    "namn",
    "enhet",
    "riktning",
    "källa",
    "målvärde",
    "ansvarig",
)


def _local(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def entries(session: Session, tz: tzinfo) -> list[Row]:
    names = {s.id: s.name for s in session.exec(select(Staff))}
    rows: list[Row] = []
    for e in session.exec(select(Entry).order_by(col(Entry.id))):
        state = "ångrad" if e.undone_at else ("ersatt" if e.replaced_by_id else "gäller")
        rows.append(
            (
                e.id,
                e.kind,
                e.summary,
                names.get(e.actor_id, "kubot (system)"),
                _local(e.created_at, tz),
                e.channel,
                e.message_id or "",
                e.message_text,
                state,
                _local(e.undone_at, tz),
                names.get(e.undone_by_id, ""),
                e.replaced_by_id or "",
            )
        )
    return rows


def changes(session: Session, tz: tzinfo) -> list[Row]:
    names = {s.id: s.name for s in session.exec(select(Staff))}
    return [(c.id, c.entry_id or "", c.action, names.get(c.actor_id, "kubot (system)"), c.channel, _local(c.at, tz),
             json.dumps(c.detail, ensure_ascii=False, default=str))
            for c in session.exec(select(Change).order_by(col(Change.id)))]


def plan_rows(session: Session) -> list[Row]:
    rows: list[Row] = []
    for version in session.exec(select(PlanVersion).order_by(col(PlanVersion.first_year))):
        spec = plan_export.to_spec(session, version)
        areas = {a.code: a.name for a in spec.areas}
        for strategic in spec.strategic_goals:
            for goal in strategic.goals:
                area = areas.get(goal.area or "", "")
                for i in goal.indicators:
                    target = (
                        i.target
                        if not isinstance(i.target, dict)
                        else "; ".join(f"{y}: {v:g}" for y, v in i.target.items())
                    )
                    rows.append(
                        (
                            version.first_year,
                            strategic.name,
                            goal.name,
                            area,
                            "mätetal",
                            i.code,
                            i.name,
                            i.unit.value,
                            i.direction.value,
                            i.source,
                            "" if target is None else target,
                            i.responsible or "",
                        )
                    )
                for a in goal.activities:
                    rows.append(
                        (
                            version.first_year,
                            strategic.name,
                            goal.name,
                            area,
                            "aktivitet",
                            a.code,
                            a.name,
                            "",
                            "",
                            "",
                            "",
                            a.responsible or "",
                        )
                    )
    return rows


def _plain(value: Any, tz: tzinfo) -> Any:
    """A stored value as a spreadsheet or CSV cell: times in local time, structures as JSON."""
    if isinstance(value, datetime):
        return _local(value, tz)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else value


def tables(session: Session, tz: tzinfo) -> Iterable[tuple[str, Row, list[Row]]]:
    for table in SQLModel.metadata.sorted_tables:
        columns = tuple(c.name for c in table.columns)
        key = list(table.primary_key.columns)
        rows = [
            tuple(_plain(v, tz) for v in row) for row in session.connection().execute(select_rows(table).order_by(*key))
        ]
        yield table.name, columns, rows


def _cell(value: Any) -> Any:
    # Characters XML does not allow cannot go into a workbook; an entry that has one still exports.
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def _write_csv(path: Path, header: Row, rows: list[Row]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)


def export(session: Session, directory: Path, tz: tzinfo) -> tuple[int, list[Path]]:
    """Write everything to `directory`; returns the number of entries and the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "tabeller").mkdir(exist_ok=True)
    sheets: list[tuple[str, Path, Row, list[Row]]] = [
        ("Registreringar", directory / "registreringar.csv", ENTRY_COLUMNS, entries(session, tz)),
        ("Ändringar", directory / "ändringar.csv", CHANGE_COLUMNS, changes(session, tz)),
        ("Planer", directory / "planer.csv", PLAN_COLUMNS, plan_rows(session)),
    ]
    sheets += [
        (name[:31], directory / "tabeller" / f"{name}.csv", header, rows) for name, header, rows in tables(session, tz)
    ]
    book = Workbook()
    book.remove(book.worksheets[0])
    written = []
    for title, csv_path, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(list(header))
        for row in rows:
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
        _write_csv(csv_path, header, rows)
        written.append(csv_path)
    workbook = directory / "kubot.xlsx"
    book.save(workbook)
    for version in session.exec(select(PlanVersion.first_year)):
        plan_path = directory / f"plan-{version}.yaml"
        plan_path.write_text(plan_export.dump(session, version), encoding="utf-8")
        written.append(plan_path)
    return len(sheets[0][3]), [workbook, *written]
