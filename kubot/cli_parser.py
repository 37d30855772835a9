"""Swedish help and error texts for the `kubot` command line.

argparse takes its fixed texts ("usage:", "the following arguments are required: …") from
gettext through its module-level `_`, and Python ships no Swedish catalogue. `SwedishParser`
swaps in the translations below only while it builds, formats or parses, so argparse
elsewhere in the process (pytest, alembic) is left as it was.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

_TEXTS = {
    "usage: ": "användning: ",
    "positional arguments": "argument",
    "options": "flaggor",
    "optional arguments": "flaggor",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "the following arguments are required: %s": "det här saknas: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ogiltigt val: %(value)r (välj bland %(choices)s)",
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)":
        "ogiltigt val: %(value)r, menade du %(closest)r? (välj bland %(choices)s)",
    "invalid %(type)s value: %(value)r": "ogiltigt värde: %(value)r",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "expected one argument": "behöver ett värde",
    "expected at least one argument": "behöver minst ett värde",
    "expected at most one argument": "tar högst ett värde",
    "expected %s argument": "behöver %s värde",
    "expected %s arguments": "behöver %s värden",
    "ambiguous option: %(option)s could match %(matches)s": "flaggan %(option)s är tvetydig: den kan vara %(matches)s",
    "one of the arguments %s is required": "ett av argumenten %s behövs",
    "not allowed with argument %s": "går inte att kombinera med %s",
    "ignored explicit argument %r": "värdet %r tas inte emot",
    "can't open '%(filename)s': %(error)s": "kan inte öppna ”%(filename)s”: %(error)s",
}

T = TypeVar("T")


def _translate(message: str) -> str:
    return _TEXTS.get(message, message)


def _translate_plural(singular: str, plural: str, n: int) -> str:
    return _translate(singular if n == 1 else plural)


@contextmanager
def _swedish() -> Iterator[None]:
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    setattr(argparse, "_", _translate)  # noqa: B010 (the module attribute argparse looks up at call time)
    setattr(argparse, "ngettext", _translate_plural)  # noqa: B010
    try:
        yield
    finally:
        setattr(argparse, "_", saved[0])  # noqa: B010
        setattr(argparse, "ngettext", saved[1])  # noqa: B010


def _in_swedish(call: Callable[[], T]) -> T:
    with _swedish():
        return call()


class SwedishParser(argparse.ArgumentParser):
    """An ArgumentParser that helps and refuses in Swedish; its subcommand parsers are Swedish too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with _swedish():
            super().__init__(*args, **kwargs)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        return _in_swedish(lambda: super(SwedishParser, self).parse_args(args, namespace))

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        return _in_swedish(lambda: super(SwedishParser, self).parse_known_args(args, namespace))

    def error(self, message: str) -> NoReturn:
        with _swedish():
            super().error(message)

    def format_usage(self) -> str:
        return _in_swedish(super().format_usage)

    def format_help(self) -> str:
        return _in_swedish(super().format_help)
