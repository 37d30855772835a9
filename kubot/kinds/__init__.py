"""Record kinds: everything about one kind of record in one package, listed once in `KINDS`.

A kind's package (`attendance/`, `course/`, …) holds its domain half in `__init__.py` (`KIND`: its
tables, its facts loader, the indicator sources it offers), its writer in `record.py`, its chat half
in `chat.py` (`COMMANDS` with their examples, `FORMS`) and its report half in `report.py` (`REPORT`).
`facts`, indicator values, evaluation's "has data", how to report an owed item, the forms, the chat
commands and the report's kind-specific tables are loops over `KINDS`; a new kind is one line here.

Dependency direction: the domain (facts, evaluation, reminders) imports this package and the domain
halves only. The chat package collects `chat.py` of each kind (`chat_half`), the report package
`report.py` (`report_half`), so a kind's chat half may use the chat registry and grammar (pure
parsing) and its report half the report model, while no kind imports a chat platform adapter, the
chat core (`kubot.chat.core`) or the report document (import-linter checks all of it).
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

from sqlmodel import Session

from kubot.kinds import (
    activity,
    application,
    attendance,
    commission,
    course,
    economy,
    event,
    result,
    staff,
    survey,
    texts,
)
from kubot.kinds.base import Ask, IndicatorSource, RecordKind

# In the order their commands are listed in `hjälp` and their parts appear in a report.
KINDS: tuple[RecordKind, ...] = (
    attendance.KIND,
    result.KIND,
    activity.KIND,
    course.KIND,
    commission.KIND,
    application.KIND,
    survey.KIND,
    event.KIND,
    economy.KIND,
    staff.KIND,
    texts.KIND,
)


@cache
def sources() -> dict[str, IndicatorSource]:
    """Every indicator source, by its key in the plan file."""
    return {source.key: source for kind in KINDS for source in kind.sources}


def source(key: str) -> IndicatorSource:
    return sources()[key]


def how_to_report(session: Session, source_key: str, ask: Ask) -> str:
    """The exact chat command that reports an owed indicator, with the codes, networks and invitees the plan knows
    filled in."""
    return source(source_key).how(session, ask)


def form_for(source_key: str, ask: Ask) -> tuple[str, dict[str, str]] | None:
    """The form that reports an owed indicator, with what it can fill in already; None when it has none."""
    found = source(source_key)
    return (found.form, found.prefill(ask)) if found.form else None


def _half(kind: RecordKind, half: str) -> ModuleType:
    return importlib.import_module(f"{kind.package}.{half}")


def chat_half(kind: RecordKind) -> ModuleType:
    """The kind's `chat.py`: `COMMANDS` (the commands with their examples) and `FORMS`."""
    return _half(kind, "chat")


def report_half(kind: RecordKind) -> ModuleType:
    """The kind's `report.py`: `REPORT`, what it adds to a report."""
    return _half(kind, "report")


__all__ = ["KINDS", "Ask", "chat_half", "form_for", "how_to_report", "report_half", "source", "sources"]
