"""One grammar for the values a chat message can hold, shared by every command.

A command finds its values with the `take_*` functions: each looks for one kind of value
anywhere in the text, returns it parsed, and the text with it cut out. So a form that one
command accepts (a period "T2/2022", a date "i måndags", an amount "2500:-") is accepted
by all of them, wherever it stands in the message. What is left is the command's own
words, usually a name for the `Lexicon` to match.

    period, rest = take_period("status T2/2022 missbruk", today)   # T2 2022, "status missbruk"
    day, rest = take_date("PKS i måndags 12 av 13", today)           # the last Monday
    counted, rest = take_ratio("PKS idag 12 av 13 kommuner")          # (12, 13)
    price, rest = take_amount("pris 2 500:- kr/deltagare", "pris")    # Decimal("2500")

Every function raises `ValueProblem` (a Swedish sentence for the user) when it finds
something that looks like its value but cannot be one ("30/2", "T4 2022"), and returns
None when the text holds no such value at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from kubot import formatting, values
from kubot.periods import Period, PeriodError
from kubot.records import MAX_AMOUNT
from kubot.values import ValueProblem

__all__ = [
    "MAX_COUNT",
    "NUMBER",
    "count",
    "entry_number",
    "latest_tertial",
    "split_at_date",
    "split_comment",
    "take_amount",
    "take_count",
    "take_date",
    "take_flag",
    "take_percent",
    "take_period",
    "take_ratio",
    "take_year",
    "tidy",
]

# A value stands alone: it starts after a space or an opening bracket and ends before a
# space or a punctuation mark, so "idag:" and "12 av 13," are read like "idag" and "12 av 13".
_START = r"(?<![^\s(\"”“])"
_END = r"(?=$|[\s,.:;!?)\"”“])"
NUMBER = r"[-+−]?[0-9]{1,3}(?:[  \u202f][0-9]{3})+(?:,[0-9]+)?|[-+−]?[0-9]+(?:[,.][0-9]+)?"
# Ceilings for what people count in a message; larger figures are typing mistakes.
MAX_COUNT = 100_000
MAX_ENTRY_NUMBER = 999_999_999

_PERIOD = re.compile(
    rf"{_START}(?:t(?:ertial)?\s?(?P<t1>[123])(?:\s*[-/ ]\s*(?P<y1>[0-9]{{4}}))?|(?P<y2>[0-9]{{4}})\s*[-/"
    rf" ]?\s*t(?P<t2>[123])){_END}",
    re.IGNORECASE,
)
_BAD_TERTIAL = re.compile(rf"{_START}t\s?(?P<t>[04-9])(?:\s*[-/ ]\s*[0-9]{{4}})?{_END}", re.IGNORECASE)
_YEAR_ALONE = re.compile(rf"{_START}(?:år\s+)?(?P<year>20[0-9]{{2}}){_END}", re.IGNORECASE)

_MONTH = r"(?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)[a-zåäö]*\.?"
_WEEKDAY = r"(?:mån|tis|ons|tors|fre|lör|lor|sön|son)"
_DATE = re.compile(
    _START
    + r"(?P<date>"
    + r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    + r"|(?:den\s+)?[0-9]{1,2}(?::?[ae])?\s*" + _MONTH + r"(?:\s+[0-9]{4})?"
    + r"|[0-9]{1,2}/[0-9]{1,2}(?:(?:[-/]|\s(?=[0-9]{4}))[0-9]{2,4})?"
    + r"|[0-9]{1,2}\.[0-9]{1,2}(?:\.[0-9]{2,4})?"
    + r"|i\s?dag|today|i\s?g[aå]r|yesterday|(?:i\s)?f[oö]rrg[aå]r"
    + r"|i\s" + _WEEKDAY + r"dags|f[oö]rra\s(?:veckans\s)?" + _WEEKDAY + r"dag(?:en)?"
    + r")" + _END,
    re.IGNORECASE,
)
_RATIO = re.compile(
    rf"{_START}(?P<part>[0-9]+)\s*(?:av|/)\s*(?P<whole>[0-9]+)(?:\s+(?:kommuner(?:na)?|st))?{_END}", re.IGNORECASE
)
_TRAILING = re.compile(r"[\s!?.,;:…]+$")
# Words people add at the end of a message that carry no value ("Klar, tack!").
_FILLER_AT_END = re.compile(
    r"(?:[\s,]+(?:tack|tack så mycket|tackar|tia|please|hälsningar|mvh))+[\s!.]*$", re.IGNORECASE
)
# A colon followed by these is part of the value before it ("12:e maj", "kl 10:30"), not a comment.
# Nor is the colon of a genitive or definite ending after an abbreviation ("PKS:s möte", "MAS:en").
_COMMENT_COLON = re.compile(r":(?=\s|$)|(?<![0-9]):(?![a-zåäö]{1,2}(?![\w]))(?=[^\W\d_])")


def tidy(text: str) -> str:
    """The message without trailing punctuation and filler words: "Klar, tack!" → "Klar"."""
    text = _FILLER_AT_END.sub("", text)
    return _TRAILING.sub("", text).strip()


def split_comment(text: str) -> tuple[str, str]:
    """A message and the short comment after its colon or inside its closing brackets.

    "… 12 av 13: bra möte" and "… 12 av 13 (bra möte)" both give ("… 12 av 13", "bra möte").
    Without a comment the text comes back whole with an empty comment.
    """
    stripped = text.strip()
    # Punctuation or a "tack" after the brackets ends the sentence; it is not part of the comment.
    closed = re.sub(r"(?<=\))[\s.!]*(?:tack[\s.!]*)?$", "", stripped, flags=re.IGNORECASE)
    if closed.endswith(")") and "(" in closed:
        head, _, comment = closed[:-1].rpartition("(")
        if head.strip():
            return head.strip(), comment.strip()
    match = _COMMENT_COLON.search(stripped)
    if match is None:
        return stripped, ""
    return stripped[: match.start()].strip(), stripped[match.end():].strip()


def _cut(text: str, match: re.Match[str]) -> str:
    """The text without the match and a comma or colon right after it ("idag: 12 av 13")."""
    after = re.sub(r"^[:,;]", "", text[match.end():])
    return " ".join((text[: match.start()] + " " + after).split())


def latest_tertial(tertial: int, today: date) -> Period:
    """"T3" without a year: the current tertial, or the latest one that has begun."""
    this_year = Period(today.year, tertial)
    return this_year if this_year.tertial_start <= today else Period(today.year - 1, tertial)


def take_year(text: str) -> tuple[int | None, str]:
    """The last year standing alone ("2022", "år 2022"), and the text without it: in
    "målvärde kurser 2050 2022" the target is 2050 and the year 2022."""
    found = list(_YEAR_ALONE.finditer(text))
    return (None, text) if not found else (int(found[-1]["year"]), _cut(text, found[-1]))


def take_period(text: str, today: date, *, year_alone: bool = False) -> tuple[Period | None, str]:
    """The period a message names, and the text without it.

    "T2 2022", "T2/2022", "t2-2022", "2022 T2", "tertial 2 2022", or "T3" alone for the
    current or latest T3. With `year_alone`, a bare year "2022" is the whole year (T3).
    """
    match = _PERIOD.search(text)
    if match is None:
        if bad := _BAD_TERTIAL.search(text):
            raise ValueProblem(
                f"”{bad[0]}” är ingen period – tertialen är T1, T2 eller T3. Skriv till exempel T2 {today.year}."
            )
        if year_alone and (alone := _YEAR_ALONE.search(text)):
            return _period(int(alone["year"]), 3), _cut(text, alone)
        return None, text
    tertial = int(match["t1"] or match["t2"])
    year = match["y1"] or match["y2"]
    period = latest_tertial(tertial, today) if year is None else _period(int(year), tertial)
    return period, _cut(text, match)


def _period(year: int, tertial: int) -> Period:
    try:
        return Period(year, tertial)
    except PeriodError as exc:
        raise ValueProblem(str(exc)) from exc


def take_date(text: str, today: date) -> tuple[date | None, str]:
    """The first date in a message ("2022-03-10", "12/5", "5.11", "den 5 februari", "12:e maj",
    "idag", "igår", "i förrgår", "i måndags", "förra torsdagen", "förra veckans torsdag"), and the text
    without it.

    "12/13" is no date (there is no month 13) and is left for a count "12 av 13" to take.
    """
    found = split_at_date(text, today)
    if found is None:
        return None, text
    before, day, after = found
    return day, f"{before} {after}".strip()


def split_at_date(text: str, today: date) -> tuple[str, date, str] | None:
    """The text before the first date, the date, and the text after it; None without a date."""
    for match in _DATE.finditer(text):
        numeric = re.fullmatch(r"[0-9]{1,2}[/.]([0-9]{1,2}).*", match["date"])
        if numeric and not 1 <= int(numeric[1]) <= 12:
            continue
        after = re.sub(r"^[:,;]", "", text[match.end():])
        return " ".join(text[: match.start()].split()), values.parse_date(match["date"], today), " ".join(after.split())
    return None


def take_ratio(text: str) -> tuple[tuple[int, int] | None, str]:
    """A count out of a whole: "12 av 13", "12/13", "12 av 13 kommuner"."""
    match = _RATIO.search(text)
    if match is None:
        return None, text
    part = count(match["part"], "antal")
    whole = count(match["whole"], "antal")
    return (part, whole), _cut(text, match)


def count(written: str, what: str, minimum: int = 0) -> int:
    """A whole number people counted ("antal deltagare"), from `minimum` up to `MAX_COUNT`."""
    return values.parse_int(written, minimum=minimum, maximum=MAX_COUNT, what=what)


_LAST_VALUE = re.compile(rf"{_START}(?:(?P<number>{NUMBER})\s*(?:%|procent)?|(?P<yes_no>ja|nej))$", re.IGNORECASE)


def split_last_value(text: str, *, yes_no: bool = False) -> tuple[str, str] | None:
    """What a value at the end of a message is about, and the value's text: "nojd-medarbetare 79 %"
    → ("nojd-medarbetare", "79"); with `yes_no`, "ja" and "nej" count as values too. None without a value."""
    match = _LAST_VALUE.search(text)
    if match is None or (match["yes_no"] and not yes_no):
        return None
    return text[: match.start()].strip(), match["number"] or match["yes_no"].lower()


def take_count(text: str, nouns: Iterable[str], *, what: str, minimum: int = 0) -> tuple[int | None, str]:
    """A count next to its noun: "kvinnor 5", "deltagare: 25", or else "25 deltagare", "25 st deltagare".

    The noun first is tried first, so in "… 6 5 vet ej 2" and "kvinnor 5 män 7" each noun gets the count after it.
    """
    words = "|".join(re.escape(noun) for noun in nouns)
    integer = r"[-+−]?[0-9]{1,3}(?:[  ][0-9]{3})+|[-+−]?[0-9]+"
    for pattern in (rf"{_START}(?:{words}):?\s*(?P<n>{integer}){_END}",
                    rf"{_START}(?P<n>{integer})\s*(?:st\.?\s*)?(?:{words}){_END}"):
        if match := re.search(pattern, text, re.IGNORECASE):
            return count(match["n"], what, minimum), _cut(text, match)
    return None, text


def take_amount(text: str, *keywords: str, what: str = "beloppet") -> tuple[Decimal | None, str]:
    """An amount in kronor, after one of `keywords` if given: "pris 2 500", "2500:-", "4 500 kr/deltagare".

    Without keywords the last amount in the text is taken ("… Vinnova 1 200 000 kr").
    """
    unit = r"(?::-)?(?:\s*(?:kr|kronor|sek)\.?)?(?:\s*(?:/|per)\s*(?:deltagare|person|st))?"
    lead = rf"(?:{'|'.join(re.escape(k) for k in keywords)}):?\s*" if keywords else ""
    pattern = re.compile(rf"{_START}{lead}(?P<amount>{NUMBER}){unit}{_END}", re.IGNORECASE)
    found = list(pattern.finditer(text))
    if not found:
        return None, text
    match = found[0] if keywords else found[-1]
    amount = values.parse_number(match["amount"])
    if amount > MAX_AMOUNT:
        raise ValueProblem(f"{_capitalised(what)} är orimligt stort – högst {formatting.kronor(MAX_AMOUNT)} går.")
    return amount, _cut(text, match)


def take_percent(text: str) -> tuple[Decimal | None, str]:
    """A share written with its sign: "79 %", "79%", "49,13 procent"."""
    match = re.search(rf"{_START}(?P<value>{NUMBER})\s*(?:%|procent){_END}", text, re.IGNORECASE)
    if match is None:
        return None, text
    return values.parse_percent(match["value"]), _cut(text, match)


def take_flag(text: str, *words: str) -> tuple[bool, str]:
    """Whether one of `words` stands in the text ("digital", "ytterligare"), and the text without it."""
    match = re.search(rf"{_START}(?:{'|'.join(re.escape(w) for w in words)}){_END}", text, re.IGNORECASE)
    return (False, text) if match is None else (True, _cut(text, match))


# How a meeting was held, as people add it to a message, and how kubot writes it back: the platform by
# name ("via Teams"), else remote or in person. The longer phrases first, so "på distans" is not "distans" + "på".
ON_SITE = "på plats"
REMOTE = "digitalt"
_CHANNELS: tuple[tuple[str, str], ...] = (
    (r"(?:via|i|på|över|med)\s+(?P<app>teams|zoom|skype|google meet|meet)", ""),
    (r"(?:på\s+)?distans|digitalt|digital|online|videomöte", REMOTE),
    (r"på\s+plats|fysiskt", ON_SITE),
)


def take_channel(text: str) -> tuple[str | None, str]:
    """How a meeting was held, if the text says ("via Teams", "i Zoom", "digitalt", "på distans", "på plats"),
    as kubot writes it ("via Teams", "digitalt", "på plats"), and the text without it."""
    for pattern, said in _CHANNELS:
        match = re.search(rf"{_START}(?:{pattern}){_END}", text, re.IGNORECASE)
        if match is not None:
            app = match.groupdict().get("app")
            # Said last ("alla var där, i Zoom"), it leaves the separator before it behind.
            return (f"via {' '.join(w.capitalize() for w in app.split())}" if app else said), _cut(text, match).rstrip(
                " ,;"
            )
    return None, text


def entry_number(text: str) -> int:
    """An entry number as written in "ångra 412" or "rätta #412": plain digits 0–9 only, within range."""
    written = text.strip().removeprefix("#").strip()
    if not re.fullmatch(r"[0-9]{1,30}", written):
        raise ValueProblem(
            f"{values.quoted(text)} är inget nummer på en registrering. Skriv numret med siffror, till exempel 12."
        )
    number = int(written)
    if not 1 <= number <= MAX_ENTRY_NUMBER:
        raise ValueProblem(f"Det finns ingen registrering #{written[:12]}{'…' if len(written) > 12 else ''}.")
    return number


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
