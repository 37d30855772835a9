"""Someone Teams knows and the plan does not: greeted by their real name, the administrators told once
with an action that opens `koppla` filled in, and linked by name – no Teams id in anything a person reads.
And /healthz, as `kubot web` has it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from kubot import db
from kubot.adapters import compose
from kubot.chat.core import Bot
from kubot.models import Staff
from kubot.settings import Settings
from kubot.teams import cards, server
from tests.conftest import NOW
from tests.teams.conftest import OLA, TENANT, Teams, link
from tests.teams.connector import FakeConnector, get

ANNA = "29:1AnnaNykvistXyZ"  # Anna Nykvist in Teams; the plan has her, without an e-mail address
ANNA_EMAIL = "anna.nykvist@rjl.se"


@pytest.fixture
def teams(small_plan_engine: Engine, connector: FakeConnector, tmp_path: Path) -> Iterator[Teams]:
    """kubot on Teams that can write first (as `kubot teams` runs); Ola, the administrator, has written to it once."""
    with db.session_scope(small_plan_engine) as session:
        session.add(Staff(name="Anna Nykvist"))
    link(small_plan_engine, "Ola Götesson", OLA)
    settings = Settings(teams_anonymous=True, report_dir=tmp_path / "rapporter")
    endpoint = Teams(
        Bot(small_plan_engine, settings, clock=lambda: NOW, sender=compose.sender(settings, small_plan_engine)),
        connector,
    )
    connector.roster[ANNA] = {"id": ANNA, "name": "Anna Nykvist", "email": ANNA_EMAIL, "tenantId": TENANT}
    endpoint.say("vem", sender=OLA, name="Ola Götesson")
    connector.clear()
    yield endpoint
    endpoint.stop()


def shown(part: Any) -> Iterator[str]:
    """Every text a person sees in an activity: its text, and the cards' texts, labels, titles and choices'
    titles (not the data an action carries or a choice's value)."""
    if isinstance(part, dict):
        for key, value in part.items():
            if key in ("text", "title", "label", "placeholder", "description", "name") and isinstance(value, str):
                yield value
            elif key not in ("data", "value", "id", "verb", "acceptContext", "declineContext"):
                yield from shown(value)
    elif isinstance(part, list):
        for item in part:
            yield from shown(item)


def texts(activities: list[dict[str, Any]]) -> list[str]:
    return [text for activity in activities for text in shown({k: v for k, v in activity.items()
                                                               if k in ("text", "attachments")})]


def actions(activity: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for attachment in activity.get("attachments") or [] for a in attachment["content"].get("actions") or []]


def test_an_unknown_teams_user_is_greeted_by_name_and_the_admin_told_once_with_an_action_that_opens_koppla(
        teams: Teams) -> None:
    teams.say("hej, jag vill registrera närvaro", sender=ANNA, name="Anna Nykvist")
    [greeting] = [a["text"] for a in teams.connector.sent(f"a:personal-{ANNA}")]
    assert (
        greeting.startswith("Hej Anna! Jag känner inte igen dig i kubot än")
        and "Jag har sagt till Ola Götesson" in greeting
    )
    [notice] = teams.connector.sent(f"a:personal-{OLA}")
    assert notice["text"].startswith(f"Anna Nykvist ({ANNA_EMAIL}) skrev till kubot i Teams men finns inte i planen")
    [action] = actions(notice)
    assert action["title"] == "Koppla Anna Nykvist" and action["verb"] == cards.OPEN_VERB
    assert action["data"] == {cards.OPEN_KEY: "koppla", cards.PREFILL_KEY: {"användare": f"<@{ANNA}|Anna Nykvist>"}}

    teams.say("hallå?", sender=ANNA, name="Anna Nykvist")
    assert (
        len(teams.connector.sent(f"a:personal-{OLA}")) == 1
    ), "one notice per unknown person, however often they write"
    assert [t for t in texts(teams.connector.sent()) if "29:" in t or "AnnaNykvistXyZ" in t] == []


def test_the_admin_links_the_unknown_user_from_the_notice_and_everyone_is_named_never_by_id(teams: Teams) -> None:
    teams.say("hej", sender=ANNA, name="Anna Nykvist")
    [notice] = teams.connector.sent(f"a:personal-{OLA}")
    [action] = actions(notice)

    status, _ = teams.submit(action["data"], verb=action["verb"], sender=OLA, name="Ola Götesson")
    assert status == 200
    form = teams.connector.sent(f"a:personal-{OLA}")[-1]
    [card] = [a["content"] for a in form["attachments"]]
    assert "Koppla användare" in list(shown(card)) and "Anna Nykvist" in list(shown(card))
    [person] = [e for e in card["body"] if e.get("id") == "person"]
    assert person["value"] == "Anna Nykvist", "the plan's person of that name, chosen"
    [user] = [e for e in card["body"] if e.get("id") == "användare"]

    submitted = {**card["actions"][0]["data"], "användare": user["value"], "person": "Anna Nykvist"}
    status, answer = teams.submit(submitted, sender=OLA, name="Ola Götesson")
    assert status == 200
    done = list(shown(answer["value"]))
    assert "Kopplat: Teams-användaren Anna Nykvist är nu Anna Nykvist i kubot." in done
    assert [t for t in done + texts(teams.connector.sent()) if "29:" in t or "AnnaNykvistXyZ" in t] == []

    [answer_to_anna] = teams.say("vem", sender=ANNA, name="Anna Nykvist")
    assert "Anna Nykvist" in answer_to_anna and "känner inte igen" not in answer_to_anna


def test_the_health_check_answers_ok_without_a_token(teams: Teams) -> None:
    assert get(f"{teams.server.url}{server.HEALTH_PATH}") == (200, "ok")


def test_the_health_check_says_what_is_missing_when_every_request_would_be_refused(small_plan_engine: Engine,
                                                                                   connector: FakeConnector) -> None:
    bot = Bot(small_plan_engine, Settings(), clock=lambda: NOW)
    refusing = Teams(bot, connector, auth=server.auth_configuration(None, None, None, anonymous=False))
    try:
        status, body = get(f"{refusing.server.url}{server.HEALTH_PATH}")
    finally:
        refusing.stop()
    assert status == 503 and "app-id och hemlighet saknas" in body
