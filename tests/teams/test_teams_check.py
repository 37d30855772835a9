"""`kubot check` with the Teams part installed (Python 3.12): a complete app registration is a ✓, and
whoever has written to the bot (so kubot keeps a conversation reference) is reached there."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session

from kubot import check
from kubot.check import Reach
from kubot.settings import Settings
from kubot.teams import check as teams_check
from kubot.teams import people
from tests.teams.conftest import APP_ID, LISELOTTE, MARIA, TENANT, link


def test_a_complete_registration_is_a_check_mark_and_those_who_wrote_to_the_bot_are_reached(
        small_plan_engine: Engine) -> None:
    link(small_plan_engine, "Liselotte Karlsson", LISELOTTE)
    link(small_plan_engine, "Maria Chef", MARIA)
    people.remember(small_plan_engine, "a:1liselotte", LISELOTTE, {"conversation": {"id": "a:1liselotte"}})
    settings = Settings(teams_app_id=APP_ID, teams_app_secret="hemligt", teams_tenant_id=TENANT)
    with Session(small_plan_engine) as session:
        staff = check.active_people(session)
    found = teams_check.check(settings, small_plan_engine, staff)
    assert [f.line for f in found.findings] == [
        "✓ Teams: appregistreringen är ifylld (hemligheten provas när kubot skickar första gången)"]
    assert found.reach == {"Liselotte Karlsson": Reach(True, "kopplad"),
                           "Maria Chef": Reach(False, "har inte skrivit till kubot i Teams än"),
                           "Ola Götesson": Reach(False, "har inte skrivit till kubot i Teams än")}
    lines = [
        f.line for f in check.run(settings, small_plan_engine, today=date(2022, 3, 15), checkers=[teams_check.check])
    ]
    assert "✓ 1 person (Liselotte Karlsson) nås: Teams ✓ kopplad" in lines
    assert any(
        line.startswith("✗ 2 personer (Maria Chef, Ola Götesson) nås inte av påminnelser: Teams ✗ har inte skrivit")
        for line in lines
    )
