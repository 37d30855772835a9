"""`status`, `varför` and `saknas` in chat, through the console adapter, as (message → reply) pairs."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from kubot.chat.core import Bot
from tests.conftest import talk


def test_status_shows_symbol_result_target_and_trend_at_a_glance(bot: Bot) -> None:
    talk(bot, "Ola Götesson",
         ("resultat arbetsmiljo 70 T2 2021", "Registrerat"),
         ("resultat arbetsmiljo 81 T2 2022", "Registrerat"),
         ("status arbetsmiljo T2 2022", "◆ arbetsmiljo: 81 % (mål 90 %) ↗ – delvis uppfyllt"),
         ("status T2 2022", "○ narvaro-pks: – (mål 80 %) – inget resultat"),
         ("status sm1 T2 2022", "◆ arbetsmiljo"),
         ("status missbruk T2 2022", "○ brukarrev: – (mål 5) – inget resultat"),
         ("status social T2 2022", "○ brukarrev"))  # an area includes its sub-areas


def test_status_names_the_municipalities_below_and_warns_early(bot: Bot) -> None:
    talk(
        bot,
        "Ola Götesson",
        ("närvaro PKS 2022-03-10 1 av 3", "Registrerat"),
        ("närvaro PKS 2022-04-10 2 av 3", "Registrerat"),
        (
            "status T2 2022",
            "⚠ PKS: närvaron var under målvärdet 80 % två möten i rad (33 % och 67 %, senast 2022-04-10).",
        ),
    )


def test_why_explains_the_rule_and_the_numbers_in_plain_swedish(bot: Bot) -> None:
    talk(bot, "Ola Götesson",
         ("närvaro PKS 2022-03-10 2 av 3", "Registrerat"),
         ("varför narvaro-pks T2 2022", "◆ delvis uppfyllt.\n"),
         ("varför narvaro-pks T2 2022 detaljer", "◆ delvis uppfyllt (regel status/högre-delvis)."),
         ("why narvaro-pks T2 2022", "Resultat 66,7 % (2 av 3), målvärde 80 %."),
         ("varför narvaro-pks T2 2022", "Resultatet 66,7 % når inte målvärdet 80 % men minst 60 % av det."),
         ("varför nojd-samverkan T2 2022", "Inget resultat ännu – det mäts i november, efter periodens slut."),
         ("varför pks-moten T2 2022", "Rapportering: saknas"))


def test_why_needs_an_indicator_and_says_so(bot: Bot) -> None:
    talk(bot, "Ola Götesson",
         ("varför", "Skriv vilket mätetal du vill ha förklarat"),
         ("varför T9 2022", "är ingen period – tertialen är T1, T2 eller T3. Skriv till exempel T2 2022"),
         ("varför finnsinte T2 2022", "finnsinte"))


def test_missing_lists_what_i_still_owe_with_the_command_to_report_it(bot: Bot) -> None:
    talk(bot, "Liselotte Karlsson",
         ("saknas T2 2022", "• brukarrev – Genomförda brukarrevisioner (saknas): resultat brukarrev <värde> T2 2022"),
         ("resultat brukarrev 3 T2 2022", "Registrerat"),
         ("resultat handlaggningstid 9 T2 2022", "Registrerat"),
         ("saknas T2 2022", "Inget saknas för dig för T2 2022"))


def test_missing_for_an_area_shows_derived_indicators_with_a_working_example(bot: Bot) -> None:
    talk(
        bot,
        "Ola Götesson",
        (
            "saknas social T2 2022",
            "• reko-varje-kommun – Varje kommun närvarar vid minst 75 % av Rekos möten (saknas): närvaro reko <datum>",
        ),
        ("saknas T2 2022", "• narvaro-pks – Närvaro vid PKS sammanträden (saknas): närvaro pks <datum> <antal> av 3"),
        ("saknas T2 2022", "• pks-moten – PKS sammanträden (saknas): aktivitet pks-moten pågår enligt plan"),
        ("saknas T2 2022", "1 mätetal mäts senare under året, t.ex. nojd-samverkan."),
        ("saknas T3 2022", "(perioden pågår)"),
    )


def test_a_future_period_or_a_year_without_plan_gets_a_clear_answer(bot: Bot, small_plan_engine: Engine) -> None:
    talk(bot, "Ola Götesson",
         ("status T1 2023", "T1 2023 (januari–april) har inte börjat än."),
         ("saknas T2 2019", "Det finns ingen plan för 2019."))


def test_how_to_report_attendance_fills_in_how_many_the_network_invites_but_not_thirty_networks(
    session: Session,
) -> None:
    from kubot.kinds import Ask, how_to_report
    from kubot.periods import Period

    assert (
        how_to_report(session, "närvaro", Ask("narvaro-reko", Period(2022, 2), ("reko",)))
        == "närvaro reko <datum> <antal> av 3"
    )
    many = tuple(f"natverk-{n}" for n in range(33))
    assert (
        how_to_report(session, "närvaro", Ask("narvaro-alla", Period(2022, 2), many))
        == "närvaro <nätverk> <datum> <antal> av <inbjudna>"
    )


def test_an_owed_attendance_indicator_is_reported_with_how_many_its_network_invites(session: Session) -> None:
    from kubot.owed import how_to_report
    from kubot.periods import Period
    from kubot.verdicts import Due, IndicatorVerdict, Status

    def attendance(*networks: str) -> IndicatorVerdict:
        return IndicatorVerdict(
            code="narvaro",
            name="Närvaro",
            unit="procent",
            direction="högre",
            value=None,
            target=80,
            annual_target=80,
            previous=None,
            status=Status.NO_RESULT,
            status_rule="",
            trend=None,
            trend_rule="",
            due=Due.MISSING,
            due_rule="",
            explanation="",
            source="närvaro",
            networks=networks,
        )

    assert how_to_report(session, attendance("reko"), Period(2022, 2)) == "närvaro reko <datum> <antal> av 3"
    many = [f"natverk-{n}" for n in range(33)]
    assert (
        how_to_report(session, attendance(*many), Period(2022, 2)) == "närvaro <nätverk> <datum> <antal> av <inbjudna>"
    )
