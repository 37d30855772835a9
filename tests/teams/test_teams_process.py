"""`kubot teams` as it runs in production: its own process serving /api/messages on $PORT."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.teams.connector import FakeConnector, get, post


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int, process: subprocess.Popen[str]) -> bool:
    """Wait (bounded) for the process to accept connections; False if it exits first."""
    for _ in range(600):
        if process.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return True
        except OSError:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.1)
    return False


@pytest.fixture
def started(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite:///{tmp_path / 'kubot.db'}",
           "KUBOT_REPORT_DIR": str(tmp_path / "rapporter"), **request.param}
    for name in (
        "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID",
        "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET",
    ):
        env.pop(name, None)
    process = subprocess.Popen([sys.executable, "-m", "kubot", "teams"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert _listening(port, process), process.communicate(timeout=5)
        yield process, port
    finally:
        process.terminate()
        process.communicate(timeout=30)


@pytest.mark.parametrize("started", [{"KUBOT_TEAMS_ANONYMOUS": "1"}], indirect=True)
def test_kubot_teams_in_anonymous_mode_answers_and_warns_loudly(started: tuple[subprocess.Popen[str], int],
                                                                connector: FakeConnector) -> None:
    process, port = started
    activity = _activity(connector, "hjälp")
    status, _ = post(f"http://127.0.0.1:{port}/api/messages", activity)
    assert status == 202
    [reply] = connector.sent()
    assert reply["text"].startswith("Hej Någon! Jag känner inte igen dig"), "a stranger on the sample plan"
    assert get(f"http://127.0.0.1:{port}/healthz") == (200, "ok")
    process.terminate()
    _, err = process.communicate(timeout=30)
    assert "VARNING: KUBOT_TEAMS_ANONYMOUS=1" in err and "UTAN inloggningstoken" in err


@pytest.mark.parametrize("started", [{}], indirect=True)
def test_kubot_teams_without_credentials_refuses_everything_and_says_why(started: tuple[subprocess.Popen[str], int],
                                                                        connector: FakeConnector) -> None:
    process, port = started
    status, _ = post(f"http://127.0.0.1:{port}/api/messages", _activity(connector, "hjälp"))
    assert status == 401 and connector.calls == []
    status, said = get(f"http://127.0.0.1:{port}/healthz")
    assert status == 503 and "Alla anrop nekas med 401" in said, "a load balancer sees why"
    process.terminate()
    _, err = process.communicate(timeout=30)
    assert "Alla anrop nekas med 401" in err


def _activity(connector: FakeConnector, text: str) -> dict[str, object]:
    return {"type": "message", "id": "1", "serviceUrl": connector.url, "channelId": "msteams", "text": text,
            "from": {"id": "29:1someone", "name": "Någon"}, "recipient": {"id": "28:bot", "name": "kubot"},
            "conversation": {"conversationType": "personal", "id": "a:1someone"}}
