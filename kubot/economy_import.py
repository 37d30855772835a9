"""`kubot import ekonomi FIL.xlsx|.csv`: the economy per area from the finance system's spreadsheet.

One row per area; a column "område" (name or code), a column "datum" unless `--per` gives the
date, and one column per figure (the words of `economy.TYPED`, e.g. "Utfall förbrukning"). Columns
kubot computes itself (disponibla medel, kvarvarande medel …) may be present and are checked
against the computed value rather than stored. Every problem names its row and column, and
nothing is imported unless the whole file is right (the file is read by kubot.sheets).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from decimal import InvalidOperation
from pathlib import Path

from sqlmodel import Session, select

from kubot import economy, records
from kubot.chat.values import ValueProblem, match_name, parse_number
from kubot.journal import Origin, Recorded
from kubot.models import Area
from kubot.sheets import Cell, SheetError, rows

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


def read(path: Path, areas: Mapping[str, str], per: date | None) -> dict[date, dict[str, dict[str, float]]]:
    """The typed figures in the file, by date and area code; raises SheetError with every problem found."""
    problems: list[str] = []
    found: dict[date, dict[str, dict[str, float]]] = defaultdict(dict)
    seen: dict[tuple[date, str], int] = {}
    for cells in rows(path):
        by_header = {c.header.casefold(): c for c in cells}
        area_cell = next((by_header[h] for h in AREA_HEADERS if h in by_header), None)
        row = cells[0].row if cells else 0
        if area_cell is None:
            problems.append(f"rad {row}: kolumnen ”område” saknas i rubrikraden")
            break
        try:
            area = match_name(str(area_cell.value or ""), {code: (name,) for code, name in areas.items()}, kind="område")
        except ValueProblem as exc:
            problems.append(f"{area_cell.where}: {exc}")
            continue
        date_cell = next((by_header[h] for h in DATE_HEADERS if h in by_header), None)
        try:
            day = per if per is not None else _day(date_cell) if date_cell is not None else None
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if day is None:
            problems.append(f"rad {row}: datum saknas – lägg till kolumnen ”datum” eller ange --per ÅÅÅÅ-MM-DD")
            continue
        figures: dict[str, float] = {}
        computed: list[tuple[Cell, float]] = []
        for cell in cells:
            if cell is area_cell or cell is date_cell:
                continue
            try:
                amount = _number(cell)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            item = economy.item_for(cell.header)
            if item is None and cell.header.casefold() in economy.COMPUTED:
                if amount is not None:
                    computed.append((cell, amount))
            elif item is None:
                problems.append(f"kolumn {cell.column} (”{cell.header}”): ingen ekonomisk uppgift kubot känner – "
                                f"använd {economy.words_example()}")
            elif amount is not None:
                figures[item] = amount
        problems.extend(f"rad {row}, {areas[area]}: {p}" for p in economy.check(figures))
        result = economy.AreaEconomy(area, day, figures)
        for cell, amount in computed:
            own = result.value(cell.header.casefold())
            if own is None or abs(own - amount) > TOLERANCE_TKR:
                problems.append(f"{cell.where}: {amount:g} stämmer inte med det kubot räknar fram ur raden "
                                f"({'–' if own is None else f'{own:g}'})")
        if (day, area) in seen:
            problems.append(f"rad {row}: {areas[area]} {day.isoformat()} står redan på rad {seen[(day, area)]}")
        seen[(day, area)] = row
        if figures:
            found[day][area] = figures
    if problems:
        # A column that is not a figure is found on every row; say it once.
        raise SheetError(path, list(dict.fromkeys(problems)))
    return dict(found)


def import_file(session: Session, path: Path, origin: Origin, per: date | None = None) -> list[Recorded]:
    """Check the whole file, then record one entry per date; raises SheetError and writes nothing on any problem."""
    areas = {a.code: a.name for a in session.exec(select(Area))}
    found = read(path, areas, per)
    if not found:
        raise SheetError(path, ["filen har inga belopp att importera"])
    return [records.log_economy(session, origin=origin, figures=figures, as_of=day, kind="ekonomi",
                                summary_prefix=f"Ekonomi från {path.name}")
            for day, figures in sorted(found.items())]
