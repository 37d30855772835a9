"""Teams test fixtures: kubot's /api/messages on loopback, a fake Bot Connector, and Teams-shaped activities."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from kubot import db
from kubot.chat.core import Bot
from kubot.models import ChatIdentity, Staff
from kubot.settings import Settings
from kubot.teams import server
from tests.conftest import NOW
from tests.teams.connector import FakeConnector, LoopServer, post

APP_ID = "00000000-0000-0000-0000-00000000b07a"
TENANT = "72f988bf-0000-0000-0000-000000000000"
BOT = {"id": f"28:{APP_ID}", "name": "kubot"}
LISELOTTE = "29:1liselotte"
OLA = "29:1ola"
MARIA = "29:1maria"
_ids = itertools.count(1_700_000_000_000)


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    fake = FakeConnector().start()
    yield fake
    fake.stop()


def link(engine: Engine, name: str, teams_id: str, platform: str = server.PLATFORM) -> None:
    with db.session_scope(engine) as session:
        person = session.exec(select(Staff).where(Staff.name == name)).one()
        session.add(ChatIdentity(staff_id=person.id, platform=platform, external_id=teams_id))


class Teams:
    """kubot's Teams endpoint under test, and the Teams client side that talks to it."""

    def __init__(self, bot: Bot, connector: FakeConnector, auth: Any = None, connections: Any = None) -> None:
        self.bot = bot
        self.connector = connector
        auth = auth or server.auth_configuration(None, None, None, anonymous=True)
        self.server = LoopServer(lambda: server.web_app(bot, auth, connections))

    @property
    def endpoint(self) -> str:
        return f"{self.server.url}/api/messages"

    def activity(self, text: str | None = None, *, sender: str = LISELOTTE, name: str = "Liselotte Karlsson",
                 conversation: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        """A message activity as Teams sends it to a bot in a personal chat."""
        body: dict[str, Any] = {
            "type": "message",
            "id": str(next(_ids)),
            "timestamp": "2022-11-23T09:00:00.000Z",
            "serviceUrl": self.connector.url,
            "channelId": "msteams",
            "from": {"id": sender, "name": name, "aadObjectId": f"aad-{sender[3:]}"},
            "conversation": (
                conversation or {"conversationType": "personal", "tenantId": TENANT, "id": f"a:personal-{sender}"}
            ),
            "recipient": BOT,
            "textFormat": "plain",
            "locale": "sv-SE",
            "channelData": {"tenant": {"id": TENANT}},
        }
        if text is not None:
            body["text"] = text
        body.update(extra)
        return body

    def send(self, body: dict[str, Any], token: str | None = None, header: str | None = None) -> tuple[int, Any]:
        return post(self.endpoint, body, token=token, header=header)

    def say(self, text: str, **kw: Any) -> list[str]:
        """Send a message; what the person sees in reply, one string per activity."""
        before = len(self.connector.sent())
        status, _ = self.send(self.activity(text, **kw))
        assert status in (200, 202), status
        return [seen(a) for a in self.connector.sent()[before:]]

    def invoke(self, invoke_name: str, value: dict[str, Any], **kw: Any) -> tuple[int, Any]:
        body = self.activity(None, **kw)
        body.update(type="invoke", name=invoke_name, value=value)
        return self.send(body)

    def submit(self, data: dict[str, Any], verb: str = "kubot.form", **kw: Any) -> tuple[int, Any]:
        """Press an Action.Execute button on a card, as Teams sends it."""
        return self.invoke(
            "adaptiveCard/action",
            {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"},
            **kw,
        )

    def stop(self) -> None:
        self.server.stop()


def seen(activity: dict[str, Any]) -> str:
    """The text a person sees in an activity: its text and the text blocks of its cards."""
    parts = [activity.get("text") or ""]
    for attachment in activity.get("attachments") or []:
        parts.extend(texts(attachment.get("content") or {}))
    return "\n".join(p for p in parts if p)


def texts(card: dict[str, Any]) -> list[str]:
    found = []
    for element in card.get("body") or []:
        if element.get("type") == "TextBlock":
            found.append(element["text"])
    return found


@pytest.fixture
def teams(small_plan_engine: Engine, connector: FakeConnector, tmp_path: Path) -> Iterator[Teams]:
    """kubot on Teams in anonymous mode (as with the Emulator), on the small plan; Liselotte, Ola and Maria linked."""
    for name, teams_id in (("Liselotte Karlsson", LISELOTTE), ("Ola Götesson", OLA), ("Maria Chef", MARIA)):
        link(small_plan_engine, name, teams_id)
    bot = Bot(small_plan_engine, Settings(report_dir=tmp_path / "rapporter"), clock=lambda: NOW)
    endpoint = Teams(bot, connector)
    yield endpoint
    endpoint.stop()
