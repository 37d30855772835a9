"""Someone Slack knows and the plan does not: greeted by their real name, the administrators told once
with a button that opens `koppla` filled in, and linked by name – no Slack id in anything a person reads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from kubot import db
from kubot.models import ChatIdentity, Staff
from kubot.slack import render
from tests.slack.conftest import Kubot
from tests.slack.fake_slack import FakeSlack

ANNA = "W0ANNA333"  # Anna Nykvist in Slack; the plan has her, without an e-mail address
ANNA_EMAIL = "anna.nykvist@rjl.se"
OLA = "U0OLA"  # Ola Götesson, the administrator


@pytest.fixture
def newcomer(kubot: Kubot, fake: FakeSlack, small_plan_engine: Engine) -> Kubot:
    with db.session_scope(small_plan_engine) as session:
        session.add(Staff(name="Anna Nykvist"))
        ola = session.exec(select(Staff).where(Staff.name == "Ola Götesson")).one()
        session.add(ChatIdentity(staff_id=ola.id or 0, platform="slack", external_id=OLA))
    fake.names[ANNA], fake.emails[ANNA] = "Anna Nykvist", ANNA_EMAIL
    fake.names[OLA] = "Ola Götesson"
    return kubot


def shown(blocks: Any) -> Iterator[str]:
    """Every text a person sees in Slack blocks: plain and mrkdwn text objects (not buttons' values or ids)."""
    if isinstance(blocks, dict):
        if blocks.get("type") in ("plain_text", "mrkdwn"):
            yield str(blocks.get("text", ""))
        for key, value in blocks.items():
            if key not in ("value", "action_id", "block_id", "private_metadata"):
                yield from shown(value)
    elif isinstance(blocks, list):
        for item in blocks:
            yield from shown(item)


def posted(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [c.params for c in fake.of("chat.postMessage") if c.params["channel"] == channel]


def blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    found = message["blocks"]
    return found if isinstance(found, list) else json.loads(found)  # JSON body or form-encoded


def seen(message: dict[str, Any]) -> str:
    return "\n".join([message["text"], *shown(blocks(message))])


def button_of(message: dict[str, Any]) -> dict[str, Any]:
    [button] = [e for b in blocks(message) if b["type"] == "actions" for e in b["elements"]]
    return button


def test_an_unknown_slack_user_is_greeted_by_name_and_the_admin_told_once_with_a_button_that_opens_koppla(
        newcomer: Kubot, fake: FakeSlack) -> None:
    newcomer.dm(ANNA, "hej, jag vill registrera närvaro")
    fake.wait_for("chat.postMessage", 2)
    [greeting] = posted(fake, "D0DM")
    assert seen(greeting).startswith("Hej Anna! Jag känner inte igen dig i kubot än")
    assert "Jag har sagt till Ola Götesson" in seen(greeting)
    [notice] = posted(fake, OLA)
    assert seen(notice).startswith(f"Anna Nykvist ({ANNA_EMAIL}) skrev till kubot i Slack men finns inte i planen")
    button = button_of(notice)
    assert button["text"]["text"] == "Koppla Anna Nykvist" and button["action_id"].startswith(render.OPEN_FORM)
    assert json.loads(button["value"]) == {"form": "koppla", "fyll": {"användare": f"<@{ANNA}|Anna Nykvist>"}}

    newcomer.dm(ANNA, "hallå?")
    fake.wait_for("chat.postMessage", 3)
    assert len(posted(fake, OLA)) == 1, "one notice per unknown person, however often they write"
    assert all(ANNA not in seen(m) for m in posted(fake, "D0DM") + posted(fake, OLA))


def test_the_admin_links_the_unknown_user_from_the_notice_and_everyone_is_named_never_by_id(
        newcomer: Kubot, fake: FakeSlack) -> None:
    newcomer.dm(ANNA, "hej")
    fake.wait_for("chat.postMessage", 2)
    [notice] = posted(fake, OLA)
    button = button_of(notice)

    newcomer.click(OLA, button["value"], action_id=button["action_id"], channel=f"D{OLA}")
    [opened] = fake.wait_for("views.open")
    modal = opened.params["view"]
    assert "Anna Nykvist" in list(shown(modal["blocks"])) and all(ANNA not in text for text in shown(modal))
    [person] = [b for b in modal["blocks"] if b["block_id"] == "person"]
    assert person["element"]["initial_option"]["value"] == "Anna Nykvist", "the plan's person of that name, chosen"

    values = {"användare": {"a": {"type": "static_select", "selected_option": {"value": f"<@{ANNA}|Anna Nykvist>"}}},
              "person": {"a": {"type": "static_select", "selected_option": {"value": "Anna Nykvist"}}}}
    assert newcomer.submit(OLA, modal, values).status == 200
    confirmation = fake.wait_for("chat.postMessage", 3)[-1].params
    assert confirmation["channel"] == OLA
    assert seen(confirmation).startswith("Kopplat: Slack-användaren Anna Nykvist är nu Anna Nykvist i kubot.")
    assert ANNA not in seen(confirmation)

    newcomer.dm(ANNA, "vem")
    answer = fake.wait_for("chat.postMessage", 4)[-1].params
    assert "Anna Nykvist" in seen(answer) and "känner inte igen" not in seen(answer)


def test_an_admin_linking_by_a_slack_mention_is_answered_with_the_users_name(newcomer: Kubot, fake: FakeSlack) -> None:
    newcomer.dm(OLA, f"koppla <@{ANNA}> Anna Nykvist")
    [answer] = fake.wait_for("chat.postMessage")
    assert seen(answer.params).startswith("Kopplat: Slack-användaren Anna Nykvist är nu Anna Nykvist i kubot.")
    assert ANNA not in seen(answer.params)
