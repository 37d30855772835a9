"""`kubot say` answered by the process an earlier `kubot say` left behind: the same answers, in the
right database, never an entry twice, and the process gone when idle or when its database is."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from kubot import db, say_link
from kubot.models import Attendance
from kubot.settings import Settings
from tests.test_cli_edges import kubot

ADMIN = "Ola Götesson"


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}")
        time.sleep(0.1)


@pytest.fixture
def runtime_dir() -> Iterator[Path]:
    """A short folder of the test's own (a socket's path holds about 100 bytes); its processes end with the test."""
    folder = Path(tempfile.mkdtemp(prefix="kubot-say-"))
    yield folder
    for lock in folder.glob("*.lock"):
        if pid := lock.read_text().strip():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGTERM)
    shutil.rmtree(folder, ignore_errors=True)


def environment(tmp_path: Path, runtime_dir: Path, database: str = "kubot.db", idle: str = "60") -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / database}", "KUBOT_RUNTIME_DIR": str(runtime_dir),
            "KUBOT_SAY_IDLE": idle}


def socket_of(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The socket `kubot say` run with `env` (from this folder, with this Python) looks for."""
    for name in ("DATABASE_URL", "KUBOT_RUNTIME_DIR", "KUBOT_SAY_IDLE"):
        monkeypatch.setenv(name, env[name])
    return say_link.socket_path(Settings.from_env())


def attendance_count(tmp_path: Path, database: str = "kubot.db") -> int:
    engine = db.make_engine(f"sqlite:///{tmp_path / database}")
    try:
        with Session(engine) as session:
            return session.exec(select(func.count()).select_from(Attendance)).one()
    finally:
        engine.dispose()


def test_the_next_say_is_answered_by_the_process_the_first_one_left(
        tmp_path: Path, runtime_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = environment(tmp_path, runtime_dir)
    first = kubot("say", "--as", ADMIN, "närvaro PKS 2022-03-10 12 av 13", env=env)
    assert first.returncode == 0, first.stderr
    path = socket_of(env, monkeypatch)
    wait_for(path.exists, "the background process")

    answer = say_link.ask(path, ["say", "--as", ADMIN, "närvaro PKS 2022-03-17 11 av 13", "--message-id", "m1"])

    assert answer is not None
    assert answer.code == 0
    assert "Registrerat" in answer.out and "2022-03-17: närvaro 11 av 13" in answer.out
    second = kubot("say", "--as", ADMIN, "närvaro PKS 2022-03-24 10 av 13", env=env)
    assert second.returncode == 0 and "närvaro 10 av 13" in second.stdout
    assert attendance_count(tmp_path) == 3


def test_a_refused_message_gets_the_same_answer_and_exit_code_from_the_process(
        tmp_path: Path, runtime_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = environment(tmp_path, runtime_dir)
    in_own_process = kubot("say", "--as", ADMIN, "närvaro PKS 2022-03-10 14 av 13", env=env)
    wait_for(socket_of(env, monkeypatch).exists, "the background process")

    from_process = kubot("say", "--as", ADMIN, "närvaro PKS 2022-03-10 14 av 13", env=env)

    assert in_own_process.returncode == from_process.returncode == 1
    assert from_process.stdout == in_own_process.stdout
    assert "13" in from_process.stdout and attendance_count(tmp_path) == 0


def test_a_message_sent_again_after_a_lost_answer_is_stored_once(
        tmp_path: Path, runtime_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = environment(tmp_path, runtime_dir)
    assert kubot("say", "--as", ADMIN, "saknas", env=env).returncode == 0
    path = socket_of(env, monkeypatch)
    wait_for(path.exists, "the background process")
    message = ["say", "--as", ADMIN, "närvaro PKS 2022-03-10 12 av 13", "--message-id", "samma"]

    first, again = say_link.ask(path, message), say_link.ask(path, message)

    assert first is not None and again is not None
    assert again.out == first.out
    assert attendance_count(tmp_path) == 1


def test_each_database_is_answered_by_its_own_process(
        tmp_path: Path, runtime_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one, other = environment(tmp_path, runtime_dir, "en.db"), environment(tmp_path, runtime_dir, "annan.db")
    for env in (one, other):
        assert kubot("say", "--as", ADMIN, "saknas", env=env).returncode == 0
    wait_for(lambda: len(list(runtime_dir.glob("*.sock"))) == 2, "a process per database")

    for day, env in ((10, one), (17, other), (24, one)):
        assert kubot("say", "--as", ADMIN, f"närvaro PKS 2022-03-{day} 12 av 13", env=env).returncode == 0

    assert (attendance_count(tmp_path, "en.db"), attendance_count(tmp_path, "annan.db")) == (2, 1)


def test_a_removed_database_file_is_never_written_by_the_old_process(
        tmp_path: Path, runtime_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = environment(tmp_path, runtime_dir)
    assert kubot("say", "--as", ADMIN, "närvaro PKS 2022-03-10 12 av 13", env=env).returncode == 0
    wait_for(socket_of(env, monkeypatch).exists, "the background process")
    for file in tmp_path.glob("kubot.db*"):
        file.unlink()

    after = kubot("say", "--as", ADMIN, "närvaro PKS 2022-03-17 11 av 13", env=env)

    assert after.returncode == 0, after.stderr
    assert "Registrerat #" in after.stdout
    assert attendance_count(tmp_path) == 1  # the new file has the new entry, not lost in the removed one


def test_the_process_ends_when_no_message_comes(
    tmp_path: Path, runtime_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = environment(tmp_path, runtime_dir, idle="1")
    assert kubot("say", "--as", ADMIN, "saknas", env=env).returncode == 0
    path = socket_of(env, monkeypatch)
    wait_for(path.exists, "the background process")

    wait_for(lambda: not path.exists(), "the idle process to end")

    with open(path.with_suffix(".lock"), "a") as lock:  # nobody holds it any more
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_a_runtime_folder_that_is_not_safe_to_use_falls_back_to_the_users_own_cache(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def refuse(*_args: object, **_kwargs: object) -> Path:
        raise PermissionError("/tmp/runtime-0 is owned by another user")

    monkeypatch.setattr("platformdirs.user_runtime_path", refuse)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("KUBOT_RUNTIME_DIR", raising=False)

    assert Settings.from_env().runtime_dir == tmp_path / "cache" / "kubot" / "run"


def raw(path: Path, data: bytes) -> bytes:
    """What the process answers to `data` sent as a whole request."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as link:
        link.settimeout(30)
        link.connect(str(path))
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # it may stop reading a request too large
            link.sendall(data)
            link.shutdown(socket.SHUT_WR)
        with contextlib.suppress(ConnectionResetError):
            return b"".join(iter(lambda: link.recv(65536), b""))
    return b""


@pytest.fixture
def running(tmp_path: Path, runtime_dir: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """The socket of a process an earlier `kubot say` left behind, and that process's id."""
    env = environment(tmp_path, runtime_dir)
    assert kubot("say", "--as", ADMIN, "saknas", env=env).returncode == 0
    path = socket_of(env, monkeypatch)
    wait_for(path.exists, "the background process")
    return path, path.with_suffix(".lock").read_text().strip()


@pytest.mark.parametrize(
    ("request_body", "why"),
    [
        (b"[]", "only `kubot say`"),
        (b'"x"', "only `kubot say`"),
        (b"null", "only `kubot say`"),
        (b"12", "only `kubot say`"),
        (b'{"argv": "say"}', "only `kubot say`"),
        (b'{"argv": ["say", 1]}', "only `kubot say`"),
        (b'{"argv": ["backup"]}', "only `kubot say`"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        (b"{", "not JSON"),
        (b"", "not JSON"),
        (b"x" * (2 << 20), "too large"),
    ],
)
def test_a_request_that_is_not_a_say_is_answered_with_an_error_and_the_process_keeps_serving(
        running: tuple[Path, str], tmp_path: Path, request_body: bytes, why: str) -> None:
    path, pid = running
    answer = raw(path, request_body)
    if answer:  # a request too large may be cut off before its answer is read
        refused = json.loads(answer)
        assert refused["code"] == 2 and why in refused["err"] and refused["out"] == ""
    else:
        assert why == "too large"

    after = say_link.ask(path, ["say", "--as", ADMIN, "närvaro PKS 2022-03-10 12 av 13"])

    assert after is not None and after.code == 0 and "Registrerat" in after.out
    assert path.with_suffix(".lock").read_text().strip() == pid, "the same process answered"
    assert attendance_count(tmp_path) == 1


def test_a_connection_that_sends_nothing_does_not_hold_up_the_next_say(
        running: tuple[Path, str], tmp_path: Path, runtime_dir: Path) -> None:
    path, pid = running
    with (
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as idle,
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as half,
    ):
        idle.connect(str(path))
        half.connect(str(path))
        half.sendall(b'{"argv": ["say", ')  # and never the rest

        answered = kubot(
            "say", "--as", ADMIN, "närvaro PKS 2022-03-10 12 av 13", env=environment(tmp_path, runtime_dir)
        )
        also = say_link.ask(path, ["say", "--as", ADMIN, "närvaro PKS 2022-03-17 11 av 13"])

        for waiting in (idle, half):  # both still open: the answers did not wait for them to give up
            waiting.setblocking(False)
            with pytest.raises(BlockingIOError):
                waiting.recv(1)
    assert answered.returncode == 0 and "Registrerat" in answered.stdout
    assert also is not None and "Registrerat" in also.out
    assert path.with_suffix(".lock").read_text().strip() == pid and attendance_count(tmp_path) == 2


def test_an_idle_connection_is_closed_with_an_error_and_the_process_keeps_serving(running: tuple[Path, str]) -> None:
    path, _ = running
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as idle:
        idle.connect(str(path))
        idle.settimeout(60)
        refused = json.loads(b"".join(iter(lambda: idle.recv(65536), b"")))
    assert refused["code"] == 2 and "time" in refused["err"]
    assert say_link.ask(path, ["say", "--as", ADMIN, "vem"]) is not None
