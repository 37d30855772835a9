"""The background process that answers `kubot say` at once (see kubot.say_link for why).

Started by `kubot say` after it answered a message itself; it answers over a Unix socket, one
message at a time, exactly as `kubot say` would in a process of its own. Each connection is read in
a thread of its own within a few seconds, so a client that connects and sends nothing delays no other;
what is not a `kubot say` request (not JSON, not an argument list, too large) gets an error answer
and the process goes on serving. It ends after
`Settings.say_idle_seconds` without a message. One process per socket: a second one started at
the same time finds the lock taken and ends. When the SQLite file it opened has been removed or
replaced, it ends without answering, and `kubot say` answers in a process of its own, on the new file.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import io
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from kubot import cli, cli_arguments, db, say_link
from kubot.adapters import compose
from kubot.chat.core import Bot
from kubot.cli_errors import guarded, log_to_file
from kubot.settings import Settings

log = logging.getLogger("kubot.say")
_READ_SECONDS = 5.0  # for a whole request: `kubot say` sends its few hundred bytes at once
_LARGEST = 1 << 20  # bytes of a request
_CONNECTIONS = 16  # served at once
_POLL_SECONDS = 0.5  # how often the waiting for a connection looks whether it is time to end


def _identity(file: Path | None) -> tuple[int, int] | None:
    if file is None:
        return None
    try:
        status = file.stat()
    except OSError:
        return (0, 0)  # gone: never equal to the file that was opened
    return (status.st_dev, status.st_ino)


def answer(bot: Bot, settings: Settings, argv: list[str]) -> say_link.Answer:
    """What `kubot say` with these arguments prints, and its exit code."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            args = cli_arguments.parser().parse_args(argv)
        except SystemExit as stop:  # argparse has printed what is wrong
            code = stop.code if isinstance(stop.code, int) else 2
        else:
            code = guarded(lambda: cli.say(bot, args), database_url=settings.database_url, log_file=settings.log_file)
    return say_link.Answer(code=code, out=out.getvalue(), err=err.getvalue())


class BadRequest(Exception):
    """What came over the socket is not a `kubot say` request; the message says what it is instead."""


def _request(connection: socket.socket) -> list[str]:
    """The arguments of one request, read within _READ_SECONDS in all."""
    deadline = time.monotonic() + _READ_SECONDS
    received, size = [], 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise BadRequest("nothing complete within the time allowed")
        connection.settimeout(left)
        try:
            chunk = connection.recv(65536)
        except TimeoutError:
            raise BadRequest("nothing complete within the time allowed") from None
        if not chunk:
            break
        size += len(chunk)
        if size > _LARGEST:
            raise BadRequest("request too large")
        received.append(chunk)
    try:
        request = json.loads(b"".join(received))
    except ValueError:  # not UTF-8, not JSON
        raise BadRequest("not JSON") from None
    argv = request.get("argv") if isinstance(request, dict) else None
    if not (isinstance(argv, list) and argv[:1] == ["say"] and all(isinstance(a, str) for a in argv)):
        raise BadRequest("only `kubot say` is answered here")
    return argv


def serve(settings: Settings, start: Callable[[], Engine]) -> None:
    """Answer `kubot say` until idle; `start` (from `main`, the process's entry point) opens the database
    once this process holds the socket's lock."""
    path = say_link.socket_path(settings)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released when this process ends, however it ends
        except OSError:
            return  # another process answers for these settings
        lock.truncate(0)
        lock.write(f"{os.getpid()}\n")  # which process it is, for whoever looks
        lock.flush()
        engine = start()
        if db.read_only(engine):
            return  # a message's id cannot be stored there; kubot say answers what only reads in a process of its own
        bot = Bot(engine, settings)
        database = db.sqlite_file(settings.database_url)
        opened = _identity(database)
        path.unlink(missing_ok=True)  # left by a process that was killed
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            listener.bind(str(path))
            os.chmod(path, 0o600)
            listener.listen()
            gc.freeze()  # what is loaded now stays; collections need not scan it again
            log.info("answering kubot say for %s at %s", db.describe(settings.database_url), path)
            try:
                _Answerer(bot, settings, database, opened).until_idle(listener)
            finally:
                path.unlink(missing_ok=True)
    log.info("stopped answering kubot say")


class _Answerer:
    """Reads each connection in a thread of its own, so a client that sends nothing holds up no one but
    itself, and answers one request at a time (an answer redirects the process's stdout and stderr)."""

    def __init__(self, bot: Bot, settings: Settings, database: Path | None, opened: tuple[int, int] | None) -> None:
        self.bot, self.settings, self.database, self.opened = bot, settings, database, opened
        self.answering = threading.Lock()
        self.replaced = threading.Event()
        self.room = threading.BoundedSemaphore(_CONNECTIONS)
        self.last = time.monotonic()

    def until_idle(self, listener: socket.socket) -> None:
        listener.settimeout(_POLL_SECONDS)
        threads: list[threading.Thread] = []
        while not self.replaced.is_set() and time.monotonic() - self.last < self.settings.say_idle_seconds:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            self.last = time.monotonic()
            if not self.room.acquire(blocking=False):
                connection.close()  # as many clients as it serves at once are connected: this one asks anew
                continue
            threads = [t for t in threads if t.is_alive()]
            threads.append(threading.Thread(target=self._serve, args=(connection,), name="kubot-say", daemon=True))
            threads[-1].start()
        for thread in threads:  # a request being answered is finished, however the loop ended
            thread.join(_READ_SECONDS + 60)

    def _serve(self, connection: socket.socket) -> None:
        try:
            with connection:
                self._answer(connection)
        except Exception:  # one connection never ends the process
            log.exception("answering a kubot say failed")
        finally:
            self.room.release()

    def _answer(self, connection: socket.socket) -> None:
        try:
            argv = _request(connection)
        except BadRequest as problem:
            log.warning("refused a request that is not a kubot say: %s", problem)
            _send(connection, say_link.Answer(code=2, out="", err=f"kubot: förfrågan avvisad ({problem}).\n"))
            return
        except OSError as problem:
            log.warning("a kubot say connection failed: %s", type(problem).__name__)
            return
        with self.answering:
            if self.replaced.is_set() or _identity(self.database) != self.opened:
                self.replaced.set()  # no answer: kubot say then answers in a process of its own, on the new file
                log.info("the database file was removed or replaced; kubot say answers in a process of its own")
                return
            reply = answer(self.bot, self.settings, argv)
            self.last = time.monotonic()
        _send(connection, reply)


def _send(connection: socket.socket, reply: say_link.Answer) -> None:
    with contextlib.suppress(OSError):  # the asker gave up; an entry is stored and its id remembered
        connection.settimeout(_READ_SECONDS)
        connection.sendall(json.dumps({"code": reply.code, "out": reply.out, "err": reply.err}).encode())


def main() -> None:
    settings = Settings.from_env()
    log_to_file(settings.log_file)
    try:
        serve(settings, lambda: compose.start(settings))
    except Exception:
        log.exception("the kubot say process stopped")


if __name__ == "__main__":
    main()
