"""kubot's Slack app as it runs in production – the WSGI app under waitress on a loopback port – talking
to a fake Slack Web API on loopback, with requests signed like Slack signs them."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, update
from waitress import create_server  # type: ignore[import-untyped]

from kubot import db
from kubot.adapters import compose
from kubot.models import Staff
from kubot.settings import Settings
from kubot.slack.app import SlackApp
from kubot.slack.web import wsgi
from tests.conftest import NOW
from tests.slack.fake_slack import FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
MARIA_EMAIL = "maria.chef@example.se"


@dataclass
class Answer:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


def signature(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class Kubot:
    """The running app and the ways Slack talks to it."""

    def __init__(self, url: str, slack: SlackApp, fake: FakeSlack) -> None:
        self.url = url
        self.app = slack
        self.fake = fake
        self.counter = 0

    def post(self, body: bytes, kind: str, headers: dict[str, str] | None = None, *, sign: bool = True,
             timestamp: float | None = None, path: str = "/slack/events") -> Answer:
        stamp = str(int(timestamp if timestamp is not None else time.time()))
        sent = {"Content-Type": kind, "X-Slack-Request-Timestamp": stamp}
        if sign:
            sent["X-Slack-Signature"] = signature(body, stamp)
        request = urllib.request.Request(self.url + path, data=body, headers={**sent, **(headers or {})}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Answer(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode())

    def next_id(self) -> str:
        self.counter += 1
        return str(self.counter)

    def command(self, user: str, text: str, channel: str = "D0DM", **headers: str) -> Answer:
        number = self.next_id()
        form = {"token": "x", "team_id": "T1", "team_domain": "rjl", "channel_id": channel, "channel_name": "kanal",
                "user_id": user, "user_name": user.lower(), "command": "/kubot", "text": text, "api_app_id": "A1",
                "response_url": f"{self.fake.url}response/{number}", "trigger_id": f"trigger.{number}"}
        return self.post(urlencode(form).encode(), "application/x-www-form-urlencoded", headers)

    def event(self, event: dict[str, Any], event_id: str | None = None, retry: int | None = None) -> Answer:
        body = {"token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback", "event": event,
                "event_id": event_id or f"Ev{self.next_id()}", "event_time": int(time.time()),
                "authorizations": [{"team_id": "T1", "user_id": "UKUBOT", "is_bot": True}]}
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        return self.post(json.dumps(body).encode(), "application/json", headers)

    def dm(self, user: str, text: str, event_id: str | None = None, retry: int | None = None) -> Answer:
        return self.event({"type": "message", "channel_type": "im", "channel": "D0DM", "user": user, "text": text,
                           "ts": f"1700000001.{self.next_id()}"}, event_id, retry)

    def interaction(self, payload: dict[str, Any]) -> Answer:
        return self.post(urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded")

    def click(self, user: str, value: str, action_id: str = "kubot-kommando-0", message_ts: str = "1700000000.000100",
              channel: str = "D0DM") -> Answer:
        return self.interaction(
            {
                "type": "block_actions",
                "team": {"id": "T1"},
                "user": {"id": user},
                "api_app_id": "A1",
                "trigger_id": f"t.{self.next_id()}",
                "container": {
                    "type": "message",
                    "message_ts": message_ts,
                    "channel_id": channel,
                    "is_ephemeral": False,
                },
                "channel": {"id": channel},
                "message": {"ts": message_ts, "text": "påminnelse"},
                "response_url": f"{self.fake.url}response/klick",
                "actions": [
                    {
                        "type": "button",
                        "action_id": action_id,
                        "block_id": "b",
                        "value": value,
                        "action_ts": str(time.time()),
                    }
                ],
            }
        )

    def submit(
        self, user: str, view: dict[str, Any], values: dict[str, dict[str, Any]], view_id: str = "VFORM1"
    ) -> Answer:
        submitted = {**view, "id": view_id, "hash": "h1", "state": {"values": values}}
        return self.interaction(
            {
                "type": "view_submission",
                "team": {"id": "T1"},
                "user": {"id": user},
                "api_app_id": "A1",
                "trigger_id": f"t.{self.next_id()}",
                "view": submitted,
            }
        )


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack()
    yield server
    server.close()


@pytest.fixture
def slack_settings(fake: FakeSlack, tmp_path: Path) -> Settings:
    return Settings(slack_bot_token="xoxb-test-token", slack_signing_secret=SECRET, slack_api_url=fake.url,
                    report_dir=tmp_path / "rapporter")


@pytest.fixture
def kubot(small_plan_engine: Engine, slack_settings: Settings, fake: FakeSlack) -> Iterator[Kubot]:
    """kubot web with the small plan; Maria Chef has an e-mail address Slack knows."""
    with db.session_scope(small_plan_engine) as session:
        session.exec(update(Staff).where(Staff.name == "Maria Chef").values(email=MARIA_EMAIL))  # type: ignore[call-overload]
    slack = SlackApp(
        small_plan_engine, slack_settings, compose.sender(slack_settings, small_plan_engine), clock=lambda: NOW
    )
    server = create_server(wsgi(slack), host="127.0.0.1", port=0, threads=8)

    def run() -> None:
        with contextlib.suppress(OSError):  # closing the server under its running loop ends the loop this way
            server.run()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield Kubot(f"http://127.0.0.1:{server.effective_port}", slack, fake)
    server.close()
    slack.close()
