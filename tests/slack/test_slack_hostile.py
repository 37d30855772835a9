"""Requests to kubot's Slack address that are not Slack's, or are signed but not what Slack sends: each gets
401 (not from Slack), 400 (signed, unreadable) or 413 (too large), nothing runs, nothing is stored, and
the log gets a short line with the reason – never the body, never a traceback."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from kubot.models import Entry, Inbound
from tests.slack.conftest import Answer, Kubot, signature

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
SECRET_WORD = "hemligtord"  # in every body: it must never reach the log
COMMAND = {
    "command": "/kubot",
    "text": f"närvaro PKS 2022-03-10 3 av 3 {SECRET_WORD}",
    "user_id": "U0LISE",
    "team_id": "T1",
    "channel_id": "D0DM",
    "trigger_id": "trig.1",
    "response_url": "http://127.0.0.1:9/response/1",
    "api_app_id": "A1",
}
GOOD = urlencode(COMMAND).encode()


def form(**changes: str | None) -> bytes:
    return urlencode({k: v for k, v in {**COMMAND, **changes}.items() if v is not None}).encode()


def event(inner: Any) -> bytes:
    return json.dumps({"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": "EvX", "event": inner,
                       "note": SECRET_WORD}).encode()


DM = {"type": "message", "channel_type": "im", "channel": "D0DM", "user": "U0LISE", "text": SECRET_WORD, "ts": "1.1"}


def interaction(payload: Any) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def click(**action: Any) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": "U0LISE"},
        "trigger_id": "t.1",
        "api_app_id": "A1",
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "D0DM"},
        "channel": {"id": "D0DM"},
        "actions": [{"type": "button", "block_id": "b", "action_ts": "1", **action}],
    }


FORM_VIEW = {"type": "modal", "callback_id": "kubot-formular", "id": "V1", "hash": "h",
             "private_metadata": json.dumps({"form": "närvaro", "kanal": ""}), "state": {"values": {}}}


def submission(**view: Any) -> dict[str, Any]:
    shown = {k: v for k, v in {**FORM_VIEW, **view}.items() if v is not None}
    return {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": "U0LISE"},
        "api_app_id": "A1",
        "view": shown,
    }


@dataclass
class Variant:
    name: str
    status: int
    body: bytes = GOOD
    kind: str = FORM
    sign: bool = True
    age: float = 0  # seconds the timestamp lies in the past (negative: in the future)
    headers: dict[str, str] = field(default_factory=dict)


def signed_with(secret: str) -> dict[str, str]:
    return {"X-Slack-Signature": signature(GOOD, str(int(time.time())), secret)}


NOT_FROM_SLACK = [
    Variant("no signature", 401, sign=False),
    Variant("empty signature", 401, headers={"X-Slack-Signature": ""}),
    Variant("no timestamp", 401, headers={"X-Slack-Request-Timestamp": ""}),
    Variant("timestamp abc", 401, headers={"X-Slack-Request-Timestamp": "abc"}),
    Variant("timestamp negative", 401, headers={"X-Slack-Request-Timestamp": "-1"}),
    Variant("timestamp with decimals", 401, headers={"X-Slack-Request-Timestamp": "1700000000.5"}),
    Variant("timestamp of 400 digits", 401, headers={"X-Slack-Request-Timestamp": "9" * 400}),
    Variant("six minutes old", 401, age=6 * 60),
    Variant("ten minutes ahead", 401, age=-10 * 60),
    Variant("signature of zeros", 401, headers={"X-Slack-Signature": "v0=" + "0" * 64}),
    Variant("signature in another scheme", 401, headers={"X-Slack-Signature": "v1=" + "0" * 64}),
    Variant("signature with another secret", 401, headers=signed_with("not-the-secret")),
    Variant(
        "signature of another body", 401, headers={"X-Slack-Signature": signature(b"text=x", str(int(time.time())))}
    ),
    Variant("signature cut short", 401, headers={"X-Slack-Signature": signature(GOOD, str(int(time.time())))[:20]}),
    Variant("signature of garbage", 401, headers={"X-Slack-Signature": "åäö\u00ff" * 10}),
    Variant("unsigned invalid JSON", 401, b'{"type": "event_callback", ', JSON, sign=False),
    Variant("unsigned JSON array", 401, b"[1, 2, 3]", JSON, sign=False),
    Variant("unsigned bad payload=", 401, b"payload=%7Bnot-json", sign=False),
    Variant("unsigned invalid UTF-8", 401, b"text=\xff\xfe\xfa", sign=False),
    Variant("unsigned empty body", 401, b"", sign=False),
    Variant(
        "unsigned, timestamp abc, invalid JSON",
        401,
        b"{{{",
        JSON,
        sign=False,
        headers={"X-Slack-Request-Timestamp": "abc"},
    ),
    Variant("signed invalid UTF-8 (Slack signs text)", 401, b"text=\xff\xfe\xfa"),
]

SIGNED_BUT_UNREADABLE = [
    Variant("invalid JSON", 400, b'{"type": "event_callback", ', JSON),
    Variant("JSON array", 400, b'[{"type": "event_callback"}]', JSON),
    Variant("JSON string", 400, b'"x"', JSON),
    Variant("JSON null", 400, b"null", JSON),
    Variant("JSON number", 400, b"12", JSON),
    Variant("empty body", 400, b""),
    Variant("payload= not JSON", 400, b"payload=%7Bnot-json"),
    Variant("payload= a JSON array", 400, b"payload=%5B%5D"),
    Variant("payload= a JSON string", 400, b"payload=%22x%22"),
    Variant("command without user", 400, form(user_id=None)),
    Variant("command without trigger", 400, form(trigger_id=None)),
    Variant("form command for a form, without trigger", 400, form(text="närvaro", trigger_id=None)),
    Variant("event that is text", 400, event("x"), JSON),
    Variant("direct message without sender", 400, event({k: v for k, v in DM.items() if k != "user"}), JSON),
    Variant("direct message without channel", 400, event({k: v for k, v in DM.items() if k != "channel"}), JSON),
    Variant(
        "mention whose sender is a number",
        400,
        event({"type": "app_mention", "user": 12, "channel": "C1", "text": "x"}),
        JSON,
    ),
    Variant("home opened without user", 400, event({"type": "app_home_opened", "tab": "home"}), JSON),
    Variant("click with actions as text", 400, interaction({**click(), "actions": "x"})),
    Variant("click without value", 400, interaction(click(action_id="kubot-kommando-0"))),
    Variant("click without user", 400, interaction({**click(action_id="kubot-kommando-0", value="vem"), "user": None})),
    Variant(
        "open-form click whose value is not JSON",
        400,
        interaction(click(action_id="kubot-oppna-formular-0", value="{x")),
    ),
    Variant("form submitted without its state", 400, interaction(submission(state=None))),
    Variant("form submitted with metadata not JSON", 400, interaction(submission(private_metadata="{x"))),
    Variant("form submitted as text", 400, interaction({**submission(), "view": "x"})),
]


def send(kubot: Kubot, variant: Variant) -> Answer:
    return kubot.post(
        variant.body, variant.kind, variant.headers, sign=variant.sign, timestamp=time.time() - variant.age
    )


def stored(engine: Engine) -> tuple[int, int]:
    """Entries written beyond the sample's one, and requests in the inbound ledger."""
    with Session(engine) as session:
        return (session.exec(select(func.count()).select_from(Entry)).one() - 1,
                session.exec(select(func.count()).select_from(Inbound)).one())


def assert_short_lines_without_the_body(caplog: pytest.LogCaptureFixture) -> None:
    for record in caplog.records:
        assert record.exc_info is None, record.getMessage()
        if record.levelno >= logging.INFO:
            assert SECRET_WORD not in record.getMessage() and len(record.getMessage()) < 200, record.getMessage()


def slack_was_called(kubot: Kubot) -> list[str]:
    """Web API calls beyond bolt's auth.test for a signed request."""
    return [call.method for call in kubot.fake.calls if call.method != "auth.test"]


@pytest.mark.parametrize("variant", NOT_FROM_SLACK + SIGNED_BUT_UNREADABLE, ids=lambda v: v.name)
def test_a_request_that_is_not_slacks_or_cannot_be_read_is_refused_and_nothing_runs(
        variant: Variant, kubot: Kubot, small_plan_engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    answer = send(kubot, variant)
    assert answer.status == variant.status
    assert_short_lines_without_the_body(caplog)
    assert any(r.levelno == logging.WARNING and "refused" in r.getMessage() for r in caplog.records)
    time.sleep(0.1)
    assert slack_was_called(kubot) == [] and stored(small_plan_engine) == (0, 0)


def test_the_tables_cover_at_least_thirty_variants() -> None:
    assert len(NOT_FROM_SLACK + SIGNED_BUT_UNREADABLE) >= 30


def test_a_body_larger_than_slack_sends_is_refused_unread(kubot: Kubot, caplog: pytest.LogCaptureFixture) -> None:
    request = urllib.request.Request(kubot.url + "/slack/events", data=b"x" * (2 << 20), method="POST",
                                     headers={"Content-Type": FORM, "X-Slack-Request-Timestamp": str(int(time.time())),
                                              "X-Slack-Signature": "v0=" + "0" * 64})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 413
    assert_short_lines_without_the_body(caplog)


def test_a_flood_of_forged_requests_leaves_a_few_log_lines_and_kubot_keeps_answering(
        kubot: Kubot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    for number in range(200):
        body = b'{"broken' if number % 2 else b"[]"
        assert kubot.post(body, JSON, sign=False).status == 401
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert 1 <= len(refusals) <= 3
    assert kubot.command("U0LISE", "vem").status == 200
    assert "Du är Liselotte Karlsson" in kubot.fake.wait_for("response/1")[0].params["text"]


def test_a_signed_request_of_a_kind_kubot_does_not_handle_gets_no_error_page(
    kubot: Kubot, caplog: pytest.LogCaptureFixture
) -> None:
    answer = kubot.post(event({"type": "reaction_added", "user": "U0LISE"}), JSON)
    assert answer.status == 404
    assert_short_lines_without_the_body(caplog)
