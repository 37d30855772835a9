"""A local Bot Connector for the Teams tests: it records what kubot sends and answers like the real one.

It serves the Bot Connector REST API that kubot's replies, proactive messages and roster look-ups
use (`/v3/conversations…`), and an upload URL standing in for the person's OneDrive in the file
consent flow. Each server runs its own event loop in a thread, on loopback, on a free port.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


class LoopServer:
    """An aiohttp application served from its own thread and event loop on 127.0.0.1."""

    def __init__(self, make_app: Callable[[], web.Application]) -> None:
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(make_app,), daemon=True)
        self.port = 0
        self._thread.start()
        self._ready.wait()

    def _run(self, make_app: Callable[[], web.Application]) -> None:
        asyncio.set_event_loop(self.loop)
        self.runner = web.AppRunner(make_app())
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        self.loop.run_forever()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


@dataclass
class Call:
    method: str
    path: str
    body: Any
    authorization: str | None


@dataclass
class FakeConnector:
    """The Bot Connector's state: every call, the activities per conversation, the roster, uploads."""

    calls: list[Call] = field(default_factory=list)
    roster: dict[str, dict[str, Any]] = field(default_factory=dict)  # user id -> TeamsChannelAccount
    uploads: dict[str, bytes] = field(default_factory=dict)
    created: list[dict[str, Any]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    server: LoopServer | None = None

    def app(self) -> web.Application:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{cid}/activities", self._activity)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._activity)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._activity)
        app.router.add_get("/v3/conversations/{cid}/members/{uid}", self._member)
        app.router.add_get("/v3/conversations/{cid}/members", self._members)
        app.router.add_put("/upload/{name}", self._upload)
        return app

    def start(self) -> FakeConnector:
        self.server = LoopServer(self.app)
        return self

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url + "/"

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    # --- what tests read ----------------------------------------------------------------------

    def sent(self, conversation: str | None = None) -> list[dict[str, Any]]:
        """The activities kubot posted, oldest first (to one conversation if given); typing indicators left out."""
        return [c.body for c in self.calls if c.method in ("POST", "PUT") and "/activities" in c.path
                and c.body.get("type") != "typing"
                and (conversation is None or c.path.startswith(f"/v3/conversations/{conversation}/"))]

    def clear(self) -> None:
        self.calls.clear()

    # --- the API --------------------------------------------------------------------------------

    async def _record(self, request: web.Request) -> Any:
        body = await request.json() if request.can_read_body and request.content_type == "application/json" else None
        self.calls.append(Call(request.method, request.path, body, request.headers.get("Authorization")))
        return body

    async def _activity(self, request: web.Request) -> web.Response:
        await self._record(request)
        return web.json_response({"id": f"reply-{next(self._ids)}"})

    async def _create(self, request: web.Request) -> web.Response:
        body = await self._record(request)
        self.created.append(body)
        user = body["members"][0]["id"]
        return web.json_response({"id": f"a:personal-{user}", "activityId": f"first-{next(self._ids)}"}, status=201)

    async def _member(self, request: web.Request) -> web.Response:
        await self._record(request)
        member = self.roster.get(request.match_info["uid"])
        if member is None:
            return web.json_response(
                {"error": {"code": "MemberNotFoundInConversation", "message": "The member was not found."}}, status=404
            )
        return web.json_response(member)

    async def _members(self, request: web.Request) -> web.Response:
        await self._record(request)
        return web.json_response(list(self.roster.values()))

    async def _upload(self, request: web.Request) -> web.Response:
        self.calls.append(Call("PUT", request.path, None, request.headers.get("Authorization")))
        self.uploads[request.match_info["name"]] = await request.read()
        return web.json_response({"id": "onedrive-item", "name": request.match_info["name"]}, status=201)


def post(url: str, body: dict[str, Any], token: str | None = None, header: str | None = None) -> tuple[int, Any]:
    """POST JSON as Teams does; the status and the decoded answer (None when empty)."""
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["Authorization"] = header
    elif token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


def get(url: str) -> tuple[int, str]:
    """GET as a load balancer's health check does: the status and the text."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
