"""Running the Slack app: `kubot web` as a process, its health check, and what it says about its token."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kubot import cli
from tests.slack.conftest import SECRET, Kubot


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def health(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_kubot_web_serves_while_slack_cannot_be_reached_and_keeps_its_secrets_out_of_the_log(tmp_path: Path) -> None:
    port, nowhere = free_port(), free_port()
    token = "xoxb-0000-hemligtoken"
    env = {**os.environ, "PORT": str(port), "SLACK_BOT_TOKEN": token, "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": f"http://127.0.0.1:{nowhere}/", "DATABASE_URL": f"sqlite:///{tmp_path / 'kubot.db'}"}
    process = subprocess.Popen([sys.executable, "-m", "kubot"], env=env, cwd=tmp_path, stderr=subprocess.STDOUT,
                               stdout=subprocess.PIPE, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True).start()  # type: ignore[union-attr]
    try:
        deadline, answer = time.monotonic() + 60, (0, "")
        while time.monotonic() < deadline and answer[0] != 200:
            time.sleep(0.2)
            with contextlib.suppress(OSError):  # not listening yet
                answer = health(f"http://127.0.0.1:{port}")
        assert answer == (200, "ok"), "kubot (with Slack settings: kubot web) serves although Slack is unreachable"
        while time.monotonic() < deadline and not any("cannot be reached" in line for line in lines):
            time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=20)
    log = "".join(lines)
    assert "Slack's Web API cannot be reached" in log
    assert token not in log and SECRET not in log


def test_a_token_slack_rejects_is_reported_clearly(kubot: Kubot) -> None:
    kubot.fake.token_rejected = True
    kubot.app.start()
    deadline = time.monotonic() + 10
    while health(kubot.url)[0] != 503 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert health(kubot.url) == (
        503,
        "Slack avvisar SLACK_BOT_TOKEN (invalid_auth). Kontrollera token under OAuth & Permissions.",
    )


def test_kubot_web_without_slack_settings_says_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["web"]) == 2
    assert "kubot web behöver SLACK_BOT_TOKEN och SLACK_SIGNING_SECRET" in capsys.readouterr().err
