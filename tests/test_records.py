"""Logging records: validation, the journal (who, when, where), undo, and no duplicates on retry."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from kubot import derived, facts, journal
from kubot.journal import JournalError
from kubot.kinds import application, result
from kubot.kinds.activity.record import log_activity_status
from kubot.kinds.application.record import log_application
from kubot.kinds.attendance.record import log_attendance
from kubot.kinds.course.record import log_course
from kubot.kinds.event.record import log_event
from kubot.kinds.result.record import log_result
from kubot.kinds.survey.record import log_survey
from kubot.models import Attendance, Change, Entry, Indicator, IndicatorResult
from kubot.models.records import ActivityState
from kubot.periods import Period
from kubot.records import RecordError
from tests.conftest import TODAY, origin


def count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_attendance_by_count_is_echoed_normalised_with_share(session: Session) -> None:
    recorded = log_attendance(session, origin=origin(session, "Ola Götesson"), network_code="pks",
                                      held_on=date(2022, 3, 10), today=TODAY, present_count=2)
    assert recorded.entry.summary == "PKS 2022-03-10: närvaro 2 av 3 (67 %)"
    assert recorded.entry.id is not None and not recorded.duplicate


def test_attendance_by_name_lists_who_was_missing(session: Session) -> None:
    recorded = log_attendance(session, origin=origin(session, "Ola Götesson"), network_code="reko",
                                      held_on=date(2022, 5, 12), today=TODAY, present=frozenset({"aneby", "rjl"}),
                                      women=1, men=1)
    assert recorded.entry.summary == "Reko 2022-05-12: närvaro 2 av 3 (67 %), frånvarande: Eksjö, kvinnor 1, män 1"


def test_more_present_than_invited_is_rejected_and_writes_nothing(session: Session) -> None:
    with pytest.raises(RecordError, match="3 inbjudna – 14 närvarande går inte"):
        log_attendance(session, origin=origin(session, "Ola Götesson"), network_code="pks",
                               held_on=date(2022, 3, 10), today=TODAY, present_count=14)
    assert count(session, Attendance) == 0
    assert count(session, Entry) == 1  # only the plan import


def test_a_meeting_in_the_future_is_rejected(session: Session) -> None:
    with pytest.raises(RecordError, match="ligger i framtiden"):
        log_attendance(session, origin=origin(session, "Ola Götesson"), network_code="pks",
                               held_on=date(2023, 1, 10), today=TODAY, present_count=2)


def test_municipality_not_invited_to_the_network_is_rejected(session: Session) -> None:
    with pytest.raises(RecordError, match="Habo är inte inbjudna till Reko"):
        log_attendance(session, origin=origin(session, "Ola Götesson"), network_code="reko",
                               held_on=date(2022, 5, 12), today=TODAY, present=frozenset({"habo"}))


def test_the_same_message_delivered_twice_is_recorded_once(session: Session) -> None:
    who = origin(session, "Ola Götesson", message_id="slack:C1:1652345.0001", channel="slack")
    first = log_attendance(session, origin=who, network_code="pks", held_on=date(2022, 3, 10), today=TODAY,
                                   present_count=2)
    again = log_attendance(session, origin=who, network_code="pks", held_on=date(2022, 3, 10), today=TODAY,
                                   present_count=2)
    assert again.duplicate and again.entry.id == first.entry.id
    assert count(session, Attendance) == 1


def test_every_entry_records_who_when_and_through_which_channel(session: Session) -> None:
    recorded = log_course(session, origin=origin(session, "Liselotte Karlsson", message_id="m1"),
                                  name="Motiverande samtal", held_on=date(2022, 4, 5), today=TODAY, participants=20,
                                  price=4500, external_price=7500)
    entry = recorded.entry
    assert entry.actor_id is not None and entry.channel == "console" and entry.message_id == "m1"
    assert entry.created_at.tzinfo is not None
    [change] = _changes(session, entry.id or 0)
    assert change.action == "skapad" and change.detail["rows"][0]["name"] == "Motiverande samtal"
    assert "kostnadsreducering 60 000 kr" in entry.summary


def test_undo_removes_the_record_from_results_but_keeps_it_in_the_journal(session: Session) -> None:
    who = origin(session, "Ola Götesson")
    log_attendance(session, origin=who, network_code="pks", held_on=date(2022, 3, 10), today=TODAY, present_count=3)
    second = log_attendance(session, origin=who, network_code="pks", held_on=date(2022, 5, 10), today=TODAY,
                                    present_count=1)
    pks = session.exec(select(Indicator).where(Indicator.code == "narvaro-pks")).one()
    t2 = Period(2022, 2)
    assert facts.indicator_value(pks, facts.load(session, 2022, 2022), t2).value == pytest.approx(400 / 6)

    undone = journal.undo(session, entry_id=second.entry.id or 0, origin=who)

    assert undone.id == second.entry.id and undone.undone_at is not None
    assert facts.indicator_value(pks, facts.load(session, 2022, 2022), t2).value == pytest.approx(100)
    assert count(session, Attendance) == 2
    assert [c.action for c in _changes(session, undone.id or 0)] == ["skapad", "ångrad"]


def test_staff_cannot_undo_someone_elses_entry(session: Session) -> None:
    recorded = log_attendance(session, origin=origin(session, "Ola Götesson"), network_code="pks",
                                      held_on=date(2022, 3, 10), today=TODAY, present_count=3)
    with pytest.raises(JournalError, match="registrerades av någon annan"):
        journal.undo(session, entry_id=recorded.entry.id, origin=origin(session, "Liselotte Karlsson"))
    assert recorded.entry.active


def test_an_admin_may_undo_anyones_entry(session: Session) -> None:
    recorded = log_event(session, origin=origin(session, "Liselotte Karlsson"), area_code="missbruk",
                                 occurred_on=date(2022, 6, 1), text="Ny samverkansöverenskommelse.")
    journal.undo(session, entry_id=recorded.entry.id, origin=origin(session, "Ola Götesson"))
    assert not recorded.entry.active


def test_undoing_twice_says_it_is_already_undone(session: Session) -> None:
    who = origin(session, "Ola Götesson")
    recorded = log_attendance(session, origin=who, network_code="pks", held_on=date(2022, 3, 10), today=TODAY,
                                      present_count=3)
    journal.undo(session, entry_id=recorded.entry.id, origin=who)
    with pytest.raises(JournalError, match="redan ångrad"):
        journal.undo(session, entry_id=recorded.entry.id, origin=who)


def test_a_correction_replaces_the_old_value_and_keeps_both(session: Session) -> None:
    who = origin(session, "Liselotte Karlsson")
    first = log_result(session, origin=who, indicator_code="brukarrev", period=Period(2022, 2), today=TODAY, value=2)
    corrected = journal.record(session, kind="resultat", summary="rättelse", origin=who, replaces=first.entry,
                               rows=[IndicatorResult(indicator_code="brukarrev", year=2022, tertial=2, value=3)])
    assert not first.entry.active and corrected.entry.active
    loaded = facts.load(session, 2022, 2022)
    assert result.typed(loaded).results[("brukarrev", 2022, 2)].value == 3
    assert session.exec(select(Change.action).where(Change.entry_id == corrected.entry.id)).all() == ["rättad"]


def test_a_percentage_over_100_is_rejected(session: Session) -> None:
    with pytest.raises(RecordError, match="mellan 0 och 100"):
        log_result(session, origin=origin(session, "Ola Götesson"), indicator_code="arbetsmiljo",
                           period=Period(2022, 2), today=TODAY, value=250)


def test_derived_indicators_take_no_typed_result(session: Session) -> None:
    with pytest.raises(RecordError, match="räknas fram ur registreringar"):
        log_result(session, origin=origin(session, "Ola Götesson"), indicator_code="narvaro-pks",
                           period=Period(2022, 2), today=TODAY, value=79)


def test_an_indicator_outside_the_plan_year_is_unknown(session: Session) -> None:
    with pytest.raises(RecordError, match="finns inte i planen för 2020"):
        log_result(session, origin=origin(session, "Ola Götesson"), indicator_code="brukarrev",
                           period=Period(2020, 2), today=TODAY, value=1)


def test_survey_answers_give_the_share_very_satisfied(session: Session) -> None:
    recorded = log_survey(session, origin=origin(session, "Ola Götesson"), year=2022,
                                  question_code="samverkan-kommuner", network_code="pks", counts=(0, 1, 3, 4, 6, 5),
                                  dont_know=2)
    assert recorded.entry.summary.endswith("mycket nöjda 11 av 19 (58 %)")
    indicator = session.exec(select(Indicator).where(Indicator.code == "nojd-samverkan")).one()
    value = facts.indicator_value(indicator, facts.load(session, 2022, 2022), Period(2022, 3))
    assert value.value == pytest.approx(1100 / 19)


def test_applications_give_the_share_granted_by_amount(session: Session) -> None:
    who = origin(session, "Ola Götesson")
    log_application(session, origin=who, project="KOSTA", funder="ESF-rådet", sought=27_000_000,
                            granted=12_500_000, decided_on=date(2022, 6, 1), today=TODAY)
    rejected = log_application(session, origin=who, project="LOKE", funder="Forss", sought=496_800,
                                       rejected=True, decided_on=date(2022, 7, 1), today=TODAY)
    assert rejected.entry.summary == "Ansökan LOKE till Forss 2022-07-01: sökt 496 800 kr, avslag"
    summary = derived.applications(application.applications(facts.load(session, 2022, 2022)), Period(2022, 3))
    assert (summary.granted, summary.rejected) == (1, 1)
    assert summary.amount_granted_of_sought.value == pytest.approx(12_500_000 / 27_496_800)


def test_granted_more_than_sought_is_rejected(session: Session) -> None:
    with pytest.raises(RecordError, match="högst det sökta"):
        log_application(session, origin=origin(session, "Ola Götesson"), project="X", funder="Y", sought=100,
                                granted=200, decided_on=date(2022, 6, 1), today=TODAY)


def test_activity_status_is_echoed_with_its_comment(session: Session) -> None:
    recorded = log_activity_status(session, origin=origin(session, "Ola Götesson"), activity_code="pks-moten",
                                           state=ActivityState.PROBLEMS, reported_on=date(2022, 5, 2),
                                           comment="två av fem genomförda")
    assert (
        recorded.entry.summary
        == "Aktivitet pks-moten ”PKS sammanträden” 2022-05-02: pågår med problem – två av fem genomförda"
    )


def _changes(session: Session, entry_id: int) -> list[Change]:
    """What the journal holds for an entry, oldest first."""
    return list(session.exec(select(Change).where(Change.entry_id == entry_id).order_by(col(Change.id))))
