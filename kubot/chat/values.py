"""Forgiving parsing of the values inside chat messages.

Civil servants type dates, numbers and names the way they would to a colleague, often on
a phone: "12/5", "4 500", "nassjo", "Aneby Eksjö och Habo". Each parser accepts every
reasonable spelling of a value. When it cannot, it raises `ValueProblem`, whose message
is a Swedish sentence the bot can send back as it is: what was wrong, and a correct
example. For any input string the parsers return a value or raise `ValueProblem`, never
anything else, so the chat layer needs exactly one `except` clause.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import snowballstemmer
from babel.dates import get_month_names
from babel.lists import format_list
from rapidfuzz import fuzz, process

from kubot import formatting
from kubot.periods import FIRST_YEAR

__all__ = [
    "Ambiguous",
    "NoMatch",
    "ValueProblem",
    "fold",
    "match_name",
    "match_ranked",
    "parse_date",
    "parse_int",
    "parse_municipalities",
    "parse_number",
    "parse_percent",
    "quoted",
]

# Longer input than this cannot be one value; refusing it early keeps every parser fast.
MAX_VALUE_LENGTH = 100
MAX_LIST_LENGTH = 1000
# Longer figures are typing mistakes, not data; the limits also keep every figure well
# within the 28 significant digits that Decimal arithmetic and `formatting` work with.
MAX_INTEGER_DIGITS = 15
MAX_DECIMALS = 6
# A date without a year that would lie this far ahead is taken to mean last year.
NEXT_YEAR_AFTER_DAYS = 31
# How alike (rapidfuzz ratio, 0–100) a query must be to a name, or to as many of the name's first words,
# to be suggested: "psykiatrn" → Psykiatri (89), never "verksamhetsberättelse" → Verksamhetsförlagd
# utbildning (67). A name scoring more than SCORE_SPREAD below the best one only makes "Menade du …?" longer.
SUGGESTION_SCORE = 75
# Shorter queries match a name only exactly, by stem or as the start of a word ("Hab"): "NaN"
# or "av" is never found inside a name, and gets no "Menade du …?".
MIN_PREFIX_LETTERS = 3
MIN_FUZZY_LETTERS = 4
SCORE_SPREAD = 10
MAX_SUGGESTIONS = 3
MAX_LISTED_ALTERNATIVES = 6
# Swedish needs a noun's gender for "inget nätverk" / "ingen kommun". These are the neuter
# kinds kubot names; any other kind word is taken as common gender (en-ord).
NEUTER_KINDS = frozenset({"nätverk", "mätetal", "område"})


class ValueProblem(ValueError):
    """A value in a chat message that kubot cannot use; str() is the Swedish reply."""


class NoMatch(ValueProblem):
    """No candidate matches a name; `suggestions` holds up to three close names."""

    def __init__(self, message: str, suggestions: list[str], *, query: str = "", codes: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.suggestions = suggestions
        self.query = query
        self.codes = list(codes)


class Ambiguous(ValueProblem):
    """Several candidates match a name equally well; `alternatives` lists them all."""

    def __init__(self, message: str, alternatives: list[str]) -> None:
        super().__init__(message)
        self.alternatives = alternatives


# ---------------------------------------------------------------------------- text helpers


def _one_line(text: str) -> str:
    """Text fit for a reply: control and format characters and line breaks become single spaces."""
    printable = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    return " ".join(printable.split())


def quoted(text: str) -> str:
    """The user's text as it can be quoted back in a reply: one line, printable, short."""
    one_line = _one_line(text)
    short = one_line if len(one_line) <= 40 else one_line[:39] + "…"
    return f"”{short}”"


def _without_accents(text: str) -> str:
    """Lower-case text without diacritics, so "Nässjö", "nassjo" and "NÄSSJÖ" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def fold(text: str) -> str:
    """A name reduced to lower-case words without diacritics or punctuation, for matching."""
    letters = "".join(ch if ch.isalnum() else " " for ch in _without_accents(text))
    return " ".join(letters.split())


_STEMMER = snowballstemmer.stemmer("swedish")
# Words that say what kind of thing a name is, not which: "PKS-mötet", "psykiatri-området".
_FILLER_NAME_WORDS = frozenset({"mote", "motet", "motena", "moten", "traff", "traffen", "traffar", "traffarna",
                                "sammantrade", "sammantradet", "omradet", "natverket", "gruppen", "s"})  # "s": the genitive of "PKS:s möte"
# The same words as the last part of a compound, with or without hyphen: "skolchefsträffarna", "rekomötet".
_FILLER_ENDING = re.compile(r"(?<=[a-z]{3})s?(?:motena|motet|moten|mote|traffarna|traffar|traffen|traff|omradet|omrade|sammantradet|sammantradena)$")


def _plain_name(folded: str) -> str:
    """A folded name without the words that say what kind of thing it is, nor a genitive "s":
    "pks s mote" ("PKS:s möte") → "pks", "socialchefernas traff" → "socialchefer", "skolchefstraffarna" → "skolchef"."""
    words = [_FILLER_ENDING.sub("", word) for word in folded.split() if word not in _FILLER_NAME_WORDS]
    if words and len(words[-1]) > 4 and words[-1].endswith(("nas", "ens", "ets")):
        words[-1] = words[-1][:-1]  # "socialchefernas" → "socialcheferna", which stems as the plural
    return " ".join(words) or folded
# Small words a name is told with but never found by: "chefsnätverket för missbruk".
_LINKING_WORDS = frozenset({"for", "i", "inom", "om", "och", "med", "pa", "av"})


@functools.lru_cache(maxsize=4096)
def _stem(folded: str) -> str:
    """Each word of a folded name without its inflection: "socialcheferna" → "socialchef", "psykiatrin" → "psykiatri".

    The Swedish Snowball stemmer strips plural and most definite endings; the definite
    "-n" after a vowel ("psykiatrin", "linjen") it leaves, so that is cut here.
    """
    words = []
    for word in folded.split():
        stem = _STEMMER.stemWord(word)
        if len(stem) > 4 and stem.endswith("n") and stem[-2] in "aeiouy":
            stem = stem[:-1]
        words.append(stem)
    return " ".join(words)


# A told word may carry an ending the stemmer leaves ("nätverket"): this many letters past a name's word.
_MAX_ENDING = 3


def _words_told(told: Sequence[str], name_words: Sequence[str]) -> bool:
    """Whether each word told is one of the name's words, perhaps with an ending: "chefsnätverket för
    missbruk" tells Chefsnätverk missbruk och beroende."""
    return bool(told) and all(
        any(word == name or (len(name) >= MIN_FUZZY_LETTERS and word.startswith(name)
                 and len(word) - len(name) <= _MAX_ENDING) for name in name_words) for word in told
    )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------- dates

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
    plain = " ".join(_without_accents(text).split()).removeprefix("den ")
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


# ---------------------------------------------------------------------------- numbers

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
            f"{_capitalised(what)} måste vara ett heltal – {formatting.number(value, decimals=_places(value))} "
            f"går inte. Skriv till exempel {example(whole)}."
        )
    if whole < minimum or (maximum is not None and whole > maximum):
        bounds = (
            f"minst {formatting.number(minimum)}"
            if maximum is None
            else f"mellan {formatting.number(minimum)} och {formatting.number(maximum)}"
        )
        raise ValueProblem(
            f"{_capitalised(what)} ska vara {bounds}, inte {formatting.number(whole)}. "
            f"Skriv till exempel {example(whole)}."
        )
    return whole


# ---------------------------------------------------------------------------- names


@dataclass(frozen=True)
class _Entry:
    """One candidate: its code, the name shown in replies, and both folded for matching."""

    code: str
    display: str
    folded_code: str
    folded_names: tuple[str, ...]


class _Names:
    """Candidates folded once, searched in the order `match_name` promises."""

    def __init__(self, candidates: Mapping[str, Sequence[str]], kind: str) -> None:
        self.kind = kind
        self.entries: list[_Entry] = []
        for code, names in candidates.items():
            # A bare string is a Sequence[str] of letters; read it as the one name it means.
            name_list = [names] if isinstance(names, str) else list(names)
            folded = tuple(dict.fromkeys(f for f in map(fold, name_list) if f))
            display = next((shown for shown in map(_one_line, [*name_list, code]) if shown), "")
            self.entries.append(_Entry(code, display, fold(code), folded))
        self.by_code: dict[str, list[_Entry]] = {}
        self.by_name: dict[str, list[_Entry]] = {}
        for entry in self.entries:
            if entry.folded_code:
                self.by_code.setdefault(entry.folded_code, []).append(entry)
            for name in entry.folded_names:
                self.by_name.setdefault(name, []).append(entry)
        self.most_words = max((len(key.split()) for key in (*self.by_code, *self.by_name)), default=1)

    def exact(self, folded: str) -> _Entry | None:
        """The one candidate whose code, or else whose name, is exactly `folded`."""
        for index in (self.by_code, self.by_name):
            if len(found := index.get(folded, [])) == 1:
                return found[0]
            if found:
                return None
        return None

    def find(self, query: str) -> _Entry:
        return self.find_ranked(query)[0]

    def find_ranked(self, query: str) -> tuple[_Entry, int]:
        """The candidate and the number of the step that found it (0 = its exact code; higher is looser).

        Code, name, their stems, word prefix, then substring; the first step with hits decides.

        Stems let definite and plural forms match ("socialcheferna", "psykiatrin",
        "mix-gruppen"). A query without letters (a number, a unit) or of fewer than
        `MIN_FUZZY_LETTERS` letters is never looked for inside names: "-1 %" or "NaN" is no name.
        """
        folded = fold(query)
        if not folded:
            raise NoMatch(f"Namnet saknas. {self._example()}", [], query=query)
        letters = sum(ch.isalpha() for ch in folded)
        if not letters:
            raise NoMatch(f"{quoted(query)} är inget namn. {self._example()}", [], query=query)
        plain = _plain_name(folded)
        stemmed = _stem(plain)
        steps = [
            lambda entry: entry.folded_code == folded,
            lambda entry: folded in entry.folded_names,
            lambda entry: plain in (entry.folded_code, *entry.folded_names),
            lambda entry: stemmed in (_stem(entry.folded_code), *map(_stem, entry.folded_names)),
        ]
        if letters >= MIN_PREFIX_LETTERS:
            steps += [
                lambda entry: any(f" {folded}" in f" {name}" for name in entry.folded_names),
                lambda entry: any(f" {_stem(folded)}" in f" {_stem(name)}" for name in entry.folded_names),
            ]
        if letters >= MIN_FUZZY_LETTERS:
            steps.append(lambda entry: any(folded in name for name in entry.folded_names))
            told = [_stem(word) for word in folded.split() if word not in _LINKING_WORDS]
            steps.append(lambda entry: any(_words_told(told, _stem(name).split()) for name in entry.folded_names))
        for number, step in enumerate(steps):
            found = [entry for entry in self.entries if step(entry)]
            if len(found) == 1:
                return found[0], number
            if found:
                raise self._ambiguous(query, found)
        raise self._no_match(query, folded)

    def _ambiguous(self, query: str, found: list[_Entry]) -> Ambiguous:
        displays = [entry.display for entry in found]
        labels = [
            f"{entry.display} ({_one_line(entry.code)})" if displays.count(entry.display) > 1 else entry.display
            for entry in found
        ]
        listed = ", ".join(labels[:MAX_LISTED_ALTERNATIVES])
        if len(labels) > MAX_LISTED_ALTERNATIVES:
            listed += f" och {len(labels) - MAX_LISTED_ALTERNATIVES} till"
        return Ambiguous(f"{quoted(query)} kan vara flera: {listed}. Skriv mer av namnet.", labels)

    def _example(self) -> str:
        if not self.entries:
            return "Det finns inga att välja bland."
        return f"Skriv namnet eller koden, till exempel {self.entries[0].display}."

    def _no_match(self, query: str, folded: str) -> NoMatch:
        none = "inget" if self.kind in NEUTER_KINDS else "ingen"
        suggestions = self._suggestions(folded) if sum(ch.isalpha() for ch in folded) >= MIN_FUZZY_LETTERS else []
        hint = (
            f"Menade du {format_list(suggestions, style='or', locale=formatting.LOCALE)}?"
            if suggestions
            else self._example()
        )
        codes = [entry.code for display in suggestions for entry in self.entries if entry.display == display]
        return NoMatch(f"Hittar {none} {self.kind} som heter {quoted(query)}. {hint}", suggestions, query=query, codes=codes)

    def _suggestions(self, folded: str) -> list[str]:
        """Up to three names at least `SUGGESTION_SCORE` alike to `folded`, best first."""
        words = len(folded.split())
        keys = [
            (shown, entry)
            for entry in self.entries
            for key in (entry.folded_code, *entry.folded_names)
            if key
            for shown in dict.fromkeys((key, " ".join(key.split()[:words])))
        ]
        scored = process.extract(
            folded[:MAX_VALUE_LENGTH], [key for key, _ in keys], scorer=fuzz.ratio, score_cutoff=SUGGESTION_SCORE, limit=None
        )
        best: dict[str, tuple[float, str]] = {}
        for _, score, position in scored:
            entry = keys[position][1]
            if score > best.get(entry.code, (-1.0, ""))[0]:
                best[entry.code] = (score, entry.display)
        ranked = sorted(best.values(), key=lambda scored_name: -scored_name[0])
        top = ranked[0][0] if ranked else 0.0
        close = [display for score, display in ranked if score >= top - SCORE_SPREAD]
        return list(dict.fromkeys(close))[:MAX_SUGGESTIONS]


def match_name(query: str, candidates: Mapping[str, Sequence[str]], *, kind: str = "nätverk") -> str:
    """The code of the candidate the user means, e.g. "nassjo" → the code of Nässjö.

    `candidates` maps each code to its names (the first is the one shown to people). The
    steps, each case- and diacritics-insensitive, are: exact code, exact name, a name with
    a word starting with the query, a name containing the query. The first step that finds
    anything decides; several hits raise `Ambiguous`, none at all `NoMatch` with the
    nearest names. `kind` ("nätverk", "mätetal", "kommun", "aktivitet") words the replies.
    """
    return _Names(candidates, kind).find(query).code


def match_ranked(query: str, candidates: Mapping[str, Sequence[str]], *, kind: str = "nätverk") -> tuple[str, int]:
    """`match_name`'s code and how loosely it matched (0 = the exact code), to choose between kinds of things."""
    entry, step = _Names(candidates, kind).find_ranked(query)
    return entry.code, step


# ---------------------------------------------------------------------------- municipalities

_CONNECTIVES = frozenset({"och", "samt"})
_EVERYONE = frozenset({"alla", "samtliga"})
_MUNICIPALITY_WORDS = frozenset({"kommuner", "kommunerna"})
_EXCEPT = frozenset({"utom", "forutom"})


@dataclass(frozen=True)
class _Token:
    """A word of a list, or a separator (comma, semicolon, "&", "+") that no name runs across."""

    folded: str
    raw: str
    separator: bool = False


def _tokens(text: str) -> list[_Token]:
    """Split into words and separators; other punctuation separates words like a space."""
    tokens: list[_Token] = []
    for raw in re.findall(r"[,;&+]|[^\W_]+", unicodedata.normalize("NFC", text)):
        if raw in ",;&+":
            tokens.append(_Token(raw, raw, separator=True))
        elif folded := fold(raw):
            tokens.append(_Token(folded, raw))
    return tokens


def _after_separators(tokens: list[_Token], position: int) -> int:
    while position < len(tokens) and tokens[position].separator:
        position += 1
    return position


def _longest_exact_name(tokens: list[_Token], position: int, names: _Names) -> tuple[_Entry, int] | None:
    """The longest run of words from `position` that is exactly one name or code, and its length."""
    for length in range(min(names.most_words, len(tokens) - position), 0, -1):
        phrase = tokens[position : position + length]
        if not any(token.separator for token in phrase):
            entry = names.exact(" ".join(token.folded for token in phrase))
            if entry is not None:
                return entry, length
    return None


def _named_codes(tokens: list[_Token], names: _Names) -> set[str]:
    """Codes of the municipalities named in `tokens`, separated by commas, "och", "samt" or spaces.

    Going left to right, the longest run of words that is exactly a name or code is taken,
    so "Region Jönköpings län" stays one name. Words that are no exact name are gathered up
    to the next separator or known name and looked up forgivingly as one phrase ("Eksj",
    "Jönköpings län"); that lookup is also what reports an unknown name with suggestions.
    """
    codes: set[str] = set()
    unknown: list[_Token] = []

    def settle_unknown() -> None:
        if unknown:
            codes.add(names.find(" ".join(token.raw for token in unknown)).code)
            unknown.clear()

    position = 0
    while position < len(tokens):
        token = tokens[position]
        if exact := _longest_exact_name(tokens, position, names):
            settle_unknown()
            codes.add(exact[0].code)
            position += exact[1]
            continue
        if token.separator or token.folded in _CONNECTIVES:
            settle_unknown()
        else:
            unknown.append(token)
        position += 1
    settle_unknown()
    return codes


def _all_except(tokens: list[_Token], text: str, names: _Names, example: str) -> frozenset[str]:
    """Resolve "alla", "alla kommuner" or "alla utom …"; `tokens` start after "alla"."""
    position = _after_separators(tokens, 0)
    if position < len(tokens) and tokens[position].folded in _MUNICIPALITY_WORDS:
        position = _after_separators(tokens, position + 1)
    everyone = {entry.code for entry in names.entries}
    if position == len(tokens):
        return frozenset(everyone)
    first_name = names.entries[0].display
    if tokens[position].folded not in _EXCEPT:
        raise ValueProblem(
            f"Förstår inte {quoted(text)}. Skriv alla, alla utom {first_name} "
            f"eller vilka kommuner det gäller, till exempel {example}."
        )
    excluded = _named_codes(tokens[position + 1 :], names)
    if not excluded:
        raise ValueProblem(f"Skriv vilka kommuner som inte ska med, till exempel alla utom {first_name}.")
    if not everyone - excluded:
        raise ValueProblem(f"Då blir inga kommuner kvar. Skriv till exempel alla utom {first_name}.")
    return frozenset(everyone - excluded)


def parse_municipalities(text: str, municipalities: Mapping[str, str]) -> frozenset[str]:
    """The municipality codes a message names: "alla", "alla utom Habo, Mullsjö", "Aneby, Eksjö och Gislaved".

    Names may be separated by commas, "och", "samt" or only spaces; names of several
    words ("Region Jönköpings län") are kept together. Naming one twice is harmless.
    """
    names = _Names({code: (name,) for code, name in municipalities.items()}, "kommun")
    if not names.entries:
        raise ValueProblem("Det finns inga kommuner att välja bland.")
    example = format_list([entry.display for entry in names.entries[:2]], locale=formatting.LOCALE)
    if len(text) > MAX_LIST_LENGTH:
        raise ValueProblem(f"Det där är för långt för en lista med kommuner. Skriv till exempel {example}.")
    tokens = _tokens(text)
    if tokens and tokens[0].folded in _EVERYONE:
        return _all_except(tokens[1:], text, names, example)
    codes = _named_codes(tokens, names)
    if not codes:
        raise ValueProblem(f"Skriv vilka kommuner det gäller, till exempel {example} – eller alla.")
    return frozenset(codes)
