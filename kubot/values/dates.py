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
_DAY_SLASH_MONTH = re.compile(
    rf"(?P<day>[0-9]{{1,2}})(?P<mark>[/.])(?P<month>[0-9]{{1,2}})(?:\s*(?:(?P=mark)|[- ])\s*{_YEAR})?"
)
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


def _existing(day: int, month: int, year: int, today: date) -> date:
    """Build the date, or explain why it does not exist or is too early."""
    if not 1 <= month <= 12:
        raise ValueProblem(f"Det finns ingen månad {month}. Skriv dag/månad, till exempel 12/5 för 12 maj.")
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
    return date(year, month, day)


def _checked_date(day: int, month: int, year: int | None, today: date) -> date:
    """Build the date, or explain why it does not exist or cannot have been attended."""
    if year is None and 1 <= month <= 12:
        year = _year_meant(day, month, today)
    result = _existing(day, month, year or today.year, today)
    if result > today:
        raise ValueProblem(
            f"Datumet {formatting.day(result)} ligger i framtiden. Skriv ett datum som har varit, "
            f"till exempel {formatting.day(today)} för i dag."
        )
    return result


def _written(plain: str) -> tuple[int, int, int | None] | None:
    """Day, month and year (None when not written) of "2022-05-12", "12/5", "5.11 2022" or "12 maj"."""
    if match := _ISO_DATE.fullmatch(plain):
        return int(match["day"]), int(match["month"]), int(match["year"])
    numeric = _DAY_SLASH_MONTH.fullmatch(plain)
    named = None if numeric else _DAY_MONTH_NAME.fullmatch(plain)
    month = int(numeric["month"]) if numeric else _month_number(named["month_name"]) if named else None
    match = numeric or named
    if not match or month is None:
        return None
    year = match["year"]
    return int(match["day"]), month, None if year is None else int(year) + (2000 if len(year) == 2 else 0)


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
    if written := _written(plain):
        return _checked_date(*written, today)
    raise ValueProblem(f"Förstår inte datumet {quoted(text)}. Skriv till exempel {_DATE_EXAMPLES}.")


# Between the two days of a span: a dash (with or without spaces), "till", "t.o.m.", "tom" or "–".
_SPAN = re.compile(
    r"^(?P<first>.+?)\s*(?:–|—|\s-\s|-(?=[0-9]{1,2}[/.])|\btill(?: och med)?\b|\bt\.?o\.?m\.?(?=\s))\s*(?P<last>.+)$"
)
_SPAN_EXAMPLES = "20/12–6/1, 20 december till 6 januari eller 2026-12-20 till 2027-01-06"
MAX_SPAN_DAYS = 366


def parse_span(text: str, today: date) -> tuple[date, date]:
    """The first and last day (both included) of a span people write for an absence: "20/12–6/1",
    "20/12 - 6/1", "20 december till 6 januari", "2026-12-20 till 2027-01-06", "idag–3/1", or one day ("imorgon").

    A day without a year is the nearest such day to `today` (in December "20/12" is this December, in
    early January last December); a last day without a year is the first such day on or after the first.
    A span that has already ended, runs backwards or is longer than a year is refused."""
    if len(text) > MAX_VALUE_LENGTH:
        raise ValueProblem(f"Det där är för långt för att vara två datum. Skriv till exempel {_SPAN_EXAMPLES}.")
    plain = " ".join(without_accents(text).split())
    match = _SPAN.fullmatch(plain)
    if match is None:  # one day: "imorgon", "20/12"
        first = last = _day_ahead(plain, today, None)
    else:
        first = _day_ahead(match["first"], today, None)
        last = _day_ahead(match["last"], today, first)
    if last < first:
        raise ValueProblem(f"Sista dagen {formatting.day(last)} kommer före den första ({formatting.day(first)}). "
                           f"Skriv till exempel {_SPAN_EXAMPLES}.")
    if last < today:
        raise ValueProblem(
            f"{formatting.day(first)}–{formatting.day(last)} har redan varit. Skriv en frånvaro som pågår "
            f"eller kommer, till exempel {_SPAN_EXAMPLES}."
        )
    if (last - first).days >= MAX_SPAN_DAYS:
        raise ValueProblem(f"{formatting.day(first)}–{formatting.day(last)} är längre än ett år. Skriv en kortare tid, "
                           f"till exempel {_SPAN_EXAMPLES}.")
    return first, last


def _day_ahead(text: str, today: date, after: date | None) -> date:
    """One end of a span: a date that may lie ahead (see `parse_span` for the year it gets)."""
    plain = text.strip().removeprefix("den ").strip(" ,.")
    if plain in ("idag", "i dag"):
        return today
    if plain in ("imorgon", "i morgon"):
        return today + timedelta(days=1)
    written = _written(plain)
    if written is None:
        raise ValueProblem(f"Förstår inte datumet {quoted(text)}. Skriv första och sista dagen med ett streck eller "
                           f"”till” emellan, till exempel {_SPAN_EXAMPLES}.")
    day, month, year = written
    if year is not None:
        return _existing(day, month, year, today)
    if after is not None:
        found = _existing(day, month, after.year, today) if (month, day) >= (after.month, after.day) else None
        return found or _existing(day, month, after.year + 1, today)
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(_existing(day, month, year, today))
        except ValueProblem:
            if year == today.year:
                raise
    return min(candidates, key=lambda d: abs((d - today).days))
