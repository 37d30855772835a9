"""Conversations with kubot through the console adapter, as (message → reply) pairs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func
from sqlmodel import select

from kubot import db
from kubot.adapters import console
from kubot.chat.core import Bot
from kubot.models import Change, Entry
from tests.conftest import talk


def entries(engine: Engine) -> int:
    with db.session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(Entry)).one()


def test_attendance_by_count_by_names_and_all_but(bot: Bot) -> None:
    talk(bot, "Ola Götesson",
         ("närvaro PKS 2022-03-10 3 av 3", "Registrerat #2: PKS 2022-03-10: närvaro 3 av 3 (100 %)"),
         ("närvaro reko 12/5 Aneby, Region Jönköpings län kvinnor 1 män 1",
          "Reko 2022-05-12: närvaro 2 av 3 (67 %), frånvarande: Eksjö, kvinnor 1, män 1"),
         ("/kubot Närvaro pks igår alla utom Habo", "PKS 2022-11-22: närvaro 2 av 3 (67 %), frånvarande: Habo"),
         ("attendance pks 12 maj alla", "PKS 2022-05-12: närvaro 3 av 3"))


def test_every_accepted_entry_says_how_to_undo_it_and_undo_works(bot: Bot, small_plan_engine: Engine) -> None:
    talk(bot, "Ola Götesson",
         ("närvaro PKS 2022-03-10 2 av 3", "Ångra med: ångra 2"),
         ("ångra", "Ångrat #2: PKS 2022-03-10"),
         ("ångra 2", "#2 är redan ångrad"))
    with db.session_scope(small_plan_engine) as session:
        assert [c.action for c in session.exec(select(Change).where(Change.entry_id == 2))] == ["skapad", "ångrad"]


def test_undoing_someone_elses_entry_is_refused(bot: Bot) -> None:
    talk(bot, "Ola Götesson", ("närvaro PKS 2022-03-10 2 av 3", "Registrerat #2"))
    talk(bot, "Liselotte Karlsson", ("ångra 2", "registrerades av någon annan"))


def test_result_with_analysis_period_and_percent(bot: Bot) -> None:
    talk(bot, "Ola Götesson",
         ("resultat arbetsmiljo 79 % T2 2022: Målvärde nås nästan.",
          "arbetsmiljo ”Andel medarbetare som upplever god arbetsmiljö” T2 2022: 79 %. Analys: Målvärde nås nästan."),
         ("result arbetsmiljo 80,5 t1-2022", "T1 2022: 80,5 %"))


def test_course_application_survey_event_activity(bot: Bot) -> None:
    talk(
        bot,
        "Ola Götesson",
        (
            "kurs Motiverande samtal 2022-04-05 20 deltagare pris 4 500 extern 7 500",
            (
                "Kurs ”Motiverande samtal” 2022-04-05: 20 deltagare, pris 4 500 kr per deltagare, externt pris 7 500 kr"
                " (kostnadsreducering 60 000 kr)"
            ),
        ),
        (
            "ansökan KOSTA ESF-rådet 27 000 000 beviljat 12 500 000",
            "Ansökan KOSTA till ESF-rådet 2022-11-23: sökt 27 000 000 kr, beviljat 12 500 000 kr (46 %)",
        ),
        ("enkät samverkan-kommuner pks 0 1 3 4 6 5 vet ej 2", "mycket nöjda 11 av 19 (58 %)"),
        (
            "händelse missbruk kompetens: Fyra utbildningsinsatser om hedersrelaterat våld.",
            "Händelse 2022-11-23, Missbruk och beroende (kompetenshöjning): Fyra utbildningsinsatser",
        ),
        ("aktivitet pks-moten pågår med problem: två av fem genomförda", "pågår med problem – två av fem genomförda"),
    )


def test_target_is_for_admins_only(bot: Bot) -> None:
    talk(bot, "Liselotte Karlsson", ("målvärde arbetsmiljo 50 2022", "kan bara administratörer"))
    talk(
        bot,
        "Ola Götesson",
        (
            "målvärde arbetsmiljo 50 2022",
            "Målvärde för arbetsmiljo ”Andel medarbetare som upplever god arbetsmiljö” 2022: 50 % (tidigare 90 %)",
        ),
    )


def test_staff_report_only_for_their_own_areas(bot: Bot) -> None:
    talk(bot, "Liselotte Karlsson",
         ("resultat brukarrev 3 T2 2022", "Registrerat"),
         ("resultat arbetsmiljo 70 T2 2022", "det hör inte till dina områden. Ansvarig är Ola Götesson"))


def test_strangers_are_told_whom_to_ask_and_nothing_is_written(bot: Bot, small_plan_engine: Engine) -> None:
    talk(bot, "Okänd Person", ("närvaro PKS 2022-03-10 3 av 3", "Be Ola Götesson att lägga till dig"))
    assert entries(small_plan_engine) == 1


def test_whoami_and_who_may_order_reports(bot: Bot) -> None:
    talk(
        bot,
        "Liselotte Karlsson",
        ("vem", "Du är Liselotte Karlsson – roll: medarbetare. Områden: Missbruk och beroende."),
        ("rapport T2 2022", "kan bara chefer och administratörer"),
    )
    talk(bot, "Ola Götesson", ("rapport T2 2022", "Rapporten byggs"))


def test_help_lists_commands_and_explains_one(bot: Bot) -> None:
    talk(bot, "Liselotte Karlsson", ("hjälp", "närvaro PKS 2022-03-10 12 av 13"),
         ("help kurs", "kurs Motiverande samtal 2022-04-05"),
         ("blaha", "Jag förstår inte ”blaha”. Skriv ”hjälp” för att se vad jag kan"))


@pytest.mark.parametrize(("message", "expected"), [
    ("", "Skriv ett kommando"),
    ("    \t ", "Skriv ett kommando"),
    ("närvaro PKS 2022-03-10 14 av 13", "har 3 inbjudna, inte 13"),
    ("närvaro PKS 2022-03-10 14 av 3", "3 inbjudna – 14 närvarande går inte"),
    ("närvaro PKS 1899-03-10 2 av 3", "1899"),
    ("närvaro PKS 2023-03-10 2 av 3", "ligger i framtiden"),
    ("närvaro PKS 31/2 2 av 3", "31"),
    ("närvaro rekko 2022-03-10 2 av 3", "Menade du Reko?"),
    ("närvaro PKS 2022-03-10", "Skriv vilka som var där"),
    ("närvaro 2022-03-10 2 av 3", "Skriv vilket nätverk"),
    ("resultat arbetsmiljo 250 % T2 2022", "mellan 0 och 100"),
    ("resultat arbetsmiljo 79 T4 2022", "”T4 2022” är ingen period"),
    ("resultat arbetsmiljo 79 T2 2023", "har inte börjat"),
    ("resultat narvaro-pks 79 T2 2022", "räknas fram ur registreringar"),
    ("kurs GDPR 2022-05-12", "Skriv antalet deltagare"),
    ("ansökan KOSTA 100 beviljat 200", "projekt och finansiär"),
    ("ansökan KOSTA ESF 100 beviljat 200", "högst det sökta"),
    ("ångra 99999", "Det finns ingen registrering #99999"),
    ("ångra alla", "är inget nummer på en registrering"),
    ("närvaro PKS 2022-03-10 2 av 3 '; DROP TABLE entry; --", "Hittar inget nätverk som heter"),
    ("**närvaro** PKS", "Menade du närvaro?"),
    ("närvaro 😀 2022-03-10 2 av 3", "nätverk"),
    ("x" * 10_000, "för långt"),
])
def test_bad_input_gets_a_clear_swedish_answer_and_writes_nothing(
    bot: Bot, small_plan_engine: Engine, message: str, expected: str
) -> None:
    reply = console.say(bot, "Ola Götesson", message)
    assert reply.accepted is False
    assert expected in reply.text
    assert entries(small_plan_engine) == 1


def test_rejections_show_a_correct_example(bot: Bot) -> None:
    reply = console.say(bot, "Ola Götesson", "kurs GDPR 2022-05-12")
    assert (
        "Så här kan det se ut:\n  kurs Motiverande samtal 2022-04-05 20 deltagare pris 4 500 extern 7 500" in reply.text
    )


_words = st.sampled_from(
    [
        "närvaro",
        "resultat",
        "kurs",
        "ansökan",
        "enkät",
        "händelse",
        "aktivitet",
        "målvärde",
        "ångra",
        "PKS",
        "reko",
        "2022-03-10",
        "12/5",
        "igår",
        "12",
        "av",
        "13",
        "alla",
        "utom",
        "Habo",
        ":",
        "%",
        "T2",
        "2022",
        "deltagare",
        "pris",
        "4 500",
        "beviljat",
        "vet ej",
        "arbetsmiljo",
        "brukarrev",
        "kvinnor",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.lists(_words, max_size=12).map(" ".join), st.text(max_size=200)))
def test_no_message_crashes_and_a_rejection_never_writes(bot: Bot, small_plan_engine: Engine, message: str) -> None:
    before = entries(small_plan_engine)
    reply = console.say(bot, "Ola Götesson", message)
    assert "Något gick fel" not in reply.text
    after = entries(small_plan_engine)
    if reply.accepted is False:
        assert after == before


def test_managers_report_for_every_area_and_may_order_reports(bot: Bot) -> None:
    talk(bot, "Maria Chef",
         ("resultat arbetsmiljo 70 T2 2022", "Registrerat"),
         ("vem", "roll: chef"),
         ("rapport T2 2022", "Rapporten byggs"),
         ("målvärde arbetsmiljo 50 2022", "kan bara administratörer"))


def test_people_are_known_by_their_chat_identity_on_other_platforms(bot: Bot) -> None:
    from kubot.port import Incoming

    reply = bot.handle(Incoming(text="vem", platform="slack", sender="U0LISE", channel="D1", message_id="1"))
    assert "Du är Liselotte Karlsson" in reply.text
    stranger = bot.handle(
        Incoming(text="vem", platform="slack", sender="Liselotte Karlsson", channel="D1", message_id="2")
    )
    assert "känner inte igen dig" in stranger.text
