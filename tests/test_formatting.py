"""Swedish display formats: what a reader of the chat replies and reports sees."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from kubot import formatting


def test_thousands_are_grouped_with_a_plain_space_as_in_the_published_documents() -> None:
    assert formatting.number(43438229) == "43 438 229"
    assert "\u00a0" not in formatting.number(43438229)


def test_decimals_use_a_comma_and_the_requested_number_of_places() -> None:
    assert formatting.number(Decimal("49.13"), decimals=2) == "49,13"
    assert formatting.number(Decimal("1234.5"), decimals=2) == "1 234,50"


def test_halves_round_away_from_zero_like_excel() -> None:
    assert formatting.number(2.5) == "3"
    assert formatting.number(Decimal("0.125"), decimals=2) == "0,13"
    assert formatting.number(-2.5) == "\u22123"


def test_a_float_rounds_as_written_not_as_stored_in_binary() -> None:
    assert formatting.number(2.675, decimals=2) == "2,68"


def test_negative_numbers_get_the_swedish_minus_sign() -> None:
    assert formatting.number(-3) == "\u22123"
    assert formatting.number(Decimal("-1234.5"), decimals=1) == "\u22121 234,5"


def test_a_value_that_rounds_to_zero_is_never_negative_zero() -> None:
    assert formatting.number(-0.4) == "0"
    assert formatting.percent(Decimal("-0.04"), decimals=1) == "0,0 %"


def test_infinity_and_nan_are_refused_rather_than_printed() -> None:
    with pytest.raises(ValueError):
        formatting.number(float("nan"))
    with pytest.raises(ValueError):
        formatting.kronor(float("inf"))


def test_percent_takes_a_value_on_the_hundred_scale() -> None:
    assert formatting.percent(79) == "79 %"
    assert formatting.percent(Decimal("49.125"), decimals=2) == "49,13 %"
    assert formatting.percent(-5.5, decimals=1) == "\u22125,5 %"


def test_ratio_percent_takes_a_fraction_of_one() -> None:
    assert formatting.ratio_percent(0.5713) == "57 %"
    assert formatting.ratio_percent(Decimal(12) / Decimal(13), decimals=1) == "92,3 %"
    assert formatting.ratio_percent(1) == "100 %"


def test_kronor_are_whole_with_the_kr_symbol() -> None:
    assert formatting.kronor(12_500_000) == "12 500 000 kr"
    assert formatting.kronor(Decimal("4500.5"), decimals=2) == "4 500,50 kr"
    assert formatting.kronor(-7500) == "\u22127 500 kr"


def test_tkr_shows_an_amount_kept_in_thousands_of_kronor() -> None:
    assert formatting.tkr(12_500) == "12 500 tkr"
    assert formatting.tkr(1.5) == "2 tkr"
    assert formatting.tkr(Decimal("1234.56"), decimals=1) == "1 234,6 tkr"


def test_day_is_the_numeric_swedish_date() -> None:
    assert formatting.day(date(2022, 8, 31)) == "2022-08-31"
    assert formatting.day(date(2022, 1, 5)) == "2022-01-05"


def test_timestamp_is_swedish_wall_clock_time_in_summer_and_winter() -> None:
    assert formatting.timestamp(datetime(2022, 8, 31, 12, 5, tzinfo=UTC)) == "2022-08-31 14:05"
    assert formatting.timestamp(datetime(2022, 1, 31, 12, 5, tzinfo=UTC)) == "2022-01-31 13:05"


def test_timestamp_converts_from_any_time_zone() -> None:
    new_york = timezone(timedelta(hours=-4))
    assert formatting.timestamp(datetime(2022, 8, 31, 8, 5, tzinfo=new_york)) == "2022-08-31 14:05"


def test_timestamp_refuses_a_naive_datetime_whose_zone_is_unknown() -> None:
    with pytest.raises(ValueError):
        formatting.timestamp(datetime(2022, 8, 31, 14, 5))


def test_a_name_ending_in_s_x_or_z_takes_no_genitive_s() -> None:
    assert [formatting.genitive(n) for n in ("Maria Chef", "Lars", "Max", "Inez")] == [
        "Maria Chefs",
        "Lars",
        "Max",
        "Inez",
    ]
