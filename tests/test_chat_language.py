"""Swedish as staff write it, part 3 (issue 22), as (message → reply) dialogues against the sample
plan: relative days, suggestions that expire, refusals that name the wrong part, the remaining forms
of names, and the short help."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from kubot import db
from kubot.adapters import console
from kubot.chat import forms
from kubot.chat.core import Bot
from kubot.models import Attendance, Entry, Staff
from kubot.models.plan import Role
from tests.conftest import on_sample_plan

FRIDAY = datetime(2022, 11, 25, 9, 0, tzinfo=UTC)
ADMIN = "Ola Götesson"


class Clock:
    """The bot's clock, which a dialogue can move forward."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def wait(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock() -> Clock:
    return Clock(FRIDAY)


@pytest.fixture
def sample_bot(sample_database: Path, tmp_path: Path, clock: Clock) -> Bot:
    return on_sample_plan(sample_database, tmp_path, clock)


def say(bot: Bot, message: str, name: str = ADMIN) -> str:
    return console.render(console.say(bot, name, message))


@pytest.mark.parametrize(("message", "understood"), [
    ("närvaro PKS i torsdags 12 av 13", "2022-11-24"),  # yesterday: the latest Thursday before today
    ("närvaro PKS i fredags 12 av 13", "2022-11-18"),  # said on a Friday: a week ago
    ("närvaro PKS i måndags 12 av 13", "2022-11-21"),
    ("närvaro PKS förra torsdagen 12 av 13", "2022-11-17"),  # the Thursday of last week
    ("närvaro PKS förra veckans torsdag 12 av 13", "2022-11-17"),
    ("närvaro PKS förra måndagen 12 av 13", "2022-11-14"),
    ("närvaro PKS förra fredagen 12 av 13", "2022-11-18"),
])
def test_relative_days_are_read_as_swedes_mean_them_and_the_echo_says_which_date(
        sample_bot: Bot, message: str, understood: str) -> None:
    assert f"{understood}: närvaro 12 av 13" in say(sample_bot, message)


def entries(bot: Bot) -> int:
    with db.session_scope(bot.engine) as session:
        return session.exec(select(func.count()).select_from(Entry).where(Entry.channel == "console")).one()


def test_a_report_named_by_its_kind_is_that_tertials_report_and_never_a_suggested_area(sample_bot: Bot) -> None:
    reply = say(sample_bot, "rapport verksamhetsberättelse 2026")
    assert "T3 2026" in reply and "Menade du" not in reply and "VFU" not in reply
    assert "inget förslag" in say(sample_bot, "ja")


def test_a_network_told_with_small_words_is_found_and_not_three_wrong_ones(sample_bot: Bot) -> None:
    assert ("Registrerat #" in (reply := say(sample_bot, "närvaro chefsnätverket för missbruk idag 12 av 13"))
            and "Chefsnätverk missbruk och beroende" in reply)


@pytest.mark.parametrize("message", ["närvaro PSK idag 12 av 13", "närvaro verksamhetsberättelsen idag alla"])
def test_nothing_is_suggested_below_the_stated_similarity(sample_bot: Bot, message: str) -> None:
    assert "Menade du" not in say(sample_bot, message)


def test_a_suggestion_says_in_full_what_ja_would_do_and_ja_does_exactly_that(sample_bot: Bot) -> None:
    reply = say(sample_bot, "närvaro rekko idag alla")
    assert "Menade du Reko" in reply and "Svara ”ja” så gör jag «närvaro reko idag alla», eller ”nej”." in reply
    assert "Reko – Ledningsgruppen" in say(sample_bot, "ja") and entries(sample_bot) == 1


def test_nej_declines_a_suggestion_and_a_later_ja_has_nothing_to_confirm(sample_bot: Bot) -> None:
    say(sample_bot, "närvaro rekko idag alla")
    assert "Okej, då gör jag inget." in say(sample_bot, "nej")
    assert "inget förslag som väntar" in say(sample_bot, "ja") and entries(sample_bot) == 0


def test_any_other_message_cancels_a_suggestion(sample_bot: Bot) -> None:
    say(sample_bot, "närvar PKS 2022-03-10 12 av 13")
    say(sample_bot, "status")
    assert "inget förslag som väntar" in say(sample_bot, "ja") and entries(sample_bot) == 0


def test_a_suggestion_expires_after_ten_minutes(sample_bot: Bot, clock: Clock) -> None:
    say(sample_bot, "närvaro rekko idag alla")
    clock.wait(10)
    assert "högst 10 minuter" in say(sample_bot, "ja") and entries(sample_bot) == 0
    say(sample_bot, "närvaro rekko idag alla")
    clock.wait(9)
    assert "Registrerat #" in say(sample_bot, "ja")


def test_ansvarig_for_an_area_answers_for_the_area_and_who_answers_for_what_within_it(sample_bot: Bot) -> None:
    reply = say(sample_bot, "ansvarig missbruk")
    assert reply.startswith("I området Missbruk och beroende arbetar Liselotte Karlsson")
    assert "• Liselotte Karlsson – 5 mätetal och 5 aktiviteter: mb-narvaro" in reply
    assert "Ansvarig för mätetalet narvaro-pks" in say(sample_bot, "ansvarig narvaro-pks")


def test_an_event_without_an_area_is_refused_for_the_area_with_the_persons_own_words(sample_bot: Bot) -> None:
    reply = say(sample_bot, "händelse: Nytt avtal med regionen om barnahus")
    assert reply.startswith("Skriv vilket område händelsen gäller före ett kolon")
    assert ": Nytt avtal med regionen om barnahus”" in reply and entries(sample_bot) == 0


@pytest.mark.parametrize(("message", "stored"), [
    ("aktivitet reko inställd, ingen kom", "avbruten – ingen kom"),
    ("aktivitet a-pks-sammantraden pågår med problem - två av fem klara", "pågår med problem – två av fem klara"),
])
def test_a_status_followed_by_a_comma_or_dash_is_the_status_and_the_rest_its_comment(
        sample_bot: Bot, message: str, stored: str) -> None:
    assert stored in say(sample_bot, message)


def test_an_activity_without_status_is_refused_for_the_status_with_its_own_name(sample_bot: Bot) -> None:
    reply = say(sample_bot, "aktivitet a-pks-sammantraden")
    assert (
        reply.startswith("Jag hittar ingen status i ”a-pks-sammantraden”.")
        and "”aktivitet a-pks-sammantraden klar”" in reply
    )


def test_a_duplicate_from_a_form_names_the_field_and_not_how_to_type_a_message(sample_bot: Bot) -> None:
    values = {"network": "pks", "date": "2022-11-01", "present": ()}
    with db.session_scope(sample_bot.engine) as session:
        form = forms.build(session, "närvaro", None, FRIDAY.date(), values)
    say(sample_bot, forms.command(form, values))
    problem = forms.refusal(form, values, say(sample_bot, forms.command(form, values)))
    assert problem.field == "date" and "finns redan" in problem.text
    assert "meddelandet" not in problem.text and "ytterligare" not in problem.text
    assert problem.text.endswith("Är det en ny registrering, ändra ”Mötets datum”.")


@pytest.mark.parametrize(("message", "understood"), [
    ("närvaro PKS:s möte igår 12 av 13", "PKS – Primärkommunalt samverkansorgan 2022-11-24"),
    ("närvaro socialchefernas träff igår alla", "Socialchefsnätverket – styrgrupp för FoUrum social välfärd"),
    ("närvaro PKS-mötena igår 12 av 13", "PKS – Primärkommunalt samverkansorgan 2022-11-24"),
    ("närvaro skolchefsträffarna igår alla", "Skolchefer – styrgrupp för FoUrum utbildning 2022-11-24"),
    ("närvaro rekomötet igår alla", "Reko – Ledningsgruppen"),
    ("närvaro Rekos möte igår alla", "Reko – Ledningsgruppen"),
    ("närvaro kommundirektörernas möte igår alla", "Kommundirektörer 2022-11-24"),
    ("socialchefernas träff i tisdags alla utom Habo", "2022-11-22: närvaro 12 av 13 (92 %), frånvarande: Habo"),
    ("aktivitet PKS-sammanträdena klar", "Aktivitet a-pks-sammantraden"),
    ("saknas missbruksområdet T2 2022", "för området"),
    ("ansvarig psykiatrins", "I området Psykiatri"),
])
def test_genitives_and_compounds_of_names_are_understood(sample_bot: Bot, message: str, understood: str) -> None:
    assert understood in say(sample_bot, message)


@pytest.mark.parametrize(
    "counts", ["3, 5, 12, 20, 40 och 20", "3; 5; 12; 20; 40; 20", "3 5 12 20 40 20", "3,5,12,20,40,20"]
)
def test_survey_counts_are_read_with_any_list_separator(sample_bot: Bot, counts: str) -> None:
    reply = say(sample_bot, f"enkät samverkan-kommuner socialchefsnätverket {counts}")
    assert "svar 1–6: 3 5 12 20 40 20" in reply


@pytest.mark.parametrize(
    ("name", "role", "groups"),
    [
        ("Ola Götesson", Role.ADMIN, ["Rapportera:", "Fråga:", "Rapporter:", "Administrera:"]),
        (
            "Liselotte Karlsson",
            Role.MANAGER,
            ["Rapportera:", "Fråga:", "Rapporter:"],
        ),  # orders reports, administers nothing
        ("Liselotte Karlsson", Role.STAFF, ["Rapportera:", "Fråga:"]),  # no reports to order, nothing to administer
    ],
)
def test_help_is_short_grouped_and_shows_only_what_the_person_may_use(sample_bot: Bot, name: str, role: Role,
                                                                     groups: list[str]) -> None:
    with db.session_scope(sample_bot.engine) as session:
        session.exec(select(Staff).where(Staff.name == name)).one().role = role
    lines = say(sample_bot, "hjälp", name=name).splitlines()
    assert len(lines) <= 15 and lines[-1] == "Skriv hjälp <kommando> för exempel."
    assert [
        line.split()[0] for line in lines if line.endswith(tuple("abcdefghijklmnopqrstuvwxyzåäö")) and ":" in line
    ] == groups
    assert ("Rapporter: rapport," in lines[-3:-1] or any(line.startswith("Rapporter: rapport,") for line in lines)) == (
        "Rapporter:" in groups
    )


def test_help_for_a_command_gives_its_whole_description_on_one_line(sample_bot: Bot) -> None:
    first = say(sample_bot, "hjälp aktivitet").splitlines()[0]
    assert first.startswith("aktivitet (även: activity): Ange en aktivitets status: pågår enligt plan")
    assert first.endswith("avbruten eller klar. Med ordet exempel blir kommentaren ett exempel i rapporten. "
                          "Med ett datum gäller statusen från den dagen, t.ex. för en tidigare period.")


def test_help_for_a_command_shows_its_examples(sample_bot: Bot) -> None:
    reply = say(sample_bot, "hjälp närvaro")
    assert (
        "Exempel:\n  närvaro PKS 2022-03-10 12 av 13\n  närvaro socialchefsnätverket idag alla utom Habo, Mullsjö"
        in reply
    )


@pytest.mark.parametrize(("message", "understood"), [
    ("PKS:s möte igår, alla var där", "PKS – Primärkommunalt samverkansorgan 2022-11-24: närvaro 13 av 13"),
    ("närvaro PKS sammanträde igår alla var där utom Habo", "2022-11-24: närvaro 12 av 13 (92 %), frånvarande: Habo"),
])
def test_everyone_came_said_in_words_is_everyone(sample_bot: Bot, message: str, understood: str) -> None:
    assert understood in say(sample_bot, message)


def test_a_question_about_a_network_is_answered_with_its_indicators_meetings_and_what_is_missing(
    sample_bot: Bot,
) -> None:
    say(sample_bot, "närvaro skolchefer igår 11 av 13")
    reply = say(sample_bot, "hur går det för skolcheferna?")
    assert reply.startswith("Läget för nätverket Skolchefer – styrgrupp för FoUrum utbildning")
    assert "● narvaro-alla: 84,6 % (mål 80 %)" in reply and "Senaste möten: 2022-11-24 11 av 13." in reply
    assert "Inget saknas." in reply
    pks = say(sample_bot, "hur går det för PKS?")
    assert (
        "Inga möten registrerade ännu." in pks and "Saknas (1 st): narvaro-pks – Närvaro vid PKS sammanträden." in pks
    )
    assert say(sample_bot, "hur har socialcheferna svarat?").startswith("Läget för nätverket Socialchefsnätverket")


def test_a_question_about_an_area_names_the_area_and_shows_its_networks_meetings_and_what_is_missing(
    sample_bot: Bot,
) -> None:
    say(sample_bot, "närvaro strategigrupp psykiatri/missbruk i måndags alla")
    reply = say(sample_bot, "hur går det för psykiatrin?")
    assert reply.startswith("Läget för området Psykiatri, T3 2022")  # the area's name, not its code
    assert "Senaste möten: Strategigrupp psykiatri/missbruk 2022-11-21 14 av 14." in reply
    assert "Saknas (" in reply and "ps-deltagande – Uppföljning av antal deltagande kommuner" in reply
    assert "(se ”saknas psykiatrin T3 2022”)" in reply
    assert say(sample_bot, "status psykiatrin T2 2022").startswith("Läget för området Psykiatri, T2 2022")


@pytest.mark.parametrize(
    ("message", "echo"),
    [
        (
            "närvaro PKS igår 12 av 13 via Teams",
            "PKS – Primärkommunalt samverkansorgan 2022-11-24 via Teams: närvaro 12 av 13",
        ),
        (
            "närvaro socialcheferna i måndags alla utom Habo digitalt",
            "2022-11-21 digitalt: närvaro 12 av 13 (92 %), frånvarande: Habo",
        ),
        ("PKS igår alla på plats", "PKS – Primärkommunalt samverkansorgan 2022-11-24 på plats: närvaro 13 av 13"),
        (
            "närvaro reko 12/11 alla på distans (bra möte)",
            "2022-11-12 digitalt: närvaro 14 av 14 (100 %) (kommentar: bra möte)",
        ),
        (
            "skolcheferna igår, alla var där, i Zoom",
            "Skolchefer – styrgrupp för FoUrum utbildning 2022-11-24 via Zoom: närvaro 13 av 13",
        ),
        (
            "PKS-mötet i förrgår via teams, alla utom Habo och Aneby",
            "2022-11-23 via Teams: närvaro 11 av 13 (85 %), frånvarande: Aneby, Habo",
        ),
        ("närvaro PKS i torsdags på plats 12 av 13", "2022-11-24 på plats: närvaro 12 av 13"),
    ],
)
def test_a_meeting_with_a_channel_word_keeps_the_network_and_the_channel_and_echoes_it(
        sample_bot: Bot, message: str, echo: str) -> None:
    reply = say(sample_bot, message)
    assert reply.startswith("Registrerat") and echo in reply


def test_the_channel_is_stored_shown_among_the_latest_meetings_and_undone_with_the_meeting(sample_bot: Bot) -> None:
    say(sample_bot, "närvaro skolchefer i måndags 11 av 13 via Teams")
    with db.session_scope(sample_bot.engine) as session:
        assert [a.channel for a in session.exec(select(Attendance))] == ["via Teams"]
    assert "Senaste möten: 2022-11-21 11 av 13 via Teams." in say(sample_bot, "hur går det för skolcheferna?")
    assert say(sample_bot, "ångra").startswith("Ångrat #")
    assert "Inga möten registrerade ännu." in say(sample_bot, "hur går det för skolcheferna?")


def test_everyone_was_there_in_person_is_who_came_not_how_the_meeting_was_held(sample_bot: Bot) -> None:
    reply = say(sample_bot, "Länsnätverk psykiatri igår alla var på plats")
    assert "Länsnätverk psykiatri 2022-11-24: närvaro 13 av 13 (100 %)" in reply
