"""`kubot check` asks the Slack Web API (here the fake one on loopback) whether the token is accepted,
whether the app has kubot's scopes, and whom it can reach."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session

from kubot import check, db
from kubot.check import Level, Reach
from kubot.models import Staff
from kubot.settings import Settings
from kubot.slack import check as slack_check
from tests.slack.conftest import MARIA_EMAIL
from tests.slack.fake_slack import FakeSlack


@pytest.fixture
def not_slack() -> Iterator[str]:
    """A web server on loopback that is not Slack's API: every call is a 404 page in HTML."""
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>Not Found</html>")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _people(engine: Engine) -> list[check.Person]:
    with Session(engine) as session:
        return check.active_people(session)


def _texts(found: check.PlatformCheck, level: Level) -> list[str]:
    return [f.text for f in found.findings if f.level is level]


def test_an_accepted_token_names_the_workspace_and_each_person_is_looked_up(
    small_plan_engine: Engine, slack_settings: Settings, fake: FakeSlack
) -> None:
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


def test_a_rejected_token_fails_and_nobody_is_looked_up(
    small_plan_engine: Engine, slack_settings: Settings, fake: FakeSlack
) -> None:
    fake.token_rejected = True
    found = slack_check.check(slack_settings, small_plan_engine, _people(small_plan_engine))
    assert _texts(found, Level.FAIL) == ["Slack godtar inte SLACK_BOT_TOKEN (token är ogiltig)"]
    assert not fake.of("users.lookupByEmail")


def test_missing_scopes_are_named(small_plan_engine: Engine, slack_settings: Settings, fake: FakeSlack) -> None:
    fake.scopes = ["commands", "chat:write"]
    found = slack_check.check(slack_settings, small_plan_engine, _people(small_plan_engine))
    missing = _texts(found, Level.FAIL)
    assert (
        len(missing) == 1
        and "users:read.email" in missing[0]
        and "files:write" in missing[0]
        and "chat:write" not in missing[0]
    )


def test_half_a_configuration_and_a_malformed_secret_fail(small_plan_engine: Engine, slack_settings: Settings) -> None:
    people = _people(small_plan_engine)
    half = slack_check.check(replace(slack_settings, slack_signing_secret=None), small_plan_engine, people)
    assert _texts(half, Level.FAIL) == ["Slack är halvt inställt: SLACK_SIGNING_SECRET saknas"]
    odd = slack_check.check(replace(slack_settings, slack_signing_secret="hemligt"), small_plan_engine, people)
    assert any("SLACK_SIGNING_SECRET ser inte ut" in text for text in _texts(odd, Level.WARN))
    off = slack_check.check(Settings(), small_plan_engine, people)
    assert not off.configured and off.findings[0].level is Level.OFF


def test_slack_that_does_not_answer_is_named_by_its_address_without_the_socket_error(
        small_plan_engine: Engine, slack_settings: Settings) -> None:
    found = slack_check.check(replace(slack_settings, slack_api_url="http://127.0.0.1:9/"), small_plan_engine,
                              _people(small_plan_engine))
    assert [f.line for f in found.findings if f.level is Level.FAIL] == [
        "✗ Slack svarar inte på http://127.0.0.1:9/ (ingen tar emot anslutningar där) – kontrollera SLACK_API_URL"]
    assert found.trouble == "Slack inte svarar på http://127.0.0.1:9/"


def test_an_address_that_is_not_slacks_api_says_so(small_plan_engine: Engine, slack_settings: Settings,
                                                   not_slack: str) -> None:
    elsewhere = replace(slack_settings, slack_api_url=not_slack)
    found = slack_check.check(elsewhere, small_plan_engine, _people(small_plan_engine))
    assert _texts(found, Level.FAIL) == [f"{not_slack} svarar inte som Slacks Web API (HTTP 404)"]
    odd = slack_check.check(replace(slack_settings, slack_api_url="ftp://slack.example.se/"), small_plan_engine, [])
    assert _texts(odd, Level.FAIL) == ["SLACK_API_URL ftp://slack.example.se/ är ingen webbadress"]


def test_with_slack_unreachable_each_person_is_still_told_what_is_missing(small_plan_engine: Engine,
                                                                           slack_settings: Settings) -> None:
    with db.session_scope(small_plan_engine) as session:
        maria = update(Staff).where(Staff.name == "Maria Chef").values(email=MARIA_EMAIL)
        session.exec(maria)  # type: ignore[call-overload]
    down = replace(slack_settings, slack_api_url="http://127.0.0.1:9/")
    lines = [f.line for f in check.run(down, small_plan_engine, today=date(2022, 3, 15), checkers=[slack_check.check])]
    people = [line for line in lines if "påminnelser" in line]
    assert people == [
        "✗ 1 person (Ola Götesson) nås inte av påminnelser: Slack ✗ ingen e-post i planen – kubot plan export, "
        "lägg till e-post: på personerna och kubot plan import",
        "✗ 1 person (Liselotte Karlsson) nås inte av påminnelser: Slack ✗ kopplad, men nås inte eftersom Slack inte "
        "svarar på http://127.0.0.1:9/ – rätta felet med Slack ovan och kör kubot check igen",
        "✗ 1 person (Maria Chef) nås inte av påminnelser: Slack ✗ kunde inte matchas i Slack eftersom Slack inte "
        "svarar på http://127.0.0.1:9/ – rätta felet med Slack ovan och kör kubot check igen"]

    assert not [line for line in lines if "Errno" in line or "urlopen" in line or "Connection" in line]


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
    assert ("✗ 1 person (Maria Chef) nås inte av påminnelser: Slack ✗ appen får inte slå upp e-post (behörigheten "
            "users:read.email saknas) – "
            "koppla @användare Namn i chatten, eller be dem skriva till kubot") in [f.line for f in findings]
