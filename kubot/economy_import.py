"""`kubot import ekonomi FIL.xlsx|.csv`: the economy per area from the finance system's spreadsheet.

One row per area; a column "område" (name or code), a column "datum" unless `--per` gives the
date, and one column per figure (the words of `economy.TYPED`, e.g. "Utfall förbrukning"). Columns
kubot computes itself (disponibla medel, kvarvarande medel …) may be present and are checked
against the computed value rather than stored, and so are the sheet's own "Summa" row and the
subtotal rows the plan names ("Varav projektverksamhet"); a mismatch is named by row, never
overwritten. Every problem names its row and column, and
nothing is imported unless the whole file is right (the file is read by kubot.sheets).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import InvalidOperation
from pathlib import Path

from sqlmodel import Session, select

from kubot import economy
from kubot import formatting as fmt
from kubot.journal import Origin, Recorded
from kubot.kinds.economy.record import log_economy
from kubot.models import Area
from kubot.plan import economy as plan_economy
from kubot.plan.queries import version_for_year
from kubot.sheets import Cell, SheetError, rows
from kubot.values import ValueProblem, match_name, parse_number

AREA_HEADERS = ("område", "omrade", "area")
DATE_HEADERS = ("datum", "per", "date")
# Computed columns differ from the typed parts by rounding in the finance system; one tkr is tolerated.
TOLERANCE_TKR = 1.0


def _number(cell: Cell) -> float | None:
    if cell.value is None or str(cell.value).strip() in ("", "-", "–"):
        return None
    if isinstance(cell.value, int | float):
        return float(cell.value)
    try:
        return float(parse_number(str(cell.value), allow_negative=True))
    except (ValueProblem, InvalidOperation) as exc:
        raise ValueError(f"{cell.where}: ”{str(cell.value)[:30]}” är inget belopp i tkr") from exc


def _day(cell: Cell) -> date:
    if isinstance(cell.value, datetime):
        return cell.value.date()
    if isinstance(cell.value, date):
        return cell.value
    try:
        return date.fromisoformat(str(cell.value).strip())
    except ValueError as exc:
        raise ValueError(f"{cell.where}: ”{str(cell.value)[:30]}” är inget datum – skriv ÅÅÅÅ-MM-DD") from exc


SUM_LABELS = ("summa", "summa totalt", "totalt", "total", "summa tkr")
# The lines under the sum: the result carried from earlier years (stored), and the accumulated result (checked).
EARLIER_LABEL = re.compile(r"^(?:överskott|underskott|resultat)\s+från\s+tidigare\s+år", re.IGNORECASE)
ACCUMULATED_LABEL = re.compile(r"^ackumulerat\s+(?:överskott|underskott|resultat)", re.IGNORECASE)
ACCUMULATED = "ackumulerat resultat"


@dataclass
class _CheckRow:
    """A sum or subtotal row of the organisation's sheet: checked against kubot's sums, never stored."""

    row: int
    label: str
    day: date
    areas: tuple[str, ...] | None  # None: every area of the date
    cells: list[tuple[Cell, str, float]]


def _figure_cells(cells: list[Cell], skip: tuple[Cell | None, ...], problems: list[str]
                  ) -> tuple[dict[str, float], list[tuple[Cell, str, float]], list[tuple[Cell, str, float]]]:
    """The typed figures of a row, the computed columns it states, and every figure it states with its cell."""
    figures: dict[str, float] = {}
    computed: list[tuple[Cell, str, float]] = []
    stated: list[tuple[Cell, str, float]] = []
    for cell in cells:
        if any(cell is other for other in skip):
            continue
        try:
            amount = _number(cell)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        item, column = economy.item_for(cell.header), economy.computed_for(cell.header)
        if item is None and column is None:
            problems.append(f"kolumn {cell.column} (”{cell.header}”): ingen ekonomisk uppgift kubot känner – "
                            f"använd {economy.words_example()}")
        elif amount is not None and item is not None:
            figures[item] = amount
            stated.append((cell, item, amount))
        elif amount is not None and column is not None:
            computed.append((cell, column, amount))
            stated.append((cell, column, amount))
    return figures, computed, stated


def _mismatch(cell: Cell, column: str, stated: float, own: float | None, who: str) -> str | None:
    """The problem when a stated figure differs from kubot's by more than rounding, or None."""
    if own is not None and abs(own - stated) <= TOLERANCE_TKR:
        return None
    why = {"kvarvarande medel": " = disponibla medel − utfall förbrukning − utbetalt till kommunerna"}.get(column, "")
    shown = "inget (raden räknas inte fram)" if own is None else fmt.number(own)
    return (f"{cell.where}, {who}: {column} {fmt.number(stated)} stämmer inte med det kubot räknar fram{why}: {shown}. "
            "Rätta raden i filen; kubot skriver inte över den.")


def _summed(rows: list[economy.AreaEconomy], column: str) -> float | None:
    if column == ACCUMULATED:
        accumulated = economy.accumulated(rows)
        return None if accumulated is None else accumulated[1]
    return economy.total(rows, column)


def _no_layout(year: int) -> economy.Layout:
    return economy.Layout()


def read(path: Path, areas: Mapping[str, str], per: date | None,
         layouts: Callable[[int], economy.Layout] = _no_layout) -> dict[date, dict[str, dict[str, float]]]:
    """The typed figures in the file, by date and area code; raises SheetError with every problem found.

    Computed columns (disponibla, kvarvarande, shares) and the sheet's own sum and subtotal rows
    ("Summa", "Varav projektverksamhet" when the plan names it) are checked against what kubot
    computes, each mismatch named by row, and never stored.
    """
    problems: list[str] = []
    found: dict[date, dict[str, dict[str, float]]] = defaultdict(dict)
    seen: dict[tuple[date, str], int] = {}
    checks: list[_CheckRow] = []
    earlier: list[tuple[date, str, float]] = []
    for cells in rows(path):
        by_header = {c.header.casefold(): c for c in cells}
        area_cell = next((by_header[h] for h in AREA_HEADERS if h in by_header), None)
        row = cells[0].row if cells else 0
        if area_cell is None:
            problems.append(f"rad {row}: kolumnen ”område” saknas i rubrikraden")
            break
        date_cell = next((by_header[h] for h in DATE_HEADERS if h in by_header), None)
        try:
            day = per if per is not None else _day(date_cell) if date_cell is not None else None
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if day is None:
            problems.append(f"rad {row}: datum saknas – lägg till kolumnen ”datum” eller ange --per ÅÅÅÅ-MM-DD")
            continue
        label = " ".join(str(area_cell.value or "").split())
        layout = layouts(day.year)
        subtotals = {group.title.casefold(): group for group in layout.subtotals}
        if EARLIER_LABEL.match(label) or ACCUMULATED_LABEL.match(label):
            _, _, stated = _figure_cells(cells, (area_cell, date_cell), problems)
            results = [(cell, amount) for cell, column, amount in stated if column == "redovisat resultat"]
            if not results:
                problems.append(f"rad {row}: ”{label}” har inget belopp i kolumnen ”Redovisat resultat”")
            elif ACCUMULATED_LABEL.match(label):
                checks.append(_CheckRow(row, label, day, None, [(results[0][0], ACCUMULATED, results[0][1])]))
            elif layout.earlier_area is None:
                problems.append(
                    f"rad {row}: ”{label}” – skriv i planen under ekonomi vilket område resultatet från tidigare år "
                    "hör till, t.ex. ”tidigare_år: stab”"
                )
            else:
                earlier.append((day, layout.earlier_area, results[0][1]))
            continue
        if label.casefold() in SUM_LABELS or label.casefold() in subtotals:
            _, _, stated = _figure_cells(cells, (area_cell, date_cell), problems)
            group = subtotals.get(label.casefold())
            checks.append(_CheckRow(row, label, day, group.areas if group else None, stated))
            continue
        try:
            area = match_name(label, {code: (name,) for code, name in areas.items()}, kind="område")
        except ValueProblem as exc:
            problems.append(f"{area_cell.where}: {exc}")
            continue
        figures, computed, _ = _figure_cells(cells, (area_cell, date_cell), problems)
        problems.extend(f"rad {row}, {areas[area]}: {p}" for p in economy.check(figures))
        result = economy.AreaEconomy(area, day, figures, layout.rule(area))
        problems.extend(p for cell, column, amount in computed
                        if (p := _mismatch(cell, column, amount, result.value(column), areas[area])) is not None)
        if (day, area) in seen:
            problems.append(f"rad {row}: {areas[area]} {day.isoformat()} står redan på rad {seen[(day, area)]}")
        seen[(day, area)] = row
        if figures:
            found[day][area] = figures
    for day, area, amount in earlier:
        found[day].setdefault(area, {})["tidigare års resultat"] = amount
    for check in checks:
        rules = layouts(check.day.year)
        summed = [
            economy.AreaEconomy(area, check.day, figures, rules.rule(area))
            for area, figures in found.get(check.day, {}).items()
            if check.areas is None or area in check.areas
        ]
        problems.extend(p for cell, column, amount in check.cells
                        if (p := _mismatch(cell, column, amount, _summed(summed, column), check.label)) is not None)
    if problems:
        # A column that is not a figure is found on every row; say it once.
        raise SheetError(path, list(dict.fromkeys(problems)))
    return dict(found)


def economy_layout(session: Session, year: int) -> economy.Layout:
    """The economy section of the plan in force for a year (empty without a plan or section)."""
    version = version_for_year(session, year)
    return plan_economy.layout(plan_economy.from_stored(version.economy)) if version else economy.Layout()


def import_file(session: Session, path: Path, origin: Origin, per: date | None = None) -> list[Recorded]:
    """Check the whole file, then record one entry per date; raises SheetError and writes nothing on any problem."""
    areas = {a.code: a.name for a in session.exec(select(Area))}
    found = read(path, areas, per, lambda year: economy_layout(session, year))
    if not found:
        raise SheetError(path, ["filen har inga belopp att importera"])
    return [log_economy(session, origin=origin, figures=figures, as_of=day, kind="ekonomi",
                                summary_prefix=f"Ekonomi från {path.name}")
            for day, figures in sorted(found.items())]
