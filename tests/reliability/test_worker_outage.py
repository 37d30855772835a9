"""The worker rides out a database outage: PostgreSQL stopped and started under a running `kubot worker`.

The probe behind issue 14 found the worker exiting with a traceback in `lock.release` when
PostgreSQL went away. Here a private PostgreSQL server (its own data directory and port) is
stopped under a running worker and started again: the worker says once that the database is
gone and once that it is back, and carries on without a restart.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.conftest import ROOT, kubot_env


class PrivatePostgres:
    """A throw-away PostgreSQL server; run as the postgres user when we are root, as .ci/run does."""

    def __init__(self) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
        if not bins:
            pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        self.bin = Path(bins[-1])
        self.dir = Path(tempfile.mkdtemp(prefix="kubot-pg-"))
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._run("initdb", "-D", str(self.dir / "data"), "-A", "trust", "-U", "kubot")
        self.url = f"postgresql://kubot@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-o", options, "-l", str(self.dir / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()


class Output:
    """A process's output lines, read as they come."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert process.stdout is not None
        stream = process.stdout
        threading.Thread(target=lambda: self.lines.extend(iter(stream.readline, "")), daemon=True).start()

    def count(self, text: str) -> int:
        return sum(text in line for line in list(self.lines))

    def wait_for(self, text: str, times: int = 1, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while self.count(text) < times:
            assert time.monotonic() < deadline, f"no {text!r} (×{times}) in:\n{''.join(self.lines)}"
            time.sleep(0.1)

    @property
    def text(self) -> str:
        return "".join(self.lines)


@pytest.mark.postgres
def test_the_worker_waits_out_a_stopped_postgresql_and_carries_on_when_it_returns(
    private_postgres: PrivatePostgres,
) -> None:
    env = kubot_env(private_postgres.url, KUBOT_WORKER_CHECK_SECONDS="1", PYTHONUNBUFFERED="1")
    worker = subprocess.Popen([sys.executable, "-m", "kubot", "worker"], env=env, cwd=ROOT, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = Output(worker)
    try:
        out.wait_for("kubot worker kör")
        private_postgres.stop()
        out.wait_for("Databasen svarar inte")
        time.sleep(3)  # several failed tries while it is down: still said only once
        private_postgres.start()
        out.wait_for("Databasen svarar igen")
        out.wait_for("kubot worker kör", times=2)
        assert worker.poll() is None, "the same process carries on"
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            code = worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            pytest.fail(f"the worker did not stop on SIGTERM:\n{out.text}")
    assert code == 0, out.text
    assert out.count("Databasen svarar inte") == 1 and out.count("Databasen svarar igen") == 1, out.text
    assert out.count("Påminnelser ") == 2, "a catch-up round at the start and again after the outage"
    assert "Traceback" not in out.text, out.text
