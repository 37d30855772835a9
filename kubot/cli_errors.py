"""What a person sees when a `kubot` command fails: one Swedish line, never a traceback.

The traceback goes to the log file (`Settings.log_file`) for whoever looks after kubot. A
reader that stops early (`kubot outbox | head`) is not an error at all.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from kubot.db import DatabaseUnavailable

log = logging.getLogger("kubot")

# SQLite sometimes reports a full disk as an I/O error (when the journal cannot grow); with
# less free space than this next to the database, that is what it was.
_NEARLY_FULL = 1024 * 1024


_handlers: list[logging.Handler] = []


def log_to_file(path: Path, *, also_stderr: bool = False) -> None:
    """Send log records (with tracebacks) to `path` instead of the person's screen.

    A log that cannot be written is dropped quietly. Called again (tests run many commands in
    one process), it replaces what it set up before.
    """
    logging.raiseExceptions = False  # a full or read-only disk must not print logging's own traceback
    root = logging.getLogger()
    for old in _handlers:
        root.removeHandler(old)
        old.close()
    _handlers.clear()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    except OSError:
        handler = logging.NullHandler()
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    _handlers.append(handler)
    if also_stderr:  # the worker is a service: its operator reads stderr
        console = logging.StreamHandler()
        console.setLevel(logging.WARNING)
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        _handlers.append(console)
    for added in _handlers:
        root.addHandler(added)
    if root.level > logging.INFO:
        root.setLevel(logging.INFO)


def guarded(command: Callable[[], int], *, database_url: str, log_file: Path) -> int:
    """Run a CLI command; any failure becomes one Swedish line on stderr and exit code 1."""
    try:
        status = command()
        sys.stdout.flush()  # inside the guard: a reader gone early must not fail at exit instead
        return status
    except BrokenPipeError:
        _discard_stdout()
        return 1
    except KeyboardInterrupt:
        print("\nAvbrutet.", file=sys.stderr)
        return 130
    except Exception as exc:
        log.exception("kubot stopped by an error")
        print(explain(exc, database_url=database_url, log_file=log_file), file=sys.stderr)
        return 1


def _discard_stdout() -> None:
    # What is still buffered for the closed pipe would fail again when Python exits.
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), sys.stdout.fileno())


def explain(exc: BaseException, *, database_url: str, log_file: Path) -> str:
    """One line in Swedish saying what went wrong and, where there is one, what to do."""
    if isinstance(exc, DatabaseUnavailable):
        return str(exc)
    if isinstance(exc, DBAPIError):
        return _database_problem(exc, database_url) or _unexpected(exc, log_file)
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return f"Disken är full: kubot kunde inte skriva{where or ' klart'}. Frigör utrymme och försök igen."
        if exc.errno == errno.EROFS:
            return f"Kan inte skriva{where}: filsystemet är skrivskyddat."
        if exc.errno in (errno.EACCES, errno.EPERM):
            return f"Behörighet saknas för{where or ' en fil kubot behöver'}."
        if exc.errno == errno.ENAMETOOLONG:
            return f"Filnamnet är för långt{':' + where if where else ''}."
        if exc.errno == errno.EISDIR:
            return f"{where.strip() or 'Sökvägen'} är en katalog; ange en fil."
    return _unexpected(exc, log_file)


def _unexpected(exc: BaseException, log_file: Path) -> str:
    return (f"Ett oväntat fel stoppade kubot ({type(exc).__name__}). Detaljerna finns i loggfilen {log_file}; "
            "skicka den till den som sköter kubot.")


def _database_problem(exc: DBAPIError, database_url: str) -> str | None:
    orig = exc.orig
    if isinstance(orig, sqlite3.Error):
        reason = str(orig).lower()
        if "readonly database" in reason:
            return ("Databasen är skrivskyddad, och det här kommandot behöver skriva i den. "
                    "Kommandon som bara läser fungerar, t.ex. kubot plan export och kubot reminders --dry-run.")
        if "database or disk is full" in reason or ("disk i/o error" in reason and _nearly_full(database_url)):
            return "Disken är full: databasen kunde inte skriva, och inget sparades. Frigör utrymme och försök igen."
        if "database is locked" in reason:
            return "Databasen är upptagen av en annan kubot-process. Försök igen om en stund; inget sparades."
        if "file is not a database" in reason:
            return (
                f"{_sqlite_file(database_url) or 'Databasfilen'} är ingen SQLite-databas (eller är skadad). Kontrollera"
                " DATABASE_URL."
            )
        if "unable to open database file" in reason:
            return "Kan inte öppna databasfilen. Kontrollera att katalogen finns och får läsas."
        if "disk i/o error" in reason:
            return "Databasfilen kunde inte läsas eller skrivas (disk-fel). Kontrollera disken; inget sparades."
        return None
    state = getattr(orig, "sqlstate", None) or ""
    if state == "53100":
        return "Databasserverns disk är full: inget sparades. Be den som sköter databasen frigöra utrymme."
    if state == "25006":
        return "Databasen tar bara emot läsning just nu, och det här kommandot behöver skriva i den."
    if state.startswith("08") or exc.connection_invalidated:
        return "Förbindelsen med databasen bröts, och inget sparades. Försök igen om en stund."
    return None


def _sqlite_file(database_url: str) -> Path | None:
    try:
        url = make_url(database_url)
    except ArgumentError:
        return None
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).resolve()


def _nearly_full(database_url: str) -> bool:
    path = _sqlite_file(database_url)
    if path is None:
        return False
    try:
        return shutil.disk_usage(path.parent).free < _NEARLY_FULL
    except OSError:
        return False
