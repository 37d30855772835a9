"""Every record kind in the registry has every piece: a kind that lacks one fails here, not silently in use."""

from __future__ import annotations

import pkgutil
from dataclasses import replace
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import Session, SQLModel

from kubot import kinds
from kubot.chat import forms
from kubot.chat.registry import Command
from kubot.kinds.base import Ask, Kind, ReportHalf, Window
from kubot.models import Staff
from kubot.models.plan import Source
from kubot.periods import Period

T2 = Period(2022, 2)
# Tables with journal entries that are no record kind's: the chat package's own commands (målvärde, påminn,
# frånvarande, deadline, the report sign-off), the evaluation's snapshots and the reminders' bookkeeping.
NOT_A_KIND = {"targetchange", "snooze", "absence", "deadline", "evaluation", "dispatch", "reportsignoff"}


def problems(session: Session, kind: Any, chat: Any, report: Any) -> list[str]:
    """What `kind` (with its chat and report halves) lacks; empty when it has every piece."""
    found = []
    if not kind.name:
        found.append("no name")
    if not kind.tables or not all(
        isinstance(t, type) and issubclass(t, SQLModel) and hasattr(t, "__table__") for t in kind.tables
    ):
        found.append("no tables")
    commands: tuple[Command, ...] = getattr(chat, "COMMANDS", ())
    names = {c.name for c in commands}
    if kind.name not in names:
        found.append(f"no command named {kind.name!r} (its entries are corrected with it)")
    found += [f"{c.name}: no example" for c in commands if not c.examples]
    found += [f"{c.name}: no role or scope" for c in commands if c.declared_role is None or c.scope is None]
    specs: tuple[forms.FormSpec, ...] = getattr(chat, "FORMS", None)  # type: ignore[assignment]
    if specs is None:
        found.append("no FORMS (an empty tuple says it has none)")
        specs = ()
    found += [f"form {s.kind!r} composes no command of the kind" for s in specs if s.kind not in names]
    if not isinstance(getattr(report, "REPORT", None), ReportHalf):
        found.append("no REPORT (ReportHalf() says it adds nothing)")
    window = Window(session, 2022, 2022, date(2022, 1, 1), date(2022, 12, 31), None, None)
    if kind.sources and kind.load(window) is None:
        found.append("sources but no facts")
    actor = session.get(Staff, 1)
    for source in kind.sources:
        if not source.label:
            found.append(f"{source.key}: no label")
        ask = Ask("x", T2, ("pks",), "q")
        how = source.how(session, ask)
        if how.split()[0] not in names:
            found.append(f"{source.key}: how to report ({how!r}) is no command of the kind")
        if "<inbjudna>" in how:
            found.append(f"{source.key}: how to report leaves out who is invited, which the plan knows")
        if source.form is not None:
            form = next((s for s in specs if s.kind == source.form), None)
            if form is None:
                found.append(f"{source.key}: form {source.form!r} is none of the kind's")
                continue
            fields = {f.id for f in form.build(session, actor, date(2022, 9, 1), source.prefill(ask))}
            found += [
                f"{source.key}: prefills {key!r}, no field of its form"
                for key in source.prefill(ask)
                if key not in fields
            ]
    return found


@pytest.mark.parametrize("kind", kinds.KINDS, ids=[k.name for k in kinds.KINDS])
def test_every_kind_has_every_piece(session: Session, kind: Kind) -> None:
    assert problems(session, kind, kinds.chat_half(kind), kinds.report_half(kind)) == []


def test_a_kind_that_lacks_a_piece_is_named_with_what_it_lacks(session: Session) -> None:
    attendance = next(k for k in kinds.KINDS if k.name == "närvaro")
    chat = kinds.chat_half(attendance)
    without_form = SimpleNamespace(COMMANDS=chat.COMMANDS)
    bad_how = replace(attendance.sources[0], how=lambda session, ask: "närvaro <nätverk> <datum> <antal> av <inbjudna>")
    missing = problems(session, replace(attendance, sources=(bad_how,)), without_form, SimpleNamespace())
    assert missing == ["no FORMS (an empty tuple says it has none)", "no REPORT (ReportHalf() says it adds nothing)",
                       "närvaro: how to report leaves out who is invited, which the plan knows",
                       "närvaro: form 'närvaro' is none of the kind's"]
    nameless = problems(session, replace(attendance, name="möte", tables=()), SimpleNamespace(COMMANDS=(), FORMS=()),
                        kinds.report_half(attendance))
    assert nameless[:2] == ["no tables", "no command named 'möte' (its entries are corrected with it)"]


def test_every_kind_package_is_in_the_registry_and_every_source_and_record_table_belongs_to_one_kind() -> None:
    listed = {k.package for k in kinds.KINDS}
    packages = {f"kubot.kinds.{m.name}" for m in pkgutil.iter_modules(kinds.__path__) if m.ispkg}
    assert packages == listed
    offered = [s.key for k in kinds.KINDS for s in k.sources]
    assert sorted(offered) == sorted(set(offered)) and set(Source) <= set(offered)
    owned = [t.__tablename__ for k in kinds.KINDS for t in k.tables]
    assert len(owned) == len(set(owned))
    with_entries = {t.name for t in SQLModel.metadata.sorted_tables if "entry_id" in t.columns and t.name != "change"}
    assert with_entries - NOT_A_KIND <= set(owned)


def test_the_forms_and_the_commands_are_gathered_from_the_registry() -> None:
    from kubot.chat import core  # noqa: F401  (registers every command)
    from kubot.chat.registry import COMMANDS

    for kind in kinds.KINDS:
        for command in kinds.chat_half(kind).COMMANDS:
            assert COMMANDS[command.name] is command
    assert set(forms.known()) == {s.kind for k in kinds.KINDS for s in kinds.chat_half(k).FORMS} | {
        "rapport",
        "koppla",
        "frånvarande",
    }
