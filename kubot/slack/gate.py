"""What a request to /slack/events must be before anything reads it.

Anyone on the internet can post to kubot's Slack address, so the signature is checked before the body
is parsed: an unsigned, forged or stale request gets 401 and nothing of it is read. A signed request
whose body is not one Slack sends (not a JSON object, a `payload=` that is not one) gets
400. Both are told through kubot.refusals: one short line with the reason and the Slack team, never the body.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk.signature import Clock, SignatureVerifier

LARGEST = 1 << 20  # bytes; Slack's largest requests (a submitted form) are a few tens of kilobytes


class Malformed(Exception):
    """A signed request lacks what kubot reads from it, or has it in another shape."""


@dataclass(frozen=True)
class Refusal:
    status: int  # 401: not from Slack; 400: from Slack's signer but not a request kubot can read; 413: too large
    reason: str


class _Clock(Clock):
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


def check(headers: Mapping[str, str], body: bytes, secret: str, now: Callable[[], float] = time.time) -> Refusal | None:
    """None for a request signed by Slack in the last five minutes whose body kubot can parse.

    `headers` with lower-case names."""
    if len(body) > LARGEST:
        return Refusal(413, "body too large")
    stamp, signed = headers.get("x-slack-request-timestamp", ""), headers.get("x-slack-signature", "")
    if not stamp or not signed:
        return Refusal(401, "no signature")
    if not signed.isascii():
        return Refusal(401, "wrong signature")
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
        return Refusal(401, "timestamp not a time in seconds")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:  # Slack signs UTF-8 text; nothing else can carry a valid signature
        return Refusal(401, "body not UTF-8")
    if not secret.strip():  # kubot web does not start without one; a test or a library user might
        return Refusal(401, "no signing secret to check against")
    if abs(now() - int(stamp)) > 5 * 60:
        return Refusal(401, "stale timestamp")
    if not SignatureVerifier(secret, _Clock(now)).is_valid(text, stamp, signed):
        return Refusal(401, "wrong signature")
    try:
        parsed = parse(text, headers.get("content-type", ""))
    except Malformed as problem:
        return Refusal(400, str(problem))
    return None if isinstance(parsed, dict) and parsed else Refusal(400, "not a JSON object or form")


def parse(text: str, content_type: str) -> Any:
    """The body as bolt reads it: JSON, or a form whose `payload` field is JSON."""
    try:
        if content_type.split(";")[0].strip() == "application/json" or text.startswith("{"):
            return json.loads(text)
        form = dict(parse_qsl(text, keep_blank_values=True))
        return json.loads(form["payload"]) if "payload" in form else form
    except ValueError as error:  # JSONDecodeError is one
        raise Malformed("body not JSON") from error


def team(body: Any) -> str:
    """The Slack team a parsed request names, for the log ("team T1"); "" when it names none."""
    if not isinstance(body, dict):
        return ""
    named = body.get("team_id") or body.get("team")
    if isinstance(named, dict):
        named = named.get("id")
    return f"team {named}" if isinstance(named, str) and named.isalnum() and len(named) <= 20 else ""


EVENT_FIELDS = {"message": ("user", "channel"), "app_mention": ("user", "channel"), "app_home_opened": ("user",)}


def check_shape(body: Any) -> None:
    """What bolt matches listeners on, and what kubot's event listeners read; else Malformed.

    Bolt acknowledges an event before its listener runs, so a listener finding a field missing could only
    log it: this runs first, as bolt middleware, while a 400 can still be answered."""
    kind = body.get("type")
    if kind in ("view_submission", "view_closed"):
        section(body, "view")
    elif kind == "block_actions":
        actions = body.get("actions")
        if not (isinstance(actions, list) and actions and all(isinstance(action, dict) for action in actions)):
            raise Malformed("actions not a list of objects")
    elif kind == "event_callback":
        event = section(body, "event")
        if need(event, "type") == "message" and (event.get("subtype") or event.get("bot_id")):
            return  # edits, joins, bots: kubot reads nothing of them
        for name in EVENT_FIELDS.get(event["type"], ()):
            need(event, name)


def clicked(body: dict[str, Any], action: dict[str, Any], user: str, value: str) -> dict[str, Any]:
    """A button's request: its command, and an id of the click (per person: in a channel, a colleague pressing
    the same button asks for themself)."""
    container = body.get("container", {})
    if container.get("type") == "view":
        view = body.get("view") or {}
        click = f"klick:{view.get('id')}:{view.get('hash')}:{action['action_id']}"
        channel, thread = "", None
    else:
        channel = container.get("channel_id") or body.get("channel", {}).get("id", "")
        click = f"klick:{channel}:{container.get('message_ts')}:{action['action_id']}"
        thread = (body.get("message") or {}).get("thread_ts")
    return {"user": user, "text": value, "channel": channel, "message_id": f"{click}:{user}", "thread": thread}


def need(body: Any, path: str) -> str:
    """body["a"]["b"] for path "a.b" when every step is there and the last is text; else Malformed."""
    found = _walk(body, path)
    if not isinstance(found, str):
        raise Malformed(f"{path} not text")
    return found


def section(body: Any, path: str) -> dict[str, Any]:
    """Like need, for a JSON object."""
    found = _walk(body, path)
    if not isinstance(found, dict):
        raise Malformed(f"{path} not an object")
    return found


def _walk(body: Any, path: str) -> Any:
    found = body
    for step in path.split("."):
        if not isinstance(found, dict) or step not in found:
            raise Malformed(f"{path} missing")
        found = found[step]
    return found
