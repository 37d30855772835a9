"""Numbers as staff write them: 4 500, 4,5, 79 %, −3, with the grouping other countries use refused clearly."""

from __future__ import annotations

import re
from decimal import Decimal

from kubot import formatting
from kubot.values.problems import MAX_VALUE_LENGTH, ValueProblem, capitalised, quoted

# Longer figures are typing mistakes, not data; the limits also keep every figure well
# within the 28 significant digits that Decimal arithmetic and `formatting` work with.
MAX_INTEGER_DIGITS = 15
MAX_DECIMALS = 6

_SIGN = "[-+\u2212\u2013]"  # hyphen-minus, plus, the real minus, and the en dash Word substitutes
_NUMBER = re.compile(
    rf"(?P<sign>{_SIGN})?\s?(?P<integer>[0-9]{{1,3}}(?: [0-9]{{3}})+|[0-9]+)(?:(?P<mark>[,.])(?P<fraction>[0-9]+))?"
)
# Thousands grouped with "." (German style) or "," (English style): unambiguous only when
# there are two groups, or a decimal part after the other mark.
_FOREIGN_GROUPING = [
    re.compile(
        rf"(?P<sign>{_SIGN})?(?P<integer>[0-9]{{1,3}}(?:{re.escape(group)}[0-9]{{3}}){{2,}}|"
        rf"[0-9]{{1,3}}{re.escape(group)}[0-9]{{3}}(?={re.escape(point)}))(?:{re.escape(point)}(?P<fraction>[0-9]+))?"
    )
    for group, point in ((".", ","), (",", "."))
]


def _check_size(text: str, integer: str, fraction: str) -> None:
    """Refuse figures too long to be anything but a typing mistake."""
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ValueProblem(f"Talet {quoted(text)} är orimligt stort. Skriv till exempel 27 000 000.")
    if len(fraction) > MAX_DECIMALS:
        raise ValueProblem(
            f"Talet {quoted(text)} har för många decimaler – högst {MAX_DECIMALS} går. Skriv till exempel 49,13."
        )


def _read_decimal(text: str, unreadable: str) -> Decimal:
    """Read a signed number in Swedish notation; `unreadable` is the reply when it is no number.

    A comma is always the decimal mark. A point is read as one only where it cannot be a
    thousands separator: "49.13" is 49,13, but "4.500" could be either and is refused.
    """
    if len(text) > MAX_VALUE_LENGTH:
        raise ValueProblem(unreadable)
    compact = " ".join(text.split())
    for pattern in _FOREIGN_GROUPING:
        if foreign := pattern.fullmatch(compact):
            integer, fraction = re.sub("[.,]", "", foreign["integer"]), foreign["fraction"] or ""
            _check_size(text, integer, fraction)
            magnitude = Decimal(f"{integer}.{fraction}")
            negative = foreign["sign"] not in (None, "+")
            meant = formatting.number(-magnitude if negative else magnitude, decimals=len(fraction))
            raise ValueProblem(
                f"Skriv talet med mellanslag mellan tusentalen och komma före decimalerna, till exempel {meant}."
            )
    match = _NUMBER.fullmatch(compact)
    if not match:
        raise ValueProblem(unreadable)
    integer = match["integer"].replace(" ", "")
    fraction = match["fraction"] or ""
    _check_size(text, integer, fraction)
    if match["mark"] == "." and len(fraction) == 3 and integer.lstrip("0"):
        as_thousands = formatting.number(Decimal(integer + fraction))
        as_decimal = formatting.number(Decimal(f"{integer}.{fraction}").normalize(), decimals=len(fraction.rstrip("0")))
        raise ValueProblem(
            f"{quoted(text)} kan betyda både {as_thousands} och {as_decimal}. Skriv {as_thousands} "
            f"(med mellanslag) eller {as_decimal} (med komma)."
        )
    value = Decimal(f"{integer}.{fraction}" if fraction else integer)
    negative = match["sign"] not in (None, "+") and not value.is_zero()
    return -value if negative else value


def _places(value: Decimal) -> int:
    """How many decimals `value` was written with, to quote it back the same way."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def parse_number(text: str, *, allow_negative: bool = False) -> Decimal:
    """A number in Swedish notation: "4 500", "49,13", "1 234,5", "27 000 000".

    Spaces of any kind (also the no-break spaces that phones and Word insert) may group
    thousands. Negative numbers are refused unless `allow_negative`, since most logged
    figures (participants, prices) cannot be negative and a stray "-" is a typo.
    """
    value = _read_decimal(text, f"Förstår inte talet {quoted(text)}. Skriv till exempel 4 500 eller 49,13.")
    if value < 0 and not allow_negative:
        positive = formatting.number(-value, decimals=_places(value))
        raise ValueProblem(
            f"Talet {formatting.number(value, decimals=_places(value))} är negativt, men här går bara "
            f"tal från 0 och uppåt. Skriv till exempel {positive}."
        )
    return value


def parse_percent(text: str) -> Decimal:
    """A share between 0 and 100, with or without "%" or "procent": "79 %", "79%", "49,13"."""
    number_text = text.strip()
    if number_text.endswith("%"):
        number_text = number_text[:-1]
    elif number_text[-7:].casefold() == "procent":
        number_text = number_text[:-7]
    value = _read_decimal(number_text, f"Förstår inte andelen {quoted(text)}. Skriv till exempel 79 % eller 49,13 %.")
    if not 0 <= value <= 100:
        raise ValueProblem(
            f"{formatting.percent(value, decimals=_places(value))} är inte en möjlig andel – en andel "
            f"ligger mellan 0 och 100 %. Skriv till exempel 79 %."
        )
    return value


def parse_int(text: str, *, minimum: int = 0, maximum: int | None = None, what: str = "antal") -> int:
    """A whole number within bounds, e.g. participants: `what` names it in the reply ("antal deltagare")."""

    def example(near: int) -> str:
        upper = near if maximum is None else min(near, maximum)
        return formatting.number(max(upper, minimum))

    value = _read_decimal(
        text, f"Förstår inte {quoted(text)} som {what}. Skriv ett heltal, till exempel {example(12)}."
    )
    whole = int(value)
    if value != whole:
        raise ValueProblem(
            f"{capitalised(what)} måste vara ett heltal – {formatting.number(value, decimals=_places(value))} "
            f"går inte. Skriv till exempel {example(whole)}."
        )
    if whole < minimum or (maximum is not None and whole > maximum):
        bounds = (
            f"minst {formatting.number(minimum)}"
            if maximum is None
            else f"mellan {formatting.number(minimum)} och {formatting.number(maximum)}"
        )
        raise ValueProblem(
            f"{capitalised(what)} ska vara {bounds}, inte {formatting.number(whole)}. "
            f"Skriv till exempel {example(whole)}."
        )
    return whole


