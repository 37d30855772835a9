"""Names of networks, areas, municipalities and activities matched the way staff write them: folded, stemmed,
abbreviated, misspelt, or listed ("Aneby, Eksjö och Habo", "alla utom Habo")."""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import Stemmer
from babel.lists import format_list

from kubot import formatting
from kubot.values.problems import (
    MAX_LIST_LENGTH,
    MAX_VALUE_LENGTH,
    Ambiguous,
    NoMatch,
    ValueProblem,
    fold,
    one_line,
    quoted,
)

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

# A stemmer keeps its word in itself while it works, so each thread has its own (the web server answers in many).
_STEMMERS = threading.local()
# Words that say what kind of thing a name is, not which: "PKS-mötet", "psykiatri-området".
_FILLER_NAME_WORDS = frozenset({"mote", "motet", "motena", "moten", "traff", "traffen", "traffar", "traffarna",
                                # "s": the genitive of "PKS:s möte"
                                "sammantrade", "sammantradet", "omradet", "natverket", "gruppen", "s"})
# The same words as the last part of a compound, with or without hyphen: "skolchefsträffarna", "rekomötet".
_FILLER_ENDING = re.compile(
    r"(?<=[a-z]{3})s?(?:motena|motet|moten|mote|traffarna|traffar|traffen|traff|omradet|omrade|sammantradet|sammantradena)$"
)


def _plain_name(folded: str) -> str:
    """A folded name without the words that say what kind of thing it is, nor a genitive "s":
    "pks s mote" ("PKS:s möte") → "pks", "socialchefernas traff" → "socialchefer", "skolchefstraffarna" → "skolchef"."""
    words = [_FILLER_ENDING.sub("", word) for word in folded.split() if word not in _FILLER_NAME_WORDS]
    if words and len(words[-1]) > 4 and words[-1].endswith(("nas", "ens", "ets")):
        words[-1] = words[-1][:-1]  # "socialchefernas" → "socialcheferna", which stems as the plural
    return " ".join(words) or folded
# Small words a name is told with but never found by: "chefsnätverket för missbruk".
_LINKING_WORDS = frozenset({"for", "i", "inom", "om", "och", "med", "pa", "av"})


def _stemmer() -> Stemmer.Stemmer:
    if not hasattr(_STEMMERS, "swedish"):
        _STEMMERS.swedish = Stemmer.Stemmer("swedish")
    stemmer: Stemmer.Stemmer = _STEMMERS.swedish
    return stemmer


@functools.lru_cache(maxsize=4096)
def _stem(folded: str) -> str:
    """Each word of a folded name without its inflection: "socialcheferna" → "socialchef", "psykiatrin" → "psykiatri".

    The Swedish Snowball stemmer strips plural and most definite endings; the definite
    "-n" after a vowel ("psykiatrin", "linjen") it leaves, so that is cut here.
    """
    words = []
    for word in folded.split():
        stem = _stemmer().stemWord(word)
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
            display = next((shown for shown in map(one_line, [*name_list, code]) if shown), "")
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
            f"{entry.display} ({one_line(entry.code)})" if displays.count(entry.display) > 1 else entry.display
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
        return NoMatch(
            f"Hittar {none} {self.kind} som heter {quoted(query)}. {hint}", suggestions, query=query, codes=codes
        )

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
        from rapidfuzz import fuzz, process  # only for a name not found: a message that names it right starts sooner

        scored = process.extract(
            folded[:MAX_VALUE_LENGTH],
            [key for key, _ in keys],
            scorer=fuzz.ratio,
            score_cutoff=SUGGESTION_SCORE,
            limit=None,
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


def _indexed(candidates: Mapping[str, Sequence[str]], kind: str) -> _Names:
    """The candidates folded and indexed, once for each set of names: every message matches against the same
    plan's names, and folding them all costs more than the search."""
    return _index_of(kind, tuple((code, (names,) if isinstance(names, str) else tuple(names))
                                 for code, names in candidates.items()))


@functools.lru_cache(maxsize=64)
def _index_of(kind: str, candidates: tuple[tuple[str, tuple[str, ...]], ...]) -> _Names:
    return _Names(dict(candidates), kind)


def match_name(query: str, candidates: Mapping[str, Sequence[str]], *, kind: str = "nätverk") -> str:
    """The code of the candidate the user means, e.g. "nassjo" → the code of Nässjö.

    `candidates` maps each code to its names (the first is the one shown to people). The
    steps, each case- and diacritics-insensitive, are: exact code, exact name, a name with
    a word starting with the query, a name containing the query. The first step that finds
    anything decides; several hits raise `Ambiguous`, none at all `NoMatch` with the
    nearest names. `kind` ("nätverk", "mätetal", "kommun", "aktivitet") words the replies.
    """
    return _indexed(candidates, kind).find(query).code


def match_ranked(query: str, candidates: Mapping[str, Sequence[str]], *, kind: str = "nätverk") -> tuple[str, int]:
    """`match_name`'s code and how loosely it matched (0 = the exact code), to choose between kinds of things."""
    entry, step = _indexed(candidates, kind).find_ranked(query)
    return entry.code, step




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
    names = _indexed({code: (name,) for code, name in municipalities.items()}, "kommun")
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
