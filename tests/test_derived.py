"""Derived indicator values, checked against hand computations and the 2018 annual report."""

from __future__ import annotations

from datetime import date

import pytest

from kubot.derived import (
    ApplicationFact,
    AttendanceFact,
    CourseFact,
    Ratio,
    SurveyFact,
    answer_distribution,
    applications,
    attendance,
    attendance_by_municipality,
    attendance_by_network,
    cost_reduction,
    course_count,
    digital_share,
    municipalities_below,
    participant_count,
    participants_by_municipality,
    very_satisfied,
)
from kubot.periods import Period

T1_2022 = Period(2022, 1)
T2_2022 = Period(2022, 2)
YEAR_2022 = Period(2022, 3)
YEAR_2018 = Period(2018, 3)


def meeting(
    day: date,
    invited: set[str] | int,
    present: set[str] | int,
    network: str = "Socialchefsnätverket",
    women: int | None = None,
    men: int | None = None,
) -> AttendanceFact:
    """Sets of names give a meeting with known names; plain numbers a count-only meeting."""
    if isinstance(invited, int) and isinstance(present, int):
        return AttendanceFact(network, day, frozenset(), None, invited, present, women, men)
    assert isinstance(invited, set) and isinstance(present, set)
    return AttendanceFact(
        network, day, frozenset(invited), frozenset(present), len(invited), len(present), women, men
    )


def course(
    name: str = "Kurs",
    day: date = date(2022, 3, 1),
    participants: int = 10,
    by_municipality: dict[str, int] | None = None,
    digital: bool = False,
    price: float | None = None,
    external_price: float | None = None,
) -> CourseFact:
    return CourseFact(name, day, participants, by_municipality or {}, digital, price, external_price)


def application(
    sought: float, granted: float | None, status: str, day: date = date(2018, 6, 1), project: str = "Projekt"
) -> ApplicationFact:
    return ApplicationFact(project, "Finansiär", sought, granted, status, day)


def survey(
    counts: tuple[int, int, int, int, int, int],
    dont_know: int = 0,
    network: str = "Socialchefsnätverket",
    question: str = "samverkan mellan kommunerna",
    year: int = 2022,
) -> SurveyFact:
    return SurveyFact(question, network, year, counts, dont_know)


# --- Ratio -------------------------------------------------------------------------------------


def test_ratio_keeps_both_parts_and_gives_share_and_percent() -> None:
    ratio = Ratio(8, 14)
    assert (ratio.numerator, ratio.denominator) == (8, 14)
    assert ratio.value == pytest.approx(0.5714285714)
    assert ratio.percent == pytest.approx(57.14285714)


def test_ratio_with_zero_denominator_has_no_value_instead_of_dividing_by_zero() -> None:
    assert Ratio(0, 0).value is None
    assert Ratio(0, 0).percent is None
    assert not Ratio(0, 0).is_below_percent(80)


def test_ratio_exactly_at_the_minimum_is_not_below_it() -> None:
    assert not Ratio(3, 4).is_below_percent(75)
    assert not Ratio(29, 100).is_below_percent(29)  # 29 / 100 * 100 is 28.999… in floats
    assert Ratio(2, 3).is_below_percent(75)


# --- Attendance --------------------------------------------------------------------------------


def test_overall_attendance_pools_present_over_invited_across_meetings() -> None:
    facts = [
        meeting(date(2022, 2, 10), 13, 11),
        meeting(date(2022, 3, 10), {"Aneby", "Eksjö", "Habo", "RJL"}, {"Aneby", "RJL"}),
    ]
    result = attendance(facts, T1_2022)
    assert (result.numerator, result.denominator) == (13, 17)
    assert result.value == pytest.approx(13 / 17)


def test_attendance_is_cumulative_from_january_and_ends_with_the_tertial() -> None:
    facts = [
        meeting(date(2021, 12, 31), 13, 1),
        meeting(date(2022, 1, 1), 13, 13),
        meeting(date(2022, 8, 31), 13, 7),
        meeting(date(2022, 9, 1), 13, 2),
    ]
    assert attendance(facts, T2_2022).value == pytest.approx(20 / 26)
    assert attendance(facts, YEAR_2022).value == pytest.approx(22 / 39)


def test_meeting_on_first_of_september_is_outside_t2() -> None:
    facts = [meeting(date(2022, 9, 1), 13, 12)]
    assert attendance(facts, T2_2022).value is None


def test_attendance_can_be_restricted_to_a_set_of_networks() -> None:
    facts = [
        meeting(date(2022, 2, 1), 13, 12, network="PKS"),
        meeting(date(2022, 2, 2), 10, 5, network="Reko"),
        meeting(date(2022, 2, 3), 13, 4, network="Skolchefsnätverket"),
    ]
    assert attendance(facts, T1_2022, {"PKS", "Reko"}).value == pytest.approx(17 / 23)


def test_attendance_per_network_covers_each_network_in_the_period() -> None:
    facts = [
        meeting(date(2022, 2, 1), 13, 12, network="PKS"),
        meeting(date(2022, 3, 1), 13, 10, network="PKS"),
        meeting(date(2022, 2, 2), 10, 5, network="Reko"),
        meeting(date(2022, 9, 2), 10, 10, network="Strategigrupp äldre"),
    ]
    per_network = attendance_by_network(facts, T2_2022)
    assert set(per_network) == {"PKS", "Reko"}
    assert per_network["PKS"].value == pytest.approx(22 / 26)
    assert per_network["Reko"].value == pytest.approx(0.5)


def test_attendance_per_municipality_uses_only_meetings_with_names() -> None:
    facts = [
        meeting(date(2022, 2, 1), {"Aneby", "Eksjö"}, {"Aneby"}),
        meeting(date(2022, 3, 1), {"Aneby", "Eksjö"}, {"Aneby", "Eksjö"}),
        meeting(date(2022, 4, 1), 13, 1),
    ]
    per_municipality = attendance_by_municipality(facts, T1_2022)
    assert per_municipality["Aneby"].value == pytest.approx(1.0)
    assert (per_municipality["Eksjö"].numerator, per_municipality["Eksjö"].denominator) == (1, 2)


def test_municipality_only_at_count_only_meetings_has_no_share_rather_than_zero() -> None:
    facts = [
        meeting(date(2022, 2, 1), {"Aneby"}, {"Aneby"}),
        AttendanceFact("Reko", date(2022, 2, 2), frozenset({"Habo"}), None, 1, 0, None, None),
    ]
    assert set(attendance_by_municipality(facts, T1_2022)) == {"Aneby"}


def test_municipality_is_only_judged_on_meetings_it_was_invited_to() -> None:
    facts = [
        meeting(date(2022, 2, 1), {"Aneby"}, {"Aneby"}, network="A"),
        meeting(date(2022, 2, 2), {"Habo"}, {"Habo", "Aneby"}, network="B"),
    ]
    assert attendance_by_municipality(facts, T1_2022)["Aneby"].denominator == 1


def test_region_is_tracked_like_a_participant() -> None:
    facts = [
        meeting(date(2022, 2, 1), {"Aneby", "Eksjö", "Habo", "RJL"}, {"Aneby", "RJL"}, network="Reko"),
        meeting(
            date(2022, 3, 1), {"Aneby", "Eksjö", "Habo", "RJL"}, {"Aneby", "Eksjö", "Habo"}, network="Reko"
        ),
    ]
    assert attendance_by_municipality(facts, T1_2022)["RJL"].value == pytest.approx(0.5)


def test_every_municipality_at_least_75_percent_lists_those_below_worst_first() -> None:
    facts = [
        meeting(date(2022, 1, 10), {"Aneby", "Eksjö", "Habo"}, {"Aneby", "Eksjö", "Habo"}),
        meeting(date(2022, 2, 10), {"Aneby", "Eksjö", "Habo"}, {"Aneby", "Eksjö"}),
        meeting(date(2022, 3, 10), {"Aneby", "Eksjö", "Habo"}, {"Aneby"}),
        meeting(date(2022, 4, 10), {"Aneby", "Eksjö", "Habo"}, {"Aneby", "Eksjö"}),
    ]
    below = municipalities_below(facts, T1_2022, 75)
    assert [code for code, _ in below] == ["Habo"]
    assert below[0][1].value == pytest.approx(0.25)
    below_90 = municipalities_below(facts, T1_2022, 90)
    assert [code for code, _ in below_90] == ["Habo", "Eksjö"]


def test_every_municipality_target_met_gives_empty_list() -> None:
    facts = [meeting(date(2022, 1, 10), {"Aneby", "Eksjö"}, {"Aneby", "Eksjö"})]
    assert municipalities_below(facts, T1_2022, 75) == []
    assert municipalities_below([], T1_2022, 75) == []


def test_no_meetings_gives_no_attendance_value() -> None:
    assert attendance([], T1_2022).value is None
    assert attendance_by_network([], T1_2022) == {}
    assert attendance_by_municipality([], T1_2022) == {}


# --- Courses -----------------------------------------------------------------------------------

# "Exempel på kurser som genererar en hög kostnadseffektivitet", Verksamhetsberättelse 2018.
SEED_COURSES_2018 = [
    ("Diplomerad upphandlare, en niodagarskurs", 21_300, 18, 43_000),
    ("Arbete på väg nivå 1-2", 2_050, 16, 2_350),
    ("Motiverande samtal", 4_500, 20, 7_500),
    ("Arbete på väg nivå 3, 2 dagar", 2_850, 16, 6_350),
    ("Kurs för överförmyndare, 2 dagar", 4_110, 20, 7_900),
    ("GDPR", 1_840, 30, 4_999),
    ("Gallra och bevara Diarieföring", 1_945, 30, 3_300),
    ("Arkivering enligt arkivlagen", 1_945, 30, 3_300),
    ("Entreprenadjuridik", 1_950, 30, 4_900),
    ("Molntjänster", 5_150, 25, 8_900),
]


def seed_course(name: str) -> CourseFact:
    price, participants, external = next((p, n, e) for c, p, n, e in SEED_COURSES_2018 if c == name)
    return course(name, date(2018, 10, 1), participants, price=price, external_price=external)


def test_seed_motiverande_samtal_saves_60000_kr_or_40_percent() -> None:
    reduction = cost_reduction([seed_course("Motiverande samtal")], YEAR_2018)
    assert reduction.numerator == pytest.approx(60_000)
    assert reduction.denominator == pytest.approx(150_000)
    assert reduction.value == pytest.approx(0.40)


def test_seed_gdpr_saves_94770_kr() -> None:
    reduction = cost_reduction([seed_course("GDPR")], YEAR_2018)
    assert reduction.numerator == pytest.approx(94_770)
    assert reduction.value == pytest.approx(3_159 / 4_999)


def test_seed_example_courses_save_945520_kr_in_total() -> None:
    courses = [seed_course(name) for name, *_ in SEED_COURSES_2018]
    reduction = cost_reduction(courses, YEAR_2018)
    assert reduction.numerator == pytest.approx(945_520)
    assert reduction.denominator == pytest.approx(1_938_670)
    assert reduction.value == pytest.approx(0.48771, abs=1e-5)


def test_cost_reduction_leaves_out_courses_missing_a_price() -> None:
    courses = [
        course(participants=10, price=1_000, external_price=3_000),
        course(participants=50, price=None, external_price=3_000),
        course(participants=50, price=1_000, external_price=None),
    ]
    reduction = cost_reduction(courses, T1_2022)
    assert (reduction.numerator, reduction.denominator) == (20_000, 30_000)


def test_course_dearer_than_external_reduces_the_savings() -> None:
    courses = [
        course(participants=10, price=1_000, external_price=3_000),
        course(participants=10, price=2_500, external_price=2_000),
    ]
    assert cost_reduction(courses, T1_2022).numerator == pytest.approx(15_000)


def test_courses_count_participants_and_digital_share_within_the_period() -> None:
    courses = [
        course(day=date(2022, 1, 20), participants=20, digital=True),
        course(day=date(2022, 5, 5), participants=12),
        course(day=date(2022, 8, 31), participants=8),
        course(day=date(2022, 9, 1), participants=100, digital=True),
    ]
    assert course_count(courses, T2_2022) == 3
    assert participant_count(courses, T2_2022) == 40
    share = digital_share(courses, T2_2022)
    assert (share.numerator, share.denominator) == (1, 3)
    assert digital_share(courses, YEAR_2022).value == pytest.approx(0.5)


def test_region_and_external_participants_are_counted_beside_municipalities() -> None:
    courses = [
        course(participants=20, by_municipality={"Jönköping": 12, "RJL": 5, "Externa": 3}),
        course(participants=10, by_municipality={"Jönköping": 2, "RJL": 8}),
    ]
    per_municipality = participants_by_municipality(courses, T1_2022)
    assert per_municipality["RJL"].numerator == 13
    assert per_municipality["Jönköping"].numerator == 14
    assert per_municipality["Externa"].value == pytest.approx(3 / 30)


def test_participants_share_uses_all_participants_even_without_breakdown() -> None:
    courses = [
        course(participants=20, by_municipality={"Aneby": 15, "RJL": 5}),
        course(participants=20),
    ]
    per_municipality = participants_by_municipality(courses, T1_2022)
    assert per_municipality["Aneby"].value == pytest.approx(15 / 40)
    assert participant_count(courses, T1_2022) == 40


def test_seed_participants_per_municipality_match_the_2018_appendix() -> None:
    appendix = {
        "Aneby": 35, "Eksjö": 29, "Gislaved": 91, "Gnosjö": 32, "Habo": 61, "Jönköping": 319,
        "Mullsjö": 30, "Nässjö": 69, "Sävsjö": 28, "Tranås": 22, "Vaggeryd": 61, "Vetlanda": 58,
        "Värnamo": 71, "RJL": 145, "Externa": 101,
    }  # fmt: skip
    courses = [course(day=date(2018, 11, 1), participants=sum(appendix.values()), by_municipality=appendix)]
    per_municipality = participants_by_municipality(courses, YEAR_2018)
    assert participant_count(courses, YEAR_2018) == 1152
    assert per_municipality["Jönköping"].percent == pytest.approx(27.7, abs=0.05)
    assert per_municipality["RJL"].percent == pytest.approx(12.6, abs=0.05)
    assert per_municipality["Tranås"].percent == pytest.approx(1.9, abs=0.05)


def test_no_courses_gives_zero_counts_and_no_shares() -> None:
    assert course_count([], T1_2022) == 0
    assert participant_count([], T1_2022) == 0
    assert participants_by_municipality([], T1_2022) == {}
    assert digital_share([], T1_2022).value is None
    assert cost_reduction([], T1_2022).value is None


# --- Funding applications ----------------------------------------------------------------------


def seed_applications_2018() -> list[ApplicationFact]:
    """Fourteen applications, eight granted: the report's three named grants plus made-up ones
    whose amounts bring the totals to the report's 43 438 229 sought and 19 790 919 granted."""
    granted = [
        application(27_000_000, 12_500_000, "granted", project="KOSTA"),
        application(4_958_000, 4_871_000, "granted", project="Stöd till föräldrar med placerade barn"),
        application(1_000_000, 500_000, "granted", project="Letterbox Club Sverige"),
        *[application(400_000, 400_000, "granted") for _ in range(4)],
        application(400_000, 319_919, "granted"),
    ]
    rejected = [
        *[application(1_400_000, None, "rejected") for _ in range(5)],
        application(1_480_229, 0, "rejected"),
    ]
    return granted + rejected


def test_seed_eight_of_fourteen_applications_granted_is_57_percent() -> None:
    summary = applications(seed_applications_2018(), YEAR_2018)
    assert (summary.granted_of_decided.numerator, summary.granted_of_decided.denominator) == (8, 14)
    assert summary.granted_of_decided.value == pytest.approx(0.5714285714)
    assert (summary.submitted, summary.granted, summary.rejected, summary.pending) == (14, 8, 6, 0)


def test_seed_granted_amount_is_45_percent_of_sought() -> None:
    amounts = applications(seed_applications_2018(), YEAR_2018).amount_granted_of_sought
    assert amounts.numerator == pytest.approx(19_790_919)
    assert amounts.denominator == pytest.approx(43_438_229)
    assert amounts.value == pytest.approx(0.455611, abs=1e-6)


def test_pending_applications_count_neither_as_granted_nor_as_sought() -> None:
    facts = [*seed_applications_2018(), application(5_000_000, None, "pending", day=date(2018, 11, 30))]
    summary = applications(facts, YEAR_2018)
    assert (summary.submitted, summary.pending) == (15, 1)
    assert summary.granted_of_decided.denominator == 14
    assert summary.amount_granted_of_sought.denominator == pytest.approx(43_438_229)


def test_application_decided_on_first_of_september_is_outside_t2() -> None:
    facts = [
        application(100_000, 100_000, "granted", day=date(2022, 4, 30)),
        application(100_000, None, "rejected", day=date(2022, 9, 1)),
    ]
    summary = applications(facts, T2_2022)
    assert (summary.submitted, summary.granted, summary.rejected) == (1, 1, 0)
    assert applications(facts, YEAR_2022).granted_of_decided.value == pytest.approx(0.5)


def test_partial_grant_counts_as_granted_with_its_granted_amount() -> None:
    summary = applications([application(1_000_000, 210_000, "granted")], YEAR_2018)
    assert summary.granted_of_decided.value == pytest.approx(1.0)
    assert summary.amount_granted_of_sought.value == pytest.approx(0.21)


def test_only_pending_applications_give_no_shares() -> None:
    summary = applications([application(1_000_000, None, "pending")], YEAR_2018)
    assert summary.granted_of_decided.value is None
    assert summary.amount_granted_of_sought.value is None
    assert applications([], YEAR_2018).submitted == 0


def test_unknown_status_or_grant_without_amount_is_refused() -> None:
    with pytest.raises(ValueError):
        application(1_000, None, "approved")
    with pytest.raises(ValueError):
        application(1_000, None, "granted")


# --- Survey ------------------------------------------------------------------------------------


def test_very_satisfied_is_five_and_six_of_answers_excluding_dont_know() -> None:
    result = very_satisfied(
        [survey((1, 1, 2, 4, 5, 3), dont_know=4)], YEAR_2022, "samverkan mellan kommunerna"
    )
    assert (result.numerator, result.denominator) == (8, 16)
    assert result.value == pytest.approx(0.5)


def test_very_satisfied_over_all_networks_pools_answers_rather_than_averaging_networks() -> None:
    facts = [
        survey((0, 0, 1, 1, 3, 5), network="Socialchefsnätverket"),
        survey((1, 1, 2, 2, 1, 1), network="Utvecklingsledarnätverket"),
    ]
    question = "samverkan mellan kommunerna"
    assert very_satisfied(facts, YEAR_2022, question, {"Socialchefsnätverket"}).value == pytest.approx(0.8)
    assert very_satisfied(facts, YEAR_2022, question).value == pytest.approx(10 / 18)
    assert very_satisfied(facts, YEAR_2022, question, {"Utvecklingsledarnätverket"}).value == pytest.approx(
        0.25
    )


def test_survey_counts_only_its_year_and_question() -> None:
    facts = [
        survey((0, 0, 0, 0, 1, 1), year=2022),
        survey((5, 5, 0, 0, 0, 0), year=2021),
        survey((5, 5, 0, 0, 0, 0), question="kompetens i länet"),
    ]
    assert very_satisfied(facts, YEAR_2022, "samverkan mellan kommunerna").value == pytest.approx(1.0)
    assert very_satisfied(facts, Period(2021, 3), "samverkan mellan kommunerna").value == pytest.approx(0.0)


def test_answer_distribution_gives_count_and_share_per_step() -> None:
    facts = [
        survey((0, 1, 2, 3, 4, 0), dont_know=7, network="A"),
        survey((0, 0, 0, 1, 2, 7), network="B"),
    ]
    distribution = answer_distribution(facts, YEAR_2022, "samverkan mellan kommunerna")
    assert [step.numerator for step in distribution] == [0, 1, 2, 4, 6, 7]
    assert all(step.denominator == 20 for step in distribution)
    assert distribution[5].value == pytest.approx(0.35)
    only_a = answer_distribution(facts, YEAR_2022, "samverkan mellan kommunerna", {"A"})
    assert only_a[4].value == pytest.approx(0.4)


def test_no_survey_answers_give_no_share() -> None:
    only_dont_know = [survey((0, 0, 0, 0, 0, 0), dont_know=3)]
    assert very_satisfied(only_dont_know, YEAR_2022, "samverkan mellan kommunerna").value is None
    assert very_satisfied([], YEAR_2022, "samverkan mellan kommunerna").value is None
    assert all(
        step.value is None for step in answer_distribution([], YEAR_2022, "samverkan mellan kommunerna")
    )
