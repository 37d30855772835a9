"""What every value parser shares: its limits, the one exception it raises, and the user's text folded and quoted."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

# Longer input than this cannot be one value; refusing it early keeps every parser fast.
MAX_VALUE_LENGTH = 100
MAX_LIST_LENGTH = 1000


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





def one_line(text: str) -> str:
    """Text fit for a reply: control and format characters and line breaks become single spaces."""
    printable = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    return " ".join(printable.split())


def quoted(text: str) -> str:
    """The user's text as it can be quoted back in a reply: one line, printable, short."""
    line = one_line(text)
    short = line if len(line) <= 40 else line[:39] + "…"
    return f"”{short}”"


def without_accents(text: str) -> str:
    """Lower-case text without diacritics, so "Nässjö", "nassjo" and "NÄSSJÖ" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def fold(text: str) -> str:
    """A name reduced to lower-case words without diacritics or punctuation, for matching."""
    letters = "".join(ch if ch.isalnum() else " " for ch in without_accents(text))
    return " ".join(letters.split())


def capitalised(text: str) -> str:
    """The first letter upper-case, the rest as written: "antal deltagare" → "Antal deltagare"."""
    return text[:1].upper() + text[1:]
