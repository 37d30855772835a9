"""Evaluating a period from stored records: verdicts, snapshots, timing, pro-rating, warnings."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, delete, select

from kubot import evaluation, journal, owed, snapshots
from kubot.kinds.attendance.record import log_attendance
from kubot.kinds.course.record import log_course
from kubot.kinds.result.record import log_result
from kubot.models import Deadline, Evaluation, Indicator, IndicatorTarget
from kubot.periods import Period
from kubot.verdicts import Due, Status, Trend
from tests.conftest import origin

T2 = Period(2022, 2)
AFTER_T2 = date(2022, 9, 5)


def judge(session: Session, period: Period = T2, today: date = AFTER_T2) -> evaluation.Snapshot:
    return evaluation.evaluate(session, period, today=today, trigger="test")


def result(session: Session, code: str, value: float, period: Period = T2) -> None:
    log_result(session, origin=origin(session, "Ola Götesson"), indicator_code=code, period=period,
                       today=date(2022, 11, 23), value=value)


def test_a_typed_result_is_judged_with_the_rule_and_numbers_that_decided_it(session: Session) -> None:
    result(session, "arbetsmiljo", 68)
    verdict = judge(session).indicator("arbetsmiljo")
    assert verdict is not None
    assert (verdict.status, verdict.status_rule, verdict.value, verdict.target) == (
        Status.PARTLY,
        "högre-delvis",
        68,
        90,
    )
    assert "Resultatet 68 % når inte målvärdet 90 % men minst 60 % av det." in verdict.explanation
    assert verdict.inputs["status"]["delvis_från"] == 0.6


def test_trend_compares_with_the_same_period_last_year(session: Session) -> None:
    result(session, "arbetsmiljo", 70, Period(2021, 2))
    result(session, "arbetsmiljo", 80)
    verdict = judge(session).indicator("arbetsmiljo")
    assert verdict is not None and (verdict.trend, verdict.previous) == (Trend.UP, 70)


def test_a_november_survey_is_measured_later_in_t2_and_missing_after_the_year(session: Session) -> None:
    in_t2 = judge(session).indicator("nojd-samverkan")
    assert in_t2 is not None and (in_t2.status, in_t2.due) == (Status.NO_RESULT, Due.LATER)
    assert "mäts i november" in in_t2.explanation
    after_year = judge(session, Period(2022, 3), date(2023, 1, 10)).indicator("nojd-samverkan")
    assert after_year is not None and after_year.due == Due.MISSING


def test_deadline_turns_missing_into_overdue(session: Session) -> None:
    journal.record(session, kind="tidsgräns", summary="T2 2022: 2022-09-15", origin=origin(session, "Ola Götesson"),
                   rows=[Deadline(year=2022, tertial=2, due_on=date(2022, 9, 15))])
    assert judge(session, today=date(2022, 9, 15)).indicator("arbetsmiljo").due == Due.MISSING  # type: ignore[union-attr]
    late = judge(session, today=date(2022, 9, 16))
    assert late.deadline == date(2022, 9, 15)
    assert late.indicator("arbetsmiljo").due == Due.OVERDUE  # type: ignore[union-attr]
    assert "tidsgränsen 2022-09-15 har passerat" in late.indicator("arbetsmiljo").explanation  # type: ignore[union-attr]


def test_in_a_running_period_a_missing_result_is_owed_when_the_period_ends(session: Session) -> None:
    verdict = judge(session, Period(2022, 3), date(2022, 11, 23)).indicator("arbetsmiljo")
    assert verdict is not None and verdict.due == Due.OPEN and verdict.due.outstanding


def courses(session: Session, count: int, year: int = 2022) -> None:
    for n in range(count):
        log_course(session, origin=origin(session, "Ola Götesson"), name=f"Kurs {n}",
                           held_on=date(year, 1, 10) + timedelta(days=n), today=date(2022, 11, 23), participants=10)


def test_a_cumulative_count_is_judged_against_the_pro_rated_target_when_the_plan_says_so(session: Session) -> None:
    courses(session, 20)
    t1 = judge(session, Period(2022, 1), date(2022, 5, 2)).indicator("kurser")
    assert t1 is not None and (t1.status, t1.target, t1.annual_target) == (Status.MET, 20, 60)
    assert "årsmålet 60 räknat för periodens del av året (4 av 12 månader)" in t1.explanation
    year = judge(session, Period(2022, 3), date(2023, 1, 2)).indicator("kurser")
    assert year is not None and (year.status, year.target) == (Status.NOT_MET, 60)


def test_without_pro_rating_a_part_year_result_meets_the_full_year_target(session: Session) -> None:
    courses(session, 20)
    kurser = session.exec(select(Indicator).where(Indicator.code == "kurser")).one()
    kurser.prorate = False
    verdict = judge(session, Period(2022, 1), date(2022, 5, 2)).indicator("kurser")
    assert verdict is not None and (verdict.status, verdict.target) == (Status.NOT_MET, 60)


def test_every_municipality_indicator_names_those_below_target(session: Session) -> None:
    for day, present in [(date(2022, 2, 1), {"aneby", "eksjo"}), (date(2022, 3, 1), {"aneby"})]:
        log_attendance(session, origin=origin(session, "Ola Götesson"), network_code="reko", held_on=day,
                               today=date(2022, 11, 23), present=frozenset(present | {"rjl"}))
    verdict = judge(session).indicator("reko-varje-kommun")
    assert verdict is not None and (verdict.status, verdict.value, verdict.below) == (Status.PARTLY, 50, ("Eksjö",))
    assert "Under målvärdet: Eksjö." in verdict.explanation


def test_an_indicator_without_target_is_not_judged(session: Session) -> None:
    kurser = session.exec(select(Indicator).where(Indicator.code == "arbetsmiljo")).one()
    session.exec(delete(IndicatorTarget).where(IndicatorTarget.indicator_id == kurser.id))  # type: ignore[call-overload]
    result(session, "arbetsmiljo", 75)
    verdict = judge(session).indicator("arbetsmiljo")
    assert verdict is not None and (verdict.status, verdict.value, verdict.target) == (Status.NO_TARGET, 75, None)


def test_nothing_sought_gives_no_result_not_a_crash(session: Session) -> None:
    verdict = judge(session).indicator("ans-antal")
    assert verdict is not None and (verdict.status, verdict.status_rule) == (Status.NO_RESULT, "inget-underlag")


def test_lower_is_better_uses_the_plans_own_band(session: Session) -> None:
    result(session, "handlaggningstid", 12)
    verdict = judge(session).indicator("handlaggningstid")
    # Lower is better, with the plan's own band 0.8: 12 days against 10 is still partly met.
    assert verdict is not None and (verdict.status, verdict.status_rule) == (Status.PARTLY, "lägre-delvis")


def test_two_pks_meetings_below_target_raise_an_early_warning(session: Session) -> None:
    for day, count in [(date(2022, 3, 1), 3), (date(2022, 4, 1), 2), (date(2022, 5, 1), 2)]:
        log_attendance(session, origin=origin(session, "Ola Götesson"), network_code="pks", held_on=day,
                               today=date(2022, 11, 23), present_count=count)
    warnings = judge(session).warnings
    assert [(w.code, w.rule) for w in warnings] == [("pks", "närvaro-under-mål-två-möten")]
    assert (
        warnings[0].text == "PKS: närvaron var under målvärdet 80 % två möten i rad (67 % och 67 %, senast 2022-05-01)."
    )


def test_snapshots_are_kept_so_two_runs_can_be_compared(session: Session) -> None:
    first = judge(session)
    result(session, "arbetsmiljo", 95)
    second = judge(session)
    assert first.id != second.id
    stored_first = snapshots.load_snapshot(session, session.get(Evaluation, first.id))  # type: ignore[arg-type]
    assert stored_first.indicator("arbetsmiljo").status == Status.NO_RESULT  # type: ignore[union-attr]
    assert snapshots.latest(session, T2).indicator("arbetsmiljo").status == Status.MET  # type: ignore[union-attr]
    assert snapshots.latest(session, T2) == second


def test_what_a_person_owes_comes_from_the_due_verdicts(session: Session) -> None:
    lise = origin(session, "Liselotte Karlsson").actor
    assert lise is not None and lise.id is not None
    assert [v.code for v in owed.owed_verdicts(judge(session), owed.Whose(person=lise.id))] == [
        "brukarrev",
        "handlaggningstid",
    ]
