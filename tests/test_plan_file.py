"""The plan file: validation that names line and field, import, export round trip, plan versions."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from kubot import db
from kubot.chat import people
from kubot.chat.core import Bot
from kubot.journal import Origin
from kubot.models import ChatIdentity, Entry, Indicator, IndicatorTarget, PlanVersion, Staff
from kubot.plan import export as plan_export
from kubot.plan import importing, loading, schema
from tests.conftest import PLANS, talk

SMALL = (PLANS / "small.yaml").read_text(encoding="utf-8")


def problems_of(text: str) -> list[str]:
    with pytest.raises(schema.PlanFileError) as caught:
        loading.load(text, "plan.yaml")
    return caught.value.problems


def test_unknown_field_is_rejected_with_its_line_and_path() -> None:
    text = SMALL.replace("källa: närvaro,", "källa: närvaro, färg: röd,")
    [problem] = problems_of(text)
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "färg" in row)
    assert problem.startswith(f"rad {line}, strategiska_mål[1].mål[1].mätetal[1].färg")
    assert "okänt fält" in problem


def test_duplicate_indicator_code_names_both_places() -> None:
    [problem] = problems_of(SMALL.replace("kod: brukarrev", "kod: narvaro-pks"))
    assert "mätetalskoden 'narvaro-pks' finns redan" in problem
    assert "strategiska_mål[1].mål[1].mätetal[1].kod" in problem


def test_target_of_the_wrong_type_says_what_is_expected() -> None:
    [problem] = problems_of(SMALL.replace("målvärde: 5,", "målvärde: fem,"))
    assert "målvärde" in problem and "ska vara ett tal" in problem and "'fem'" in problem


def test_values_longer_than_the_database_holds_are_refused_by_the_check() -> None:
    long_id = "U" + "0" * 130
    long_mail = "a" * 200 + "@kommun.se"
    text = SMALL.replace("chatt: {slack: U0LISE}", f"chatt: {{slack: {long_id}}}, e-post: {long_mail}")
    problems = problems_of(text)
    assert any("chatt.slack" in p and "är för lång: högst 120 tecken" in p for p in problems)
    assert any("e-post" in p and "är för lång: högst 200 tecken" in p for p in problems)


def test_an_e_mail_address_without_at_sign_is_named_as_one() -> None:
    [problem] = problems_of(SMALL.replace("chatt: {slack: U0LISE}", "e-post: liselotte.kommun.se"))
    assert "ska vara en e-postadress" in problem and "'liselotte.kommun.se'" in problem


def test_goal_in_an_area_that_does_not_exist_is_rejected() -> None:
    [problem] = problems_of(SMALL.replace("område: missbruk", "område: missbruket"))
    assert "området 'missbruket' finns inte i planen" in problem


def test_indicator_responsible_must_be_on_the_staff_list() -> None:
    [problem] = problems_of(SMALL.replace("ansvarig: Liselotte Karlsson}", "ansvarig: Lise Karlsson}", 1))
    assert "personen 'Lise Karlsson' finns inte" in problem


def test_yearly_measurement_needs_its_month() -> None:
    [problem] = problems_of(SMALL.replace(", mätmånad: 11", ""))
    assert "mätmånad" in problem


def test_broken_yaml_is_reported_with_its_line() -> None:
    [problem] = problems_of("namn: Plan\ngäller_från: [2021\n")
    assert problem.startswith("rad ") and "YAML" in problem


def test_failed_import_leaves_the_database_unchanged(small_plan_engine: Engine) -> None:
    with db.session_scope(small_plan_engine) as session:
        before = plan_export.dump(session)
    with pytest.raises(schema.PlanFileError):
        loading.load(SMALL.replace("namn: PKS,", "namn: PKS, färg: röd,"))
    with db.session_scope(small_plan_engine) as session:
        assert plan_export.dump(session) == before


def test_export_then_import_gives_back_the_same_plan(small_plan_engine: Engine) -> None:
    with db.session_scope(small_plan_engine) as session:
        exported = plan_export.dump(session)
        importing.apply(session, loading.load(exported), Origin(None, "test"))
    with db.session_scope(small_plan_engine) as session:
        assert plan_export.dump(session) == exported
        assert session.exec(select(func.count()).select_from(PlanVersion)).one() == 1


def test_per_year_targets_survive_the_round_trip(small_plan_engine: Engine) -> None:
    with db.session_scope(small_plan_engine) as session:
        targets = session.exec(
            select(IndicatorTarget.year, IndicatorTarget.value)
            .join(Indicator)
            .where(Indicator.code == "nojd-samverkan")
        ).all()
        assert sorted(targets) == [(2021, 100.0), (2022, 95.0)]
        assert "2022: 95" in plan_export.dump(session)


def test_next_years_plan_does_not_rewrite_last_years(small_plan_engine: Engine) -> None:
    next_year = (
        SMALL.replace("gäller_från: 2021", "gäller_från: 2023")
        .replace("Närvaro vid PKS sammanträden, målvärde: 80", "Närvaro vid PKS sammanträden, målvärde: 85")
        .replace(
            "          - {kod: brukarrev, namn: Genomförda brukarrevisioner, enhet: antal, målvärde: 5, mätning:"
            " tertial, ansvarig: Liselotte Karlsson}\n",
            "          - {kod: brukarinfl, namn: Brukarinflytande, enhet: janej, målvärde: 1}\n",
        )
    )
    with db.session_scope(small_plan_engine) as session:
        importing.apply(session, loading.load(next_year), Origin(None, "test"))
    with db.session_scope(small_plan_engine) as session:
        plan_2022 = plan_export.dump(session, 2022)
        plan_2023 = plan_export.dump(session, 2023)
    assert "gäller_från: 2021" in plan_2022 and "brukarrev" in plan_2022 and "målvärde: 80" in plan_2022
    assert "gäller_från: 2023" in plan_2023 and "brukarrev" not in plan_2023 and "målvärde: 85" in plan_2023


def test_every_import_is_in_the_journal(small_plan_engine: Engine) -> None:
    with db.session_scope(small_plan_engine) as session:
        importing.apply(session, loading.load(SMALL), Origin(None, "cli", message_text="kubot plan import small.yaml"))
    with db.session_scope(small_plan_engine) as session:
        entries = session.exec(select(Entry).where(Entry.kind == "plan").order_by(Entry.id)).all()
        assert len(entries) == 2
        assert "ersatte tidigare version" in entries[1].summary
        assert entries[1].channel == "cli"


def test_sample_plan_is_valid_and_has_the_six_strategic_goals() -> None:
    plan = loading.load(loading.sample_text(), "exempelplanen")
    assert len(plan.strategic_goals) == 6
    assert len([m for m in plan.municipalities if not m.region]) == 13
    assert {"pks", "kommundirektorer", "socialchefer"} <= {n.code for n in plan.networks}
    assert any(s.name == "Ola Götesson" and s.role == "admin" for s in plan.staff)


def test_a_year_before_any_plan_has_no_plan_to_export(small_plan_engine: Engine) -> None:
    with db.session_scope(small_plan_engine) as session, pytest.raises(schema.PlanFileError, match="ingen plan"):
        plan_export.dump(session, 2019)


def test_a_chat_link_made_in_chat_survives_importing_a_plan_file_written_before_it(bot: Bot) -> None:
    talk(bot, "Ola Götesson", ("koppla @U0MARIA Maria Chef", "Kopplat"))

    with db.session_scope(bot.engine) as session:
        importing.apply(session, loading.load(SMALL), Origin(None, "test"))

    assert people.known(bot.engine, "slack", "U0MARIA"), "Maria's link is not in the file and stays"
    assert people.known(bot.engine, "slack", "U0LISE")


def test_a_chat_id_the_plan_file_gives_another_person_moves_to_that_person(small_plan_engine: Engine) -> None:
    moved = SMALL.replace("chatt: {slack: U0LISE}", "").replace(
        "{namn: Maria Chef, roll: chef,", "{namn: Maria Chef, chatt: {slack: U0LISE}, roll: chef,")

    with db.session_scope(small_plan_engine) as session:
        importing.apply(session, loading.load(moved), Origin(None, "test"))

    with db.session_scope(small_plan_engine) as session:
        owner = session.exec(select(Staff.name).join(ChatIdentity).where(ChatIdentity.external_id == "U0LISE")).all()
    assert owner == ["Maria Chef"]
