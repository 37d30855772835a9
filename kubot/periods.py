"""Reporting periods: the three tertials of a year, counted cumulatively from 1 January.

T1 = januari–april, T2 = maj–augusti, T3 = september–december. A report for T2 covers
1 January to 31 August (delårsrapport); T3 covers the whole year (verksamhetsberättelse).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property

TERTIAL_LAST_MONTH = {1: 4, 2: 8, 3: 12}
TERTIAL_NAMES = {1: "januari–april", 2: "januari–augusti", 3: "januari–december"}
FIRST_YEAR = 2000
_PERIOD_RE = re.compile(r"^\s*t\s*([123])\s*[-/ ]?\s*(\d{4})\s*$|^\s*(\d{4})\s*[-/ ]?\s*t\s*([123])\s*$", re.I)
_YEAR_RE = re.compile(r"^\s*(?:år\s*)?(\d{4})\s*$", re.I)


class PeriodError(ValueError):
    """A period that cannot exist, with a Swedish explanation."""


@dataclass(frozen=True, order=True)
class Period:
    """A tertial of a year; `tertial=3` is also the whole year."""

    year: int
    tertial: int

    def __post_init__(self) -> None:
        if self.tertial not in TERTIAL_LAST_MONTH:
            raise PeriodError(f"Tertial {self.tertial} finns inte – välj T1, T2 eller T3.")
        if not FIRST_YEAR <= self.year <= 2100:
            raise PeriodError(f"Året {self.year} ligger utanför det kubot hanterar ({FIRST_YEAR}–2100).")

    @cached_property
    def start(self) -> date:
        """First day of the cumulative period: always 1 January."""
        return date(self.year, 1, 1)

    @cached_property
    def tertial_start(self) -> date:
        """First day of the tertial itself."""
        return date(self.year, TERTIAL_LAST_MONTH[self.tertial] - 3, 1)

    @cached_property
    def end(self) -> date:
        """Last day of the period (30 April, 31 August or 31 December)."""
        month = TERTIAL_LAST_MONTH[self.tertial]
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def is_annual(self) -> bool:
        return self.tertial == 3

    @property
    def fraction_of_year(self) -> float:
        """Share of the year the cumulative period covers (4/12, 8/12, 12/12)."""
        return TERTIAL_LAST_MONTH[self.tertial] / 12

    def contains(self, day: date) -> bool:
        """Whether `day` lies in the cumulative period 1 January – end."""
        return self.start <= day <= self.end

    def previous_year(self) -> Period:
        """The same period one year earlier, the basis for trends."""
        return Period(self.year - 1, self.tertial)

    @property
    def code(self) -> str:
        return f"T{self.tertial} {self.year}"

    @property
    def label(self) -> str:
        """Swedish label, e.g. 'T2 2022 (januari–augusti)'."""
        return f"T{self.tertial} {self.year} ({TERTIAL_NAMES[self.tertial]})"

    def __str__(self) -> str:
        return self.code

    @classmethod
    def containing(cls, day: date) -> Period:
        """The tertial in which `day` falls."""
        return cls(day.year, (day.month - 1) // 4 + 1)

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse 'T2 2022', 't2-2022', '2022 T2' or a bare year '2022' (= T3, the whole year)."""
        match = _PERIOD_RE.match(text)
        if match:
            tertial, year = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
            return cls(int(year), int(tertial))
        year_match = _YEAR_RE.match(text)
        if year_match:
            return cls(int(year_match.group(1)), 3)
        raise PeriodError(f"”{text.strip()}” är ingen period. Skriv till exempel T2 2022 (tertial och år).")
