"""A total an administrator states for a derived indicator (courses plus commissions, say): refused without a reason
or from anyone else, echoed and undoable, printed in the report, and shown beside the derived figure internally."""

from __future__ import annotations

from pathlib import Path

import docx
from sqlalchemy import Engine
from sqlmodel import select

from kubot import db
from kubot.adapters import console
from kubot.chat.core import Bot
from kubot.models import Change, Entry
from tests.conftest import talk


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def test_an_administrator_states_a_derived_total_with_a_reason_and_the_report_prints_it(
    bot: Bot, small_plan_engine: Engine
) -> None:
    talk(bot, "Ola Götesson", ("kurs Motiverande samtal 2022-04-05 20 deltagare", "Registrerat #"))
    reply = console.say(bot, "Ola Götesson", "resultat kurser T3 2022 159 (kurser och uppdrag)")
    assert reply.accepted, reply.text
    assert (
        "kurser ”Antal genomförda kurser” T3 2022: 159, uppgiven siffra i stället för den framräknade. Skäl: kurser och"
        " uppdrag"
        in reply.text
    )
    # The goal with courses belongs to an area, so the area's report is the one that prints its indicator table.
    report = (
        console.say(bot, "Ola Götesson", "rapport T3 2022 FoUrum social välfärd och hälso- och sjukvård").files[0].path
    )
    rows = [[c.text for c in r.cells] for t in docx.Document(str(report)).tables for r in t.rows]
    assert any("Antal genomförda kurser" in row[0] and "159" in " ".join(row[1:]) for row in rows), rows
    text = _text(report)
    assert (
        "Uppgivna siffror i rapporten – kurser: 159 uppgivet (kurser och uppdrag), 1 framräknat ur registreringar."
        in text
    )
    with db.session_scope(small_plan_engine) as session:
        entry = session.exec(select(Entry).where(Entry.kind == "resultat")).one()
        assert entry.summary.endswith("Skäl: kurser och uppdrag")
        assert [c.action for c in session.exec(select(Change).where(Change.entry_id == entry.id))] == ["skapad"]
        entry_id = entry.id
    talk(bot, "Ola Götesson", (f"ångra {entry_id}", f"Ångrat #{entry_id}"))
    text = _text(console.say(bot, "Ola Götesson", "rapport T3 2022").files[0].path)
    assert "Uppgivna siffror" not in text


def test_a_stated_total_without_a_reason_is_refused_with_an_example(bot: Bot) -> None:
    reply = console.say(bot, "Ola Götesson", "resultat kurser T2 2022 159")
    assert not reply.accepted
    assert (
        "behöver ett skäl inom parentes" in reply.text
        and "resultat kurser T2 2022 159 (kurser och uppdrag)" in reply.text
    )


def test_only_an_administrator_may_state_a_derived_total(bot: Bot) -> None:
    reply = console.say(bot, "Maria Chef", "resultat reko-varje-kommun 80 T2 2022 (räknat för hand)")
    assert not reply.accepted
    assert "räknas fram ur registreringar" in reply.text and "analys reko-varje-kommun T2 2022" in reply.text
    assert "bara en administratör kan uppge en siffra" in reply.text


def test_a_stated_total_ending_the_sentence_with_punctuation_keeps_its_reason(bot: Bot) -> None:
    reply = console.say(bot, "Ola Götesson", "resultat kurser T3 2022 159 (kurser och uppdrag)!")
    assert reply.accepted, reply.text
    assert "Skäl: kurser och uppdrag\n" in reply.text
