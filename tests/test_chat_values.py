"""Forgiving parsing of the values in chat messages, and the Swedish replies when it fails."""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubot import formatting
from kubot.values import (
    Ambiguous,
    NoMatch,
    ValueProblem,
    match_name,
    parse_date,
    parse_int,
    parse_municipalities,
    parse_number,
    parse_percent,
)

TODAY = date(2026, 5, 20)

MUNICIPALITIES = {
    "0604": "Aneby",
    "0617": "Gnosjö",
    "0642": "Mullsjö",
    "0643": "Habo",
    "0662": "Gislaved",
    "0665": "Vaggeryd",
    "0680": "Jönköping",
    "0682": "Nässjö",
    "0683": "Värnamo",
    "0684": "Sävsjö",
    "0685": "Vetlanda",
    "0686": "Eksjö",
    "0687": "Tranås",
}
WITH_REGION = {**MUNICIPALITIES, "RJL": "Region Jönköpings län"}

NETWORKS = {
    "SCN": ["Socialchefsnätverket", "Socialchefer"],
    "SBU": ["Strategigrupp barn och unga"],
    "SÄ": ["Strategigrupp äldre"],
    "PKS": ["Primärkommunal samverkan"],
}


def problem(parse: Callable[[], object]) -> str:
    """The Swedish reply a parser gives for bad input."""
    with pytest.raises(ValueProblem) as caught:
        parse()
    return str(caught.value)


# ---------------------------------------------------------------------------- dates


def test_iso_date_is_read_as_written() -> None:
    assert parse_date("2022-05-12", TODAY) == date(2022, 5, 12)
    assert parse_date(" 2022-5-2 ", TODAY) == date(2022, 5, 2)


def test_day_and_month_without_year_means_this_year() -> None:
    assert parse_date("12/5", TODAY) == date(2026, 5, 12)
    assert parse_date("12 maj", TODAY) == date(2026, 5, 12)


def test_day_and_month_more_than_a_month_ahead_means_last_year() -> None:
    assert parse_date("20/12", date(2026, 1, 10)) == date(2025, 12, 20)
    assert parse_date("3 jan", date(2026, 12, 30)) == date(2026, 1, 3)


def test_day_and_month_a_few_days_ahead_is_a_future_date_not_last_year() -> None:
    assert "framtiden" in problem(lambda: parse_date("25/5", TODAY))


def test_day_and_month_with_a_full_or_short_year() -> None:
    assert parse_date("12/5 2022", TODAY) == date(2022, 5, 12)
    assert parse_date("12/5-22", TODAY) == date(2022, 5, 12)
    assert parse_date("12/5/2022", TODAY) == date(2022, 5, 12)
    assert parse_date("12 maj 2022", TODAY) == date(2022, 5, 12)
    assert parse_date("1 feb -21", TODAY) == date(2021, 2, 1)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("12 januari 2022", 1), ("12 jan 2022", 1), ("12 FEB 2022", 2), ("12 mars 2022", 3),
        ("12 mar 2022", 3), ("12 apr 2022", 4), ("12 Maj 2022", 5), ("12 jun 2022", 6),
        ("12 juli 2022", 7), ("12 aug. 2022", 8), ("12 sep 2022", 9), ("12 sept 2022", 9),
        ("12 okt 2022", 10), ("12 nov 2022", 11), ("12 december 2022", 12),
    ],
)  # fmt: skip
def test_swedish_month_names_and_abbreviations_in_any_case(text: str, month: int) -> None:
    assert parse_date(text, TODAY) == date(2022, month, 12)


def test_dates_may_start_with_den_and_use_ordinal_endings() -> None:
    assert parse_date("den 12:e maj", TODAY) == date(2026, 5, 12)
    assert parse_date("12e maj 2022", TODAY) == date(2022, 5, 12)
    assert parse_date("1:a mars", TODAY) == date(2026, 3, 1)
    assert parse_date("den 12/5", TODAY) == date(2026, 5, 12)


@pytest.mark.parametrize(
    ("text", "days_ago"),
    [("idag", 0), ("i dag", 0), ("Today", 0), ("igår", 1), ("i går", 1), ("igar", 1),
     ("yesterday", 1), ("förrgår", 2), ("i förrgår", 2)],
)  # fmt: skip
def test_relative_days_count_back_from_today(text: str, days_ago: int) -> None:
    assert parse_date(text, TODAY) == TODAY - timedelta(days=days_ago)


def test_impossible_day_names_the_month_length_and_a_correct_example() -> None:
    message = problem(lambda: parse_date("31/2", TODAY))
    assert message == "Den 31 februari 2026 finns inte – februari 2026 har 28 dagar. Skriv till exempel 28 februari."


def test_leap_day_exists_only_in_leap_years() -> None:
    assert parse_date("29/2 2024", TODAY) == date(2024, 2, 29)
    assert "28 dagar" in problem(lambda: parse_date("29/2 2023", TODAY))


def test_month_thirteen_does_not_exist() -> None:
    assert problem(lambda: parse_date("12/13", TODAY)).startswith("Det finns ingen månad 13.")


def test_future_dates_are_refused_because_they_cannot_have_been_attended() -> None:
    message = problem(lambda: parse_date("2027-01-03", TODAY))
    assert message.startswith("Datumet 2027-01-03 ligger i framtiden.")
    assert "2026-05-20" in message


def test_today_itself_is_not_the_future() -> None:
    assert parse_date("2026-05-20", TODAY) == TODAY


def test_dates_before_2000_are_refused() -> None:
    assert "år 2000" in problem(lambda: parse_date("1999-12-31", TODAY))
    assert parse_date("2000-01-01", TODAY) == date(2000, 1, 1)


def test_unreadable_date_gets_examples_of_what_works() -> None:
    message = problem(lambda: parse_date("nästa tisdag", TODAY))
    assert (
        message == "Förstår inte datumet ”nästa tisdag”. Skriv till exempel 2022-05-12, 12/5, 12 maj eller i måndags."
    )


def test_missing_date_is_reported_as_missing() -> None:
    assert problem(lambda: parse_date("   ", TODAY)).startswith("Datumet saknas.")


@settings(max_examples=300, deadline=None)  # no timing in a unit test: a loaded machine is not a bug
@given(st.dates(min_value=date(2000, 1, 1), max_value=TODAY))
def test_every_formatted_past_date_is_read_back(day: date) -> None:
    assert parse_date(formatting.day(day), TODAY) == day


# ---------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4 500", "4500"), ("4\u00a0500", "4500"), ("4\u202f500", "4500"), ("4500", "4500"),
        ("49,13", "49.13"), ("1 234,5", "1234.5"), ("27 000 000", "27000000"), (" 7 500 ", "7500"),
        ("0,5", "0.5"), ("+5", "5"),
    ],
)  # fmt: skip
def test_numbers_in_swedish_notation_with_any_kind_of_space(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


def test_point_is_a_decimal_mark_where_it_cannot_group_thousands() -> None:
    assert parse_number("49.13") == Decimal("49.13")
    assert parse_number("0.500") == Decimal("0.5")
    assert parse_number("1 234.5") == Decimal("1234.5")


def test_point_before_three_digits_is_ambiguous_and_both_readings_are_shown() -> None:
    message = problem(lambda: parse_number("4.500"))
    assert message == "”4.500” kan betyda både 4 500 och 4,5. Skriv 4 500 (med mellanslag) eller 4,5 (med komma)."


def test_foreign_thousands_grouping_is_refused_with_the_swedish_spelling() -> None:
    assert problem(lambda: parse_number("4.500.000")).endswith("till exempel 4 500 000.")
    assert problem(lambda: parse_number("1.234,5")).endswith("till exempel 1 234,5.")
    assert problem(lambda: parse_number("1,234.5")).endswith("till exempel 1 234,5.")


def test_negative_numbers_only_where_allowed() -> None:
    assert "negativt" in problem(lambda: parse_number("-3"))
    assert parse_number("-3", allow_negative=True) == Decimal(-3)
    assert parse_number("\u22123,5", allow_negative=True) == Decimal("-3.5")
    assert parse_number("–3", allow_negative=True) == Decimal(-3)


def test_negative_zero_is_just_zero() -> None:
    assert parse_number("-0") == 0


def test_words_and_misplaced_spaces_are_not_numbers() -> None:
    assert problem(lambda: parse_number("tolv")) == "Förstår inte talet ”tolv”. Skriv till exempel 4 500 eller 49,13."
    assert "Förstår inte" in problem(lambda: parse_number("45 00"))
    assert "Förstår inte" in problem(lambda: parse_number("4 500 kr"))


def test_absurdly_long_figures_are_refused() -> None:
    assert "orimligt stort" in problem(lambda: parse_number("9" * 20))
    assert "decimaler" in problem(lambda: parse_number("1,1234567"))


@settings(max_examples=300)
@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_every_formatted_number_is_read_back(value: Decimal) -> None:
    assert parse_number(formatting.number(value, decimals=2), allow_negative=True) == value


def test_percent_with_or_without_sign_or_word() -> None:
    assert parse_percent("79 %") == 79
    assert parse_percent("79%") == 79
    assert parse_percent("79 procent") == 79
    assert parse_percent("49,13") == Decimal("49.13")
    assert parse_percent("0") == 0
    assert parse_percent("100 %") == 100


def test_percent_outside_zero_to_hundred_is_not_a_share() -> None:
    assert problem(lambda: parse_percent("250 %")).startswith(
        "250 % är inte en möjlig andel – en andel ligger mellan 0 och 100 %."
    )
    assert problem(lambda: parse_percent("-5 %")).startswith("\u22125 % är inte en möjlig andel")


def test_unreadable_percent_shows_an_example() -> None:
    assert problem(lambda: parse_percent("många %")) == (
        "Förstår inte andelen ”många %”. Skriv till exempel 79 % eller 49,13 %."
    )


def test_int_within_bounds() -> None:
    assert parse_int("12", maximum=13) == 12
    assert parse_int("1 200") == 1200
    assert parse_int("12,0") == 12


def test_int_outside_bounds_names_the_bounds_and_a_valid_example() -> None:
    message = problem(lambda: parse_int("14", maximum=13, what="antal deltagare"))
    assert message == "Antal deltagare ska vara mellan 0 och 13, inte 14. Skriv till exempel 13."
    assert problem(lambda: parse_int("-1")) == "Antal ska vara minst 0, inte \u22121. Skriv till exempel 0."


def test_int_with_a_fraction_is_refused() -> None:
    assert problem(lambda: parse_int("12,5", what="antal deltagare")) == (
        "Antal deltagare måste vara ett heltal – 12,5 går inte. Skriv till exempel 12."
    )


def test_int_that_is_no_number_names_what_was_expected() -> None:
    assert problem(lambda: parse_int("tolv", what="antal deltagare")) == (
        "Förstår inte ”tolv” som antal deltagare. Skriv ett heltal, till exempel 12."
    )


# ---------------------------------------------------------------------------- names


def test_code_matches_first_whatever_the_case() -> None:
    assert match_name("pks", NETWORKS) == "PKS"
    assert match_name("sä", NETWORKS) == "SÄ"


def test_code_wins_over_a_name_that_would_also_match() -> None:
    assert match_name("abc", {"ABC": ["Annat"], "X": ["Abc"]}) == "ABC"


def test_exact_name_or_alias_matches_whatever_the_case() -> None:
    assert match_name("socialchefsnätverket", NETWORKS) == "SCN"
    assert match_name("SOCIALCHEFER", NETWORKS) == "SCN"


def test_exact_name_wins_over_names_that_merely_start_with_it() -> None:
    assert match_name("habo", {"1": ["Habo"], "2": ["Habo bruk"]}) == "1"


def test_diacritics_do_not_matter() -> None:
    assert match_name("nassjo", {code: [name] for code, name in MUNICIPALITIES.items()}, kind="kommun") == "0682"
    assert match_name("strategigrupp aldre", NETWORKS) == "SÄ"


def test_unique_word_prefix_or_substring_matches() -> None:
    assert match_name("primär", NETWORKS) == "PKS"
    assert match_name("barn", NETWORKS) == "SBU"
    assert match_name("nätverket", NETWORKS) == "SCN"


def test_several_prefix_matches_are_ambiguous_and_listed() -> None:
    with pytest.raises(Ambiguous) as caught:
        match_name("strategigrupp", NETWORKS)
    assert str(caught.value) == (
        "”strategigrupp” kan vara flera: Strategigrupp barn och unga, Strategigrupp äldre. Skriv mer av namnet."
    )
    assert caught.value.alternatives == ["Strategigrupp barn och unga", "Strategigrupp äldre"]


def test_ambiguous_names_that_look_alike_are_told_apart_by_code() -> None:
    with pytest.raises(Ambiguous) as caught:
        match_name("habo", {"A": ["Habo"], "B": ["Habo"]})
    assert caught.value.alternatives == ["Habo (A)", "Habo (B)"]


def test_unknown_name_suggests_the_nearest() -> None:
    with pytest.raises(NoMatch) as caught:
        match_name("socalchefer", NETWORKS)
    assert str(caught.value) == "Hittar inget nätverk som heter ”socalchefer”. Menade du Socialchefsnätverket?"
    assert caught.value.suggestions == ["Socialchefsnätverket"]


def test_the_kind_word_makes_the_reply_read_right() -> None:
    with pytest.raises(NoMatch) as caught:
        match_name("Ekjsö", {code: [name] for code, name in MUNICIPALITIES.items()}, kind="kommun")
    assert str(caught.value).startswith("Hittar ingen kommun som heter ”Ekjsö”. Menade du Eksjö")
    assert problem(lambda: match_name("x", {"M1": ["Andel nöjda"]}, kind="mätetal")).startswith("Hittar inget mätetal")


def test_suggestions_are_at_most_three() -> None:
    with pytest.raises(NoMatch) as caught:
        match_name("grupo", {str(n): [f"Grupp {n}"] for n in range(10)})
    assert len(caught.value.suggestions) == 3


def test_nothing_near_gives_an_example_instead_of_suggestions() -> None:
    with pytest.raises(NoMatch) as caught:
        match_name("qqq", NETWORKS)
    assert caught.value.suggestions == []
    assert str(caught.value).endswith("Skriv namnet eller koden, till exempel Socialchefsnätverket.")


def test_empty_query_is_a_missing_name() -> None:
    assert problem(lambda: match_name("  ", NETWORKS)).startswith("Namnet saknas.")


def test_a_single_string_instead_of_a_list_of_names_is_one_name() -> None:
    assert match_name("aneby", {"0604": "Aneby"}) == "0604"  # type: ignore[dict-item]


# ---------------------------------------------------------------------------- municipality lists


def test_alla_means_every_municipality() -> None:
    assert parse_municipalities("alla", MUNICIPALITIES) == frozenset(MUNICIPALITIES)
    assert parse_municipalities("Alla kommuner", MUNICIPALITIES) == frozenset(MUNICIPALITIES)


def test_alla_utom_leaves_out_the_named_ones() -> None:
    assert parse_municipalities("alla utom Habo, Mullsjö", MUNICIPALITIES) == frozenset(MUNICIPALITIES) - {
        "0643",
        "0642",
    }


def test_names_separated_by_commas_och_samt_or_spaces() -> None:
    expected = frozenset({"0604", "0686", "0662"})
    assert parse_municipalities("Aneby, Eksjö och Gislaved", MUNICIPALITIES) == expected
    assert parse_municipalities("Aneby Eksjö Gislaved", MUNICIPALITIES) == expected
    assert parse_municipalities("aneby samt eksjo; gislaved", MUNICIPALITIES) == expected


def test_names_of_several_words_stay_together() -> None:
    assert parse_municipalities("Region Jönköpings län och Habo", WITH_REGION) == frozenset({"RJL", "0643"})
    assert parse_municipalities("Jönköping Region Jönköpings län", WITH_REGION) == frozenset({"0680", "RJL"})


def test_list_items_may_be_abbreviated_or_codes() -> None:
    assert parse_municipalities("Eksj, Hab", MUNICIPALITIES) == frozenset({"0686", "0643"})
    assert parse_municipalities("0604 0686", MUNICIPALITIES) == frozenset({"0604", "0686"})


def test_naming_one_twice_is_harmless() -> None:
    assert parse_municipalities("Aneby, aneby", MUNICIPALITIES) == frozenset({"0604"})


def test_unknown_municipality_in_a_list_is_named_with_suggestions() -> None:
    with pytest.raises(NoMatch) as caught:
        parse_municipalities("Aneby, Eksö och Habo", MUNICIPALITIES)
    assert str(caught.value) == "Hittar ingen kommun som heter ”Eksö”. Menade du Eksjö?"
    assert caught.value.suggestions == ["Eksjö"]


def test_alla_utom_everyone_leaves_nothing() -> None:
    everyone = ", ".join(MUNICIPALITIES.values())
    assert "inga kommuner kvar" in problem(lambda: parse_municipalities(f"alla utom {everyone}", MUNICIPALITIES))


def test_alla_followed_by_something_else_is_explained() -> None:
    assert problem(lambda: parse_municipalities("alla Habo", MUNICIPALITIES)).startswith("Förstår inte ”alla Habo”.")
    assert "inte ska med" in problem(lambda: parse_municipalities("alla utom", MUNICIPALITIES))


def test_an_empty_list_asks_for_names() -> None:
    assert problem(lambda: parse_municipalities(" och ", MUNICIPALITIES)).startswith("Skriv vilka kommuner")


# ---------------------------------------------------------------------------- any text at all

# Text of every kind: hypothesis' own (control characters, emoji, other scripts), very long
# text made by repetition, and text assembled from the pieces the parsers look for, so that
# the deeper branches are reached too.
_PIECES = [
    "0", "1", "12", "2022", "31", "99", "/", "-", "−", "–", ".", ",", " ", "\u00a0", "\u202f", "%",
    "maj", "sept", "den", ":e", "i går", "idag", "procent", "alla", "utom", "och", "samt", "Habo",
    "Eksjö", "Region", "Jönköpings", "län", "nassjo", "strategigrupp", "\x00", "\n", "😀", "é", "\u0308",
]  # fmt: skip
ANY_TEXT = st.one_of(
    st.text(),
    st.text(min_size=1, max_size=20).map(lambda unit: (unit * (10_000 // len(unit) + 1))[:10_000]),
    st.lists(st.sampled_from(_PIECES), max_size=12).map("".join),
)


def _value_or_problem(parse: Callable[[], object]) -> None:
    """The contract: a value, or a ValueProblem with a one-line Swedish reply."""
    try:
        parse()
    except ValueProblem as problem_raised:
        message = str(problem_raised)
        assert message and "\n" not in message and len(message) < 500


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_any_text_is_a_date_or_a_value_problem(text: str) -> None:
    _value_or_problem(lambda: parse_date(text, TODAY))


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, st.booleans())
def test_any_text_is_a_number_or_a_value_problem(text: str, allow_negative: bool) -> None:
    _value_or_problem(lambda: parse_number(text, allow_negative=allow_negative))


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_any_text_is_a_percent_or_a_value_problem(text: str) -> None:
    _value_or_problem(lambda: parse_percent(text))


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_any_text_is_an_int_or_a_value_problem(text: str) -> None:
    _value_or_problem(lambda: parse_int(text, minimum=1, maximum=13, what="antal deltagare"))


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_any_text_is_a_name_or_a_value_problem(text: str) -> None:
    _value_or_problem(lambda: match_name(text, NETWORKS))


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, st.dictionaries(st.text(max_size=5), st.lists(st.text(max_size=20), max_size=3), max_size=5))
def test_any_text_against_any_candidates_is_a_name_or_a_value_problem(
    text: str, candidates: dict[str, list[str]]
) -> None:
    _value_or_problem(lambda: match_name(text, candidates, kind="aktivitet"))


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_any_text_is_a_set_of_municipalities_or_a_value_problem(text: str) -> None:
    _value_or_problem(lambda: parse_municipalities(text, WITH_REGION))
