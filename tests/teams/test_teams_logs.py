"""What kubot's Teams side writes to the log on a normal day: what happened, never what people wrote
or who they are (the log goes to whoever runs the server, and to their log service)."""

from __future__ import annotations

import logging

import pytest

from tests.teams.conftest import Teams

WRITTEN = "Blåbärssoppan i Aneby"  # something a person wrote, which no log line may repeat
ANNA, ANNA_EMAIL = "29:1b7QzK", "anna.nykvist@rjl.se"  # Teams ids are opaque; they may be logged


def test_messages_from_known_and_unknown_people_leave_no_text_name_or_address_in_the_log(
        teams: Teams, caplog: pytest.LogCaptureFixture) -> None:
    teams.connector.roster[ANNA] = {"id": ANNA, "name": "Anna Nykvist", "email": ANNA_EMAIL}
    caplog.set_level(logging.DEBUG)
    [known] = teams.say(f"vem {WRITTEN}")
    [stranger] = teams.say(f"hej {WRITTEN}", sender=ANNA, name="Anna Nykvist")
    assert "Liselotte Karlsson" in known and stranger.startswith("Hej Anna!"), "both were answered"
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    personal = [line for line in said for data in (WRITTEN, "Liselotte Karlsson", "Karlsson", "Anna Nykvist", "Nykvist")
                if data.casefold() in line.casefold()]
    assert personal == []
