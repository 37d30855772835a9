"""Dates as staff write them: 2022-05-12, 12/5, 12 maj, idag, i måndags, förra torsdagen."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from babel.dates import get_month_names

from kubot import formatting
from kubot.periods import FIRST_YEAR
from kubot.values.problems import (
    MAX_VALUE_LENGTH,
    ValueProblem,
    quoted,
    without_accents,
)

# A date without a year that would lie this far ahead is taken to mean last year.
NEXT_YEAR_AFTER_DAYS = 31

_MONTH_NAMES: dict[int, str] = dict(get_month_names("wide", locale=formatting.LOCALE))
_RELATIVE_DAYS = {
    "idag": 0, "i dag": 0, "today": 0,
    "igar": 1, "i gar": 1, "yesterday": 1,
    "forrgar": 2, "i forrgar": 2,
}  # fmt: skip
_YEAR = r"(?P<year>[0-9]{4}|[0-9]{2})"
_ISO_DATE = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")
_DAY_SLASH_MONTH = re.compile(rf"(?P<day>[0-9]{{1,2}})(?P<mark>[/.])(?P<month>[0-9]{{1,2}})(?:\s*(?:(?P=mark)|[- ])\s*{_YEAR})?")
# "i torsdags" is the latest Thursday before today (a week ago when said on a Thursday);
# "förra torsdagen" and "förra veckans torsdag" are the Thursday of last week, as most Swedes mean it.
_LAST_WEEKDAY = re.compile(r"i (?P<day>man|tis|ons|tors|fre|lor|son)dags")
_LAST_WEEKS_DAY = re.compile(r"forra (?:veckans )?(?P<day>man|tis|ons|tors|fre|lor|son)dag(?:en)?")
_WEEKDAYS = ("man", "tis", "ons", "tors", "fre", "lor", "son")
_DAY_MONTH_NAME = re.compile(
    rf"(?P<day>[0-9]{{1,2}})(?::[ae]|[ae](?=\s))?\s*(?P<month_name>[a-z]+)\.?(?:\s*[-/ ]?\s*{_YEAR})?"
)
_DATE_EXAMPLES = "2022-05-12, 12/5, 12 maj eller i måndags"


def _month_number(word: str) -> int | None:
    """Month from a Swedish name or any abbreviation of three letters or more ("sept", "mars")."""
    if len(word) < 3:
        return None
    return next((number for number, name in _MONTH_NAMES.items() if name.startswith(word)), None)


def _year_meant(day: int, month: int, today: date) -> int:
    """The year a date written without one refers to: this year, or last year if that is far ahead."""
    last_day = calendar.monthrange(today.year, month)[1]
    this_year = date(today.year, month, min(max(day, 1), last_day))
    return today.year - 1 if (this_year - today).days > NEXT_YEAR_AFTER_DAYS else today.year


def _checked_date(day: int, month: int, year: int | None, today: date) -> date:
    """Build the date, or explain why it does not exist or cannot have been attended."""
    if not 1 <= month <= 12:
        raise ValueProblem(f"Det finns ingen månad {month}. Skriv dag/månad, till exempel 12/5 för 12 maj.")
    if year is None:
        year = _year_meant(day, month, today)
    if year < FIRST_YEAR:
        raise ValueProblem(
            f"Året {year} är för tidigt – kubot tar emot datum från och med år {FIRST_YEAR}. "
            f"Skriv till exempel {formatting.day(today)}."
        )
    month_name = _MONTH_NAMES[month]
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        raise ValueProblem(
            f"Den {day} {month_name} {year} finns inte – {month_name} {year} har {last_day} dagar. "
            f"Skriv till exempel {last_day} {month_name}."
        )
    result = date(year, month, day)
    if result > today:
        raise ValueProblem(
            f"Datumet {formatting.day(result)} ligger i framtiden. Skriv ett datum som har varit, "
            f"till exempel {formatting.day(today)} för i dag."
        )
    return result


def parse_date(text: str, today: date) -> date:
    """A date as people write it in a message: "2022-05-12", "12/5", "5.11", "12 maj 2022", "igår", "i måndags".

    Day/month without a year means this year, unless that lies more than a month ahead:
    in January, "20/12" is last December. Dates before 2000 and dates after `today` are
    refused, because what is logged here has already happened.
    """
    if len(text) > MAX_VALUE_LENGTH:
        raise ValueProblem(f"Det där är för långt för att vara ett datum. Skriv till exempel {_DATE_EXAMPLES}.")
    plain = " ".join(without_accents(text).split()).removeprefix("den ")
    if not plain:
        raise ValueProblem(f"Datumet saknas. Skriv till exempel {_DATE_EXAMPLES}.")
    if plain in _RELATIVE_DAYS:
        return today - timedelta(days=_RELATIVE_DAYS[plain])
    if weekday := _LAST_WEEKDAY.fullmatch(plain):
        wanted = _WEEKDAYS.index(weekday["day"])
        return today - timedelta(days=(today.weekday() - wanted - 1) % 7 + 1)
    if weekday := _LAST_WEEKS_DAY.fullmatch(plain):
        last_monday = today - timedelta(days=today.weekday() + 7)
        return last_monday + timedelta(days=_WEEKDAYS.index(weekday["day"]))
    if match := _ISO_DATE.fullmatch(plain):
        return _checked_date(int(match["day"]), int(match["month"]), int(match["year"]), today)
    numeric = _DAY_SLASH_MONTH.fullmatch(plain)
    named = None if numeric else _DAY_MONTH_NAME.fullmatch(plain)
    month = int(numeric["month"]) if numeric else _month_number(named["month_name"]) if named else None
    match = numeric or named
    if match and month is not None:
        year = match["year"]
        full_year = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
        return _checked_date(int(match["day"]), month, full_year, today)
    raise ValueProblem(f"Förstår inte datumet {quoted(text)}. Skriv till exempel {_DATE_EXAMPLES}.")


