"""Swedish display formats for chat replies and reports.

Babel (locale sv_SE, i.e. CLDR) supplies the digit grouping, the decimal comma, the
currency symbol, month names and the time-zone conversion, so kubot writes numbers and
dates the way Swedish readers expect without hand-rolled locale rules. Three deliberate
departures from Babel's defaults, each because the organisation's published documents
(delårsrapport, verksamhetsberättelse) are what kubot's numbers get pasted into:

* Thousands are separated by a plain space U+0020 ("43 438 229"), not the no-break space
  U+00A0 that CLDR prescribes for sv. The documents use a plain space, and a reply or
  report text copied into them should not bring invisible characters that differ from
  the surrounding figures (they break search and find-and-replace in Word). The cost is
  that a chat client may wrap a long number at a space; replies keep numbers short.
* Negative numbers get the minus sign CLDR defines for sv, U+2212 "−" (Babel's
  `get_minus_sign_symbol`). Babel's own number patterns still emit the ASCII
  hyphen-minus, so it is swapped in afterwards. Swedish typography uses the real minus,
  and `kubot.values.parse_number` reads it back.
* Halves round away from zero ("2,5" → "3"), as in Excel and in Swedish school rounding,
  which is how the figures in the documents were rounded. Babel alone would round half to
  even. A value that rounds to zero is shown as "0", never "−0".
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent, get_minus_sign_symbol

LOCALE = "sv_SE"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
MINUS = get_minus_sign_symbol(LOCALE)

Number = int | float | Decimal


def _exact(value: Number) -> Decimal:
    """The value as a Decimal; a float via its shortest repr, so 2.675 is 2.675 and not 2.67499…."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    if not exact.is_finite():
        raise ValueError(f"{value!r} kan inte visas som ett tal – värdet är inte ändligt.")
    return exact


def _rounded(value: Decimal, decimals: int) -> Decimal:
    """Round half away from zero to `decimals` places, turning a negative zero into zero."""
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def _pattern(decimals: int) -> str:
    """A CLDR number pattern with grouping and exactly `decimals` decimals."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _house_style(babel_text: str) -> str:
    """Apply the plain-space and real-minus choices explained in the module docstring."""
    return babel_text.replace("\u00a0", " ").replace("-", MINUS)


def number(value: Number, decimals: int = 0) -> str:
    """A number with grouped thousands and a decimal comma: "43 438 229", "49,13"."""
    rounded = _rounded(_exact(value), decimals)
    return _house_style(format_decimal(rounded, format=_pattern(decimals), locale=LOCALE))


def percent(value: Number, decimals: int = 0) -> str:
    """A value already on the 0–100 scale as a percentage: 79 → "79 %"."""
    return _percent(_rounded(_exact(value), decimals), decimals)


@lru_cache(maxsize=4096)
def _percent(rounded: Decimal, decimals: int) -> str:
    # A report prints thousands of shares, mostly the same few hundred; babel's formatting is the costly part.
    return _house_style(format_percent(rounded / 100, format=_pattern(decimals) + " %", locale=LOCALE))


def ratio_percent(fraction: Number, decimals: int = 0) -> str:
    """A fraction of one as a percentage: 0.5713 → "57 %" (e.g. attendance / invited)."""
    return percent(_exact(fraction) * 100, decimals)


def kronor(amount: Number, decimals: int = 0) -> str:
    """An amount in kronor with the sv currency symbol: "12 500 000 kr".

    Whole kronor by default: the reports never show öre.
    """
    rounded = _rounded(_exact(amount), decimals)
    text = format_currency(rounded, "SEK", format=_pattern(decimals) + " ¤", locale=LOCALE, currency_digits=False)
    return _house_style(text)


def tkr(amount_tkr: Number, decimals: int = 0) -> str:
    """An amount already in thousands of kronor, as economy lines are kept: 12 500 → "12 500 tkr"."""
    rounded = _rounded(_exact(amount_tkr), decimals)
    return _house_style(format_decimal(rounded, format=_pattern(decimals) + " 'tkr'", locale=LOCALE))


def day(value: date) -> str:
    """The numeric Swedish date (ISO 8601, as Swedish standard prescribes): "2022-08-31"."""
    return format_date(value, "yyyy-MM-dd", locale=LOCALE)


def day_short(value: date) -> str:
    """The date with the month cut to three letters, for a title: "4 dec 2026"."""
    return f"{value.day} {month_name(value.month)[:3]} {value.year}"


def timestamp(moment: datetime) -> str:
    """Wall-clock time in Sweden, summer time included: "2022-08-31 14:05".

    A naive datetime is refused because its meaning (UTC or Swedish time?) cannot be
    known, and guessing would silently shift every logged time by one or two hours.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("timestamp() behöver en tidpunkt med tidszon, t.ex. datetime.now(timezone.utc).")
    return format_datetime(moment, "yyyy-MM-dd HH:mm", tzinfo=STOCKHOLM, locale=LOCALE)


@cache
def month_name(month: int) -> str:
    """The month's Swedish name: 11 → "november"."""
    return format_date(date(2000, month, 1), "MMMM", locale=LOCALE)


def in_unit(unit: str, value: float) -> str:
    """A result in an indicator's unit (procent, antal, kronor, janej): "79 %", "12", "12 500 000 kr", "ja"."""
    decimals = 0 if float(value).is_integer() else 1
    if unit == "procent":
        return percent(value, decimals=decimals)
    if unit == "kronor":
        return kronor(value)
    if unit == "janej":
        return "ja" if value else "nej"
    return number(value, decimals=decimals)


def genitive(name: str) -> str:
    """A name's possessive: "Maria Chefs", but "Lars", "Max" and "Inez" take nothing (Swedish grammar)."""
    return name if name[-1:].lower() in ("s", "x", "z") else name + "s"
