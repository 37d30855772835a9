"""The quick way into a running kubot for `kubot say`: a local socket to a background process.

Starting Python with SQLAlchemy, SQLModel and kubot's tables costs more than half a second, far
more than answering a message (about 10 ms). So after answering, `kubot say` leaves a process
behind (`kubot.say_server`) that keeps all of that loaded and answers the next `kubot say` over a
Unix socket, until it has had no message for `Settings.say_idle_seconds`.

This module is the client side and is imported before anything heavy: only the standard library
and the settings. A process serves one configuration only: the socket's name is a digest of the
settings, the working folder and kubot's own files, so another database, another environment or
an updated kubot is never answered by an old process. The socket lies in a directory only this
user can enter. A message carries an id, so one that reached the process but whose answer was lost
is answered from the database, never stored twice, when it is sent again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kubot.settings import Settings

_PACKAGES = ("kubot", "rules")
_CONNECT_SECONDS = 1.0


@dataclass(frozen=True)
class Answer:
    """What the background process printed for one `kubot say`, and the exit code."""

    code: int
    out: str
    err: str


def _newest_change(folder: Path) -> int:
    newest = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                newest = max(newest, _newest_change(Path(entry.path)))
            elif entry.is_file(follow_symlinks=False):
                newest = max(newest, entry.stat().st_mtime_ns)
    return newest


def socket_path(settings: Settings) -> Path:
    """Where the process for these settings, this folder and this kubot listens."""
    code = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(repr((
        [getattr(settings, f.name) for f in dataclasses.fields(settings)], os.getcwd(), sys.executable, str(code),
        [_newest_change(code / package) for package in _PACKAGES if (code / package).is_dir()],
    )).encode()).hexdigest()
    return settings.runtime_dir / f"say-{digest[:16]}.sock"  # short: a socket path has ~100 bytes at most


class Lost(Exception):
    """The message reached the process but no answer came back: it may have been stored."""


def ask(path: Path, argv: list[str]) -> Answer | None:
    """The answer of the process listening at `path`, or None when no process is there to ask."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as link:
        try:
            link.settimeout(_CONNECT_SECONDS)
            link.connect(str(path))
        except OSError:
            return None
        try:
            link.settimeout(None)  # building a report may take a while
            link.sendall(json.dumps({"argv": argv}).encode())
            link.shutdown(socket.SHUT_WR)
            received = b"".join(iter(lambda: link.recv(65536), b""))
        except OSError as exc:
            raise Lost from exc
    if not received:  # the process ended without answering (it was stopping, or its database was replaced)
        raise Lost
    answer = json.loads(received)
    return Answer(code=answer["code"], out=answer["out"], err=answer["err"])


def start_server(settings: Settings) -> None:
    """Leave a process behind that answers the next `kubot say` with these settings at once."""
    if settings.say_idle_seconds <= 0:
        return
    with contextlib.suppress(OSError):  # only the next message's speed depends on it
        subprocess.Popen([sys.executable, "-m", "kubot.say_server"], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
