"""The background process that answers `kubot say` at once (see kubot.say_link for why).

Started by `kubot say` after it answered a message itself; it answers over a Unix socket, one
message at a time, exactly as `kubot say` would in a process of its own, and ends after
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
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from kubot import cli, cli_arguments, db, say_link
from kubot.adapters import compose
from kubot.chat.core import Bot
from kubot.cli_errors import guarded, log_to_file
from kubot.settings import Settings

log = logging.getLogger("kubot.say")
_READ_SECONDS = 10


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


def _request(connection: socket.socket) -> list[str]:
    connection.settimeout(_READ_SECONDS)
    received = b"".join(iter(lambda: connection.recv(65536), b""))
    argv = json.loads(received)["argv"]
    if not (isinstance(argv, list) and argv[:1] == ["say"] and all(isinstance(a, str) for a in argv)):
        raise ValueError("only `kubot say` is answered here")
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
            listener.settimeout(settings.say_idle_seconds)
            gc.freeze()  # what is loaded now stays; collections need not scan it again
            log.info("answering kubot say for %s at %s", db.describe(settings.database_url), path)
            try:
                _answer_until_idle(listener, bot, settings, database, opened)
            finally:
                path.unlink(missing_ok=True)
    log.info("stopped answering kubot say")


def _answer_until_idle(listener: socket.socket, bot: Bot, settings: Settings, database: Path | None,
                       opened: tuple[int, int] | None) -> None:
    while True:
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            return
        with connection:
            try:
                argv = _request(connection)
            except (OSError, ValueError, KeyError) as exc:
                log.warning("ignored a request that is not a kubot say: %s", exc)
                continue
            if _identity(database) != opened:
                log.info("the database file was removed or replaced; kubot say answers in a process of its own")
                return
            reply = answer(bot, settings, argv)
            with contextlib.suppress(OSError):  # the asker gave up; the entry is stored and its id remembered
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
