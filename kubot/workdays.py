"""Swedish working days: weekdays that are neither public holidays nor the de facto days off.

Midsommarafton, julafton and nyårsafton are not public holidays by law, but nobody at a
Swedish municipality answers a reminder on them, so they count as days off too.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

_CATEGORIES = ("public", "de_facto")
_WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


@lru_cache(maxsize=32)
def _days_off(year: int) -> dict[date, str]:
    # Imported here: the holidays package takes a good part of a chat message's start-up, and
    # most messages never count working days.
    import holidays

    return dict(holidays.Sweden(years=year, categories=_CATEGORIES, language="sv"))


def weekday_name(day: date) -> str:
    return _WEEKDAYS[day.weekday()]


def day_off(day: date) -> str | None:
    """Why `day` is not a working day ("en lördag", "Midsommarafton"), or None when it is one."""
    holiday = _days_off(day.year).get(day)
    if holiday:
        return holiday
    return f"en {weekday_name(day)}" if day.weekday() >= 5 else None


def is_workday(day: date) -> bool:
    return day_off(day) is None


def shift(day: date, workdays: int) -> date:
    """The `workdays`-th working day after `day` (before it when negative); `day` itself is not counted."""
    step = timedelta(days=1 if workdays > 0 else -1)
    remaining = abs(workdays)
    while remaining:
        day += step
        if is_workday(day):
            remaining -= 1
    return day


def next_workday(day: date) -> date:
    return shift(day, 1)


def count(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`: 0 when `end` is not later."""
    days = 0
    while start < end:
        start += timedelta(days=1)
        days += is_workday(start)
    return days
