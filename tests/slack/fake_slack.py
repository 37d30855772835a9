"""A Slack Web API on loopback for the tests: it records every call and answers like Slack.

It covers what kubot calls (auth.test, chat.postMessage, chat.postEphemeral, views.open/publish/update,
users.info, users.lookupByEmail, conversations.open, the three calls of files_upload_v2) and the
response_url of commands and clicks. A test can make a method answer 429 with Retry-After, or a channel refuse the bot
(not_in_channel), as Slack does.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

BOT_USER = "UKUBOT"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.emails: dict[str, str] = {}
        self.names: dict[str, str] = {}  # the real name in a user's profile
        self.outside: set[str] = set()  # channels the bot is not in
        self.rate_limited: dict[str, int] = {}  # method → how many more calls get 429
        self.uploads: dict[str, bytes] = {}
        self.token_rejected = False
        self.failing: dict[str, str] = {}  # method → the error Slack answers it with
        self.held: dict[str, threading.Event] = {}  # method → answered once its event is set (at the latest after 5 s)
        self.holding = 0  # calls waiting for their `held` event
        # The bot scopes auth.test reports (Slack's X-OAuth-Scopes header); None sends no header.
        self.scopes: list[str] | None = ["commands", "chat:write", "im:history", "im:write", "app_mentions:read",
                                         "users:read", "users:read.email", "files:write"]
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def _handle(self) -> None:
                url = urlparse(self.path)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                params: dict[str, Any] = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path.startswith("/upload/"):
                    fake.uploads[url.path.rsplit("/", 1)[1]] = raw
                    return self._send(200, b"OK", "text/plain")
                if "json" in (self.headers.get("Content-Type") or ""):
                    params.update(json.loads(raw or b"{}"))
                else:
                    params.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
                method = url.path.strip("/")
                status, body, headers = fake.answer(method, params, self.server.server_address[1])
                self._send(status, json.dumps(body).encode() if not isinstance(body, bytes) else body,
                           "application/json; charset=utf-8", headers)

            def _send(self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for name, text in (headers or {}).items():
                    self.send_header(name, text)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, method: str, params: dict[str, Any], port: int) -> tuple[int, Any, dict[str, str]]:
        with self.lock:
            if self.rate_limited.get(method):
                self.rate_limited[method] -= 1
                self.calls.append(Call(f"{method} (429)", params))
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
            self.calls.append(Call(method, params))
            number = len(self.calls)
            hold = self.held.get(method)
            self.holding += hold is not None
        if hold is not None:
            hold.wait(5)
            with self.lock:
                self.holding -= 1
        channel = params.get("channel") or params.get("channel_id")
        if (
            method in ("chat.postMessage", "chat.postEphemeral", "files.completeUploadExternal")
            and channel in self.outside
        ):
            return 200, {"ok": False, "error": "not_in_channel"}, {}
        if method in self.failing:
            return 200, {"ok": False, "error": self.failing[method]}, {}
        match method:
            case "auth.test" if self.token_rejected:
                return 200, {"ok": False, "error": "invalid_auth"}, {}
            case "auth.test":
                scopes = {"X-OAuth-Scopes": ",".join(self.scopes)} if self.scopes is not None else {}
                return (
                    200,
                    {
                        "ok": True,
                        "user_id": BOT_USER,
                        "bot_id": "BKUBOT",
                        "team_id": "T1",
                        "team": "Region Jönköpings län",
                        "user": "kubot",
                    },
                    scopes,
                )
            case "chat.postMessage":
                return (
                    200,
                    {
                        "ok": True,
                        "channel": channel,
                        "ts": f"1700000000.{number:06d}",
                        "message": {"text": params.get("text")},
                    },
                    {},
                )
            case "chat.postEphemeral":
                return 200, {"ok": True, "message_ts": f"1700000000.{number:06d}"}, {}
            case "views.open" | "views.publish" | "views.update" | "views.push":
                return 200, {"ok": True, "view": {"id": f"V{number}", "hash": f"h{number}"}}, {}
            case "users.info":
                user = params["user"]
                profile = {"email": self.emails[user]} if user in self.emails else {}
                if user in self.names:
                    profile.update(real_name=self.names[user], display_name=self.names[user].split()[0])
                return (
                    200,
                    {
                        "ok": True,
                        "user": {
                            "id": user,
                            "name": user.lower(),
                            "real_name": self.names.get(user, ""),
                            "profile": profile,
                        },
                    },
                    {},
                )
            case "users.lookupByEmail":
                found = next((user for user, email in self.emails.items() if email == params.get("email")), None)
                if found is None:
                    return 200, {"ok": False, "error": "users_not_found"}, {}
                return 200, {"ok": True, "user": {"id": found, "profile": {"email": params["email"]}}}, {}
            case "conversations.open":
                return 200, {"ok": True, "channel": {"id": "D" + params["users"]}}, {}
            case "files.getUploadURLExternal":
                return (
                    200,
                    {"ok": True, "upload_url": f"http://127.0.0.1:{port}/upload/F{number}", "file_id": f"F{number}"},
                    {},
                )
            case "files.completeUploadExternal":
                files = json.loads(params["files"])
                return 200, {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}, {}
        if method.startswith("response/"):
            return 200, b"ok", {}
        return 200, {"ok": False, "error": "unknown_method"}, {}

    def of(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 20.0) -> list[Call]:
        """The calls of `method` once there are `count` of them; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.of(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(
            f"{method}: {len(self.of(method))} calls, expected {count}; all calls: {[c.method for c in self.calls]}"
        )

    def responses(self) -> Iterator[Call]:
        with self.lock:
            return iter([c for c in self.calls if c.method.startswith("response/")])
