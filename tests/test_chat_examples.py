"""Marking entries as the report's examples through chat, as (message → reply) pairs.

A status's comment or an event becomes an example with the word "exempel" when it is logged,
or afterwards with "exempel N"; "exempel N bort" takes it out again. Each is an entry of its
own (who, when), echoed back and undone with "ångra"; a refusal says what to write and stores nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from kubot import db, records
from kubot.adapters import console
from kubot.chat.core import Bot
from kubot.models import Change, Entry, ExampleMark
from tests.conftest import talk

ADMIN, STAFF, MANAGER = "Ola Götesson", "Liselotte Karlsson", "Maria Chef"


def examples_in_force(engine: Engine, *entry_ids: int) -> set[int]:
    with db.session_scope(engine) as session:
        return {n for n, mark in records.example_marks(session, list(entry_ids)).items() if mark.shown}


def test_a_status_logged_with_the_word_exempel_is_an_example_and_undoing_it_undoes_both(
    bot: Bot, small_plan_engine: Engine
) -> None:
    talk(
        bot,
        ADMIN,
        (
            "aktivitet pks-moten klar exempel: Under året har PKS haft sex sammanträden.",
            (
                "Registrerat #2: Aktivitet pks-moten ”PKS sammanträden” 2022-11-23: klar – Under året har PKS haft sex"
                " sammanträden. (exempel i rapporten)\nÅngra med: ångra 2"
            ),
        ),
    )
    assert examples_in_force(small_plan_engine, 2) == {2}
    talk(bot, ADMIN, ("ångra 2", "Ångrat #2"))
    with db.session_scope(small_plan_engine) as session:
        assert session.exec(select(Entry).where(Entry.id == 2)).one().undone_at is not None
        assert [c.action for c in session.exec(select(Change).where(Change.entry_id == 2))] == [
            "skapad",
            "tillägg",
            "ångrad",
        ]


def test_an_event_example_names_its_strategic_goal(bot: Bot, small_plan_engine: Engine) -> None:
    talk(bot, ADMIN,
         ("händelse missbruk exempel sm1: Styrgruppen består nu av samtliga miljöchefer.",
          "Registrerat #2: Händelse 2022-11-23, Missbruk och beroende: Styrgruppen består nu av samtliga miljöchefer. "
          "(exempel i rapporten under sm1)"),
         ("händelse missbruk exempel: Tre nya kommuner deltar.",
          "Skriv vilket strategiskt mål händelsen är ett exempel på, t.ex. ”händelse Barnahus exempel sm1: …”. "
          "Strategiska mål: sm1 ”Vi har ett starkt och jämbördigt partnerskap med aktiva ägare”."),
         ("händelse missbruk sm1: Tre nya kommuner deltar.", "Skriv då ordet exempel före målet"))
    assert examples_in_force(small_plan_engine, 2) == {2}


def test_exempel_n_marks_an_existing_status_and_bort_unmarks_it_each_undoable(
    bot: Bot, small_plan_engine: Engine
) -> None:
    talk(
        bot,
        ADMIN,
        ("aktivitet pks-moten klar: Sex sammanträden under året.", "Registrerat #2"),
        (
            "exempel 2",
            (
                "Registrerat #3: Exempel i rapporten: #2 Aktivitet pks-moten ”PKS sammanträden” 2022-11-23: klar – "
                "Sex sammanträden under året.\nÅngra med: ångra 3"
            ),
        ),
        ("exempel 2", "#2 är redan ett exempel i rapporten. Ta bort det med ”exempel 2 bort”."),
    )
    assert examples_in_force(small_plan_engine, 2) == {2}
    talk(bot, ADMIN, ("exempel 2 bort", "Registrerat #4: Inte längre exempel i rapporten: #2 Aktivitet pks-moten"))
    assert examples_in_force(small_plan_engine, 2) == set()
    talk(bot, ADMIN, ("ångra", "Ångrat #4"))
    assert examples_in_force(small_plan_engine, 2) == {2}
    talk(bot, ADMIN, ("ångra 3", "Ångrat #3"))
    assert examples_in_force(small_plan_engine, 2) == set()


def test_exempel_n_on_an_event_needs_the_strategic_goal(bot: Bot, small_plan_engine: Engine) -> None:
    talk(
        bot,
        ADMIN,
        ("händelse missbruk kompetens: Fyra utbildningsinsatser om hedersrelaterat våld.", "Registrerat #2"),
        ("exempel 2", "Skriv vilket strategiskt mål händelsen är ett exempel på, t.ex. ”exempel 2 sm1”."),
        ("exempel 2 sm9", "”sm9” är inget strategiskt mål i planen för 2022."),
        (
            "exempel 2 sm1",
            (
                "Registrerat #3: Exempel i rapporten under sm1: #2 Händelse 2022-11-23, Missbruk och beroende "
                "(kompetenshöjning): Fyra utbildningsinsatser om hedersrelaterat våld."
            ),
        ),
    )
    assert examples_in_force(small_plan_engine, 2) == {2}


def test_a_corrected_example_stays_an_example(bot: Bot, small_plan_engine: Engine) -> None:
    talk(
        bot,
        ADMIN,
        ("aktivitet pks-moten klar exempel: Fem sammanträden.", "Registrerat #2"),
        (
            "rätta 2 aktivitet pks-moten klar: Sex sammanträden.",
            (
                "Rättat #2 – ersatt av #3: Aktivitet pks-moten ”PKS sammanträden” 2022-11-23: klar – Sex sammanträden."
                " (exempel i rapporten)"
            ),
        ),
    )
    assert examples_in_force(small_plan_engine, 2, 3) == {3}


def test_staff_mark_their_own_entries_and_managers_anyones(bot: Bot, small_plan_engine: Engine) -> None:
    talk(bot, STAFF, ("händelse missbruk: Två av fem revisioner är gjorda.", "Registrerat #2"))
    talk(bot, ADMIN, ("aktivitet pks-moten klar: Sex sammanträden.", "Registrerat #3"))
    talk(
        bot,
        STAFF,
        (
            "exempel 3",
            (
                "#3 registrerades av någon annan. Bara den som registrerade den, eller en chef eller en "
                "administratör, kan markera den."
            ),
        ),
        ("exempel 2 sm1", "Registrerat #4: Exempel i rapporten under sm1: #2"),
    )
    talk(bot, MANAGER, ("exempel 3", "Registrerat #5: Exempel i rapporten: #3"))
    assert examples_in_force(small_plan_engine, 2, 3) == {2, 3}


@pytest.mark.parametrize(
    ("setup", "message", "expected"),
    [
        (
            "aktivitet pks-moten klar",
            "exempel 2",
            "#2 har ingen text att visa som exempel. Rätta den med en text efter kolon",
        ),
        (
            "närvaro PKS 2022-03-10 2 av 3",
            "exempel 2",
            "#2 är en registrering av närvaro. Bara en aktivitets status eller en händelse",
        ),
        (
            "aktivitet pks-moten klar: Sex sammanträden.",
            "exempel 2 sm1",
            "En aktivitets status blir exempel under aktivitetens strategiska mål",
        ),
        ("aktivitet pks-moten klar: Sex sammanträden.", "exempel 2 bort", "#2 är inget exempel i rapporten"),
        (
            "aktivitet pks-moten klar: Sex sammanträden.",
            "exempel 2 bort sm1",
            "Skriv bara numret och ”bort”, t.ex. ”exempel 2 bort”.",
        ),
        ("aktivitet pks-moten klar: Sex sammanträden.", "exempel 99", "Det finns ingen registrering #99."),
        (
            "aktivitet pks-moten klar: Sex sammanträden.",
            "exempel",
            "Skriv numret på statusen eller händelsen, t.ex. ”exempel 412”.",
        ),
        ("aktivitet pks-moten klar: Sex sammanträden.", "exempel sista", "är inget nummer på en registrering"),
        (
            "aktivitet pks-moten klar: Sex sammanträden.",
            "aktivitet pks-moten klar exempel",
            "Ett exempel i rapporten behöver en text: skriv den efter kolon",
        ),
    ],
)
def test_refused_examples_get_a_swedish_answer_and_store_nothing(
    bot: Bot, small_plan_engine: Engine, setup: str, message: str, expected: str
) -> None:
    talk(bot, ADMIN, (setup, "Registrerat #2"))
    reply = console.say(bot, ADMIN, message)
    assert reply.accepted is False and expected in reply.text, reply.text
    assert f"  {message}\n" not in reply.text + "\n", "the refused message is never offered as an example"
    with db.session_scope(small_plan_engine) as session:
        assert session.exec(select(ExampleMark)).all() == []
        assert len(session.exec(select(Entry)).all()) == 2
