"""`kubot web` and `kubot socket`: the Slack app over HTTP (Slack's requests at /slack/events, a health
check at /healthz) or over Socket Mode."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from wsgiref.types import StartResponse

from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request import BoltRequest
from sqlalchemy import Engine

from kubot.port import Sender
from kubot.settings import Settings
from kubot.slack import gate
from kubot.slack.app import SlackApp

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def wsgi(slack: SlackApp) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The web application: Slack's requests at /slack/events, a health check at /healthz.

    A request reaches bolt only when gate.check lets it through: signed, fresh and parseable."""
    def refuse(refusal: gate.Refusal, start_response: StartResponse) -> Iterable[bytes]:
        slack.refusals.tell(refusal.status, refusal.reason)
        start_response(
            f"{refusal.status} {HTTPStatus(refusal.status).phrase}", [("Content-Type", "text/plain; charset=utf-8")]
        )
        return [b""]

    def slack_events(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            start_response("405 Method Not Allowed", [("Content-Type", "text/plain; charset=utf-8"), ("Allow", "POST")])
            return [b""]
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= gate.LARGEST:  # refused unread
            return refuse(
                gate.Refusal(413 if length > 0 else 400, "body too large" if length > 0 else "bad length"),
                start_response,
            )
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {
            name[5:].replace("_", "-").lower(): value for name, value in environ.items() if name.startswith("HTTP_")
        }
        headers["content-type"] = environ.get("CONTENT_TYPE", "")
        refusal = gate.check(headers, body, slack.settings.slack_signing_secret or "")
        if refusal is not None:
            return refuse(refusal, start_response)
        try:
            request = BoltRequest(body=body.decode(), query=environ.get("QUERY_STRING", ""), headers=headers)
        except (KeyError, TypeError, AttributeError, ValueError) as error:  # bolt reading ids from an odd shape
            return refuse(gate.Refusal(400, f"{type(error).__name__} reading its ids"), start_response)
        response = slack.bolt.dispatch(request)
        answer = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
        start_response(answer.status, answer.get_headers())
        return answer.get_body()

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == EVENTS_PATH:
            return slack_events(environ, start_response)
        if path == HEALTH_PATH:
            status, body = (
                ("503 Service Unavailable", slack.health.problem) if slack.health.problem else ("200 OK", "ok")
            )
            start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
            return [body.encode()]
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"not found"]

    return application


def serve(engine: Engine, settings: Settings, sender: Sender, host: str = "0.0.0.0") -> None:
    """`kubot web`: the app over HTTP on $PORT, with waitress (a production WSGI server, one process, many threads)."""
    from waitress import serve as waitress_serve  # type: ignore[import-untyped]

    slack = SlackApp(engine, settings, sender)
    slack.start()
    # Acknowledgements wait for the GIL while earlier messages are handled; switching threads more
    # often than every 5 ms lets an acknowledgement through sooner.
    sys.setswitchinterval(0.001)
    log.info("kubot web listens on port %s", settings.port)
    try:
        waitress_serve(wsgi(slack), host=host, port=settings.port, threads=16, ident="kubot")
    finally:
        slack.close()


def socket_mode(engine: Engine, settings: Settings, sender: Sender) -> None:
    """`kubot socket`: the app over Slack's Socket Mode, for organisations without a public address."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    slack = SlackApp(engine, settings, sender)
    slack.start()
    try:
        SocketModeHandler(slack.bolt, app_token=settings.slack_app_token).start()
    finally:
        slack.close()
