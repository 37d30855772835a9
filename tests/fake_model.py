"""A fake OpenAI-compatible chat-completions server on loopback, for the optional language model's tests
and the language benchmark's test: it answers {"command": …} as told and records every request."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_MESSAGE = "Meddelandet: "  # how kubot's request ends: the refused message after this


class FakeModel:
    """What the fake server answers, and every request it was sent. `script`, when set, proposes a
    command for the refused message itself (None: no proposal); else `command` is proposed for any."""

    def __init__(self, command: str | None = None) -> None:
        self.command = command
        self.script: Callable[[str], str | None] | None = None
        self.raw: str | None = None  # an answer that is no JSON at all
        # Set: the server answers nothing until `release` is set (by the test, after kubot has answered).
        self.hang = False
        self.release = threading.Event()
        self.requests: list[dict[str, object]] = []

    def answer(self, body: dict[str, object]) -> str:
        if self.raw is not None:
            return self.raw
        if self.script is None:
            return json.dumps({"command": self.command})
        asked = str(body["messages"][-1]["content"])  # type: ignore[index]
        return json.dumps({"command": self.script(asked.rpartition(_MESSAGE)[2])})


@contextmanager
def serving(fake: FakeModel) -> Iterator[str]:
    """The fake server's base URL (…/v1) while the block runs."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            fake.requests.append({"path": self.path, **body})
            if fake.hang:
                fake.release.wait(60)
            answer = json.dumps(
                {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": fake.answer(body)},
                        }
                    ],
                }
            ).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except BrokenPipeError:
                pass  # kubot stopped waiting: what the hanging test wants

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
