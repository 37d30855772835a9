"""What kubot's Slack side writes to the log: what happened and to which Slack team, never what people
wrote or who they are (the log goes to whoever runs the server, and to their log service)."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import Engine

from kubot import db
from kubot.models import Staff
from tests.slack.conftest import MARIA_EMAIL, Kubot
from tests.slack.fake_slack import FakeSlack

WRITTEN = "Blåbärssoppan i Aneby"  # something a person wrote, which no log line may repeat
ANNA, ANNA_EMAIL = "W0ANNA333", "anna.nykvist@rjl.se"


def personal(caplog: pytest.LogCaptureFixture, *data: str) -> list[str]:
    """Log lines at INFO or above that repeat any of `data`."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO
            and any(d.casefold() in r.getMessage().casefold() for d in data)]


def test_messages_from_known_and_unknown_people_leave_no_text_name_or_address_in_the_log(
        kubot: Kubot, fake: FakeSlack, small_plan_engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    with db.session_scope(small_plan_engine) as session:
        session.add(Staff(name="Anna Nykvist"))
    fake.emails["U0MARIA"], fake.emails[ANNA], fake.names[ANNA] = MARIA_EMAIL, ANNA_EMAIL, "Anna Nykvist"
    caplog.set_level(logging.DEBUG)
    kubot.dm("U0MARIA", f"vem {WRITTEN}")
    kubot.dm(ANNA, f"hej {WRITTEN}")
    kubot.command("U0MARIA", f"närvaro {WRITTEN}")
    fake.wait_for(f"response/{kubot.counter}")  # the command's answer
    fake.wait_for("chat.postMessage", 2)  # both direct messages' answers
    kubot.app.close()  # every reply sent and logged
    answers = [c.params["text"] for c in fake.of("chat.postMessage")]
    assert any("Du är Maria Chef" in a for a in answers) and any(a.startswith("Hej Anna!") for a in answers), answers
    assert (
        personal(caplog, WRITTEN, "Maria Chef", MARIA_EMAIL, "Anna Nykvist", ANNA_EMAIL, "Nykvist", "Ola Götesson")
        == []
    )


def test_a_signed_request_kubot_has_no_use_for_is_logged_with_its_reason_and_team_only(
        kubot: Kubot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    event = {"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": "Ev1",
             "event": {"type": "reaction_added", "user": "U0MARIA", "reaction": WRITTEN}}
    kubot.post(json.dumps(event).encode(), "application/json")
    [line] = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert "no listener" in line and "(team T1)" in line
    assert personal(caplog, WRITTEN, "U0MARIA") == []
