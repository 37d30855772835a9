"""`kubot check` asks the Slack Web API (here the fake one on loopback) whether the token is accepted,
whether the app has kubot's scopes, and whom it can reach."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import Engine, update
from sqlmodel import Session

from kubot import check, db
from kubot.check import Level, Reach
from kubot.models import Staff
from kubot.settings import Settings
from kubot.slack import check as slack_check
from tests.slack.conftest import MARIA_EMAIL
from tests.slack.fake_slack import FakeSlack


def _people(engine: Engine) -> list[check.Person]:
    with Session(engine) as session:
        return check.active_people(session)


def _texts(found: check.PlatformCheck, level: Level) -> list[str]:
    return [f.text for f in found.findings if f.level is level]


def test_an_accepted_token_names_the_workspace_and_each_person_is_looked_up(small_plan_engine: Engine, slack_settings: Settings,
                                                                            fake: FakeSlack) -> None:
    with db.session_scope(small_plan_engine) as session:
        session.exec(update(Staff).where(Staff.name == "Maria Chef").values(email=MARIA_EMAIL))  # type: ignore[call-overload]
        session.exec(update(Staff).where(Staff.name == "Ola Götesson").values(email="ola@example.se"))  # type: ignore[call-overload]
    fake.emails["U0MARIA"] = MARIA_EMAIL
    found = slack_check.check(slack_settings, small_plan_engine, _people(small_plan_engine))
    assert found.configured
    assert _texts(found, Level.OK) == ["Slack: inloggad som kubot i Region Jönköpings län"]
    assert found.reach == {"Liselotte Karlsson": Reach(True, "kopplad"),
                           "Maria Chef": Reach(False, "finns i Slack men har inte skrivit till kubot än"),
                           "Ola Götesson": Reach(False, "ingen Slack-användare har den e-postadressen")}
    assert [c.params["email"] for c in fake.of("users.lookupByEmail")] == [MARIA_EMAIL, "ola@example.se"]


def test_a_rejected_token_fails_and_nobody_is_looked_up(small_plan_engine: Engine, slack_settings: Settings, fake: FakeSlack) -> None:
    fake.token_rejected = True
    found = slack_check.check(slack_settings, small_plan_engine, _people(small_plan_engine))
    assert _texts(found, Level.FAIL) == ["Slack godtar inte SLACK_BOT_TOKEN (invalid_auth)"]
    assert not fake.of("users.lookupByEmail")


def test_missing_scopes_are_named(small_plan_engine: Engine, slack_settings: Settings, fake: FakeSlack) -> None:
    fake.scopes = ["commands", "chat:write"]
    found = slack_check.check(slack_settings, small_plan_engine, _people(small_plan_engine))
    missing = _texts(found, Level.FAIL)
    assert len(missing) == 1 and "users:read.email" in missing[0] and "files:write" in missing[0] and "chat:write" not in missing[0]


def test_half_a_configuration_and_a_malformed_secret_fail(small_plan_engine: Engine, slack_settings: Settings) -> None:
    people = _people(small_plan_engine)
    half = slack_check.check(replace(slack_settings, slack_signing_secret=None), small_plan_engine, people)
    assert _texts(half, Level.FAIL) == ["Slack är halvt inställt: SLACK_SIGNING_SECRET saknas"]
    odd = slack_check.check(replace(slack_settings, slack_signing_secret="hemligt"), small_plan_engine, people)
    assert any("SLACK_SIGNING_SECRET ser inte ut" in text for text in _texts(odd, Level.WARN))
    off = slack_check.check(Settings(), small_plan_engine, people)
    assert not off.configured and off.findings[0].level is Level.OFF


def test_slack_that_does_not_answer_fails(small_plan_engine: Engine, slack_settings: Settings) -> None:
    found = slack_check.check(replace(slack_settings, slack_api_url="http://127.0.0.1:9/"), small_plan_engine,
                              _people(small_plan_engine))
    assert any(text.startswith("Slack går inte att nå") for text in _texts(found, Level.FAIL))


def test_the_whole_check_with_slack_on_lists_who_is_reached(small_plan_engine: Engine, slack_settings: Settings,
                                                            fake: FakeSlack) -> None:
    findings = check.run(slack_settings, small_plan_engine, today=date(2022, 3, 15), checkers=[slack_check.check])
    lines = [f.line for f in findings]
    assert "✓ 1 person (Liselotte Karlsson) nås: Slack ✓ kopplad" in lines
    assert any(line.startswith("✗ 2 personer (Maria Chef, Ola Götesson) nås inte av påminnelser") for line in lines)
    assert check.exit_code(findings) == 1


def test_a_lookup_slack_refuses_is_named_with_slacks_reason(small_plan_engine: Engine, slack_settings: Settings,
                                                            fake: FakeSlack) -> None:
    with db.session_scope(small_plan_engine) as session:
        session.exec(update(Staff).where(Staff.name == "Maria Chef").values(email=MARIA_EMAIL))  # type: ignore[call-overload]
    fake.failing["users.lookupByEmail"] = "missing_scope"
    findings = check.run(slack_settings, small_plan_engine, today=date(2022, 3, 15), checkers=[slack_check.check])
    assert ("✗ 1 person (Maria Chef) nås inte av påminnelser: Slack ✗ uppslagningen misslyckades (missing_scope) – "
            "koppla @användare Namn i chatten, eller be dem skriva till kubot") in [f.line for f in findings]
