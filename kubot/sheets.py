"""Spreadsheets that administrators import (.xlsx with openpyxl, .csv with the csv module): rows of
cells that know their row and column, so that every problem can say where it is.

A CSV file may be separated by semicolons, commas or tabs and is read as UTF-8 (with or without BOM).
The first non-empty row is the header; empty rows are skipped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

MAX_ROWS = 10_000


class SheetError(ValueError):
    """The file cannot be imported; `problems` are Swedish lines naming row and column."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:20] + ([f"… och {len(problems) - 20} fel till"] if len(problems) > 20 else [])
        super().__init__(
            f"{path.name}: ingenting importerades ({len(problems)} fel):\n" + "\n".join(f"  {p}" for p in shown)
        )


@dataclass(frozen=True)
class Cell:
    row: int
    column: str  # the spreadsheet's column name ("C") or, for CSV, its number
    header: str
    value: Any

    @property
    def where(self) -> str:
        return f"rad {self.row}, kolumn {self.column} ({self.header})"


def rows(path: Path) -> Iterator[list[Cell]]:
    suffix = path.suffix.lower()
    name: Callable[[int], str]  # how a column is named in errors: "B" in Excel, "2" in a CSV file
    if suffix in (".xlsx", ".xlsm"):
        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, KeyError, OSError, ValueError) as exc:
            raise SheetError(path, [f"filen går inte att läsa som Excel-fil (.xlsx): {exc}"]) from exc
        raw: Iterator[tuple[Any, ...]] = book.worksheets[0].iter_rows(values_only=True)
        name = get_column_letter
    elif suffix == ".csv":
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
        dialect = csv.Sniffer().sniff(text[:2000], delimiters=";,\t") if text.strip() else csv.excel
        raw = (tuple(row) for row in csv.reader(io.StringIO(text), dialect))
        name = str
    else:
        raise SheetError(path, ["filen ska vara .xlsx eller .csv"])
    header: list[str] | None = None
    for number, values in enumerate(raw, start=1):
        if number > MAX_ROWS:
            raise SheetError(path, [f"filen har fler än {MAX_ROWS} rader – är det rätt fil?"])
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        if header is None:
            header = [str(v or "").strip() for v in values]
            continue
        yield [Cell(number, name(index), header[index - 1], value)
               for index, value in enumerate(values, start=1) if index <= len(header) and header[index - 1]]
    if header is None:
        raise SheetError(path, ["filen är tom"])
