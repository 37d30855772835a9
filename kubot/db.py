"""The database connection: engine set-up, schema migrations and sessions."""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, func, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session, SQLModel

import kubot.kinds  # noqa: F401  (every table on the metadata: kubot.models' and those the record kinds own)
from kubot.troubles import file_trouble

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be used; the message is safe to show (no password)."""


def public_url(url: str) -> str:
    """The URL with any password masked, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<ogiltig DATABASE_URL>"


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL (resolved), or None for other databases and in-memory ones."""
    try:
        parsed = make_url(_driver_url(url))
    except ArgumentError:
        return None
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return Path(parsed.database).resolve()
    return None


def describe(url: str) -> str:
    """Which database `url` is, for people: the file of a SQLite database, otherwise the masked URL."""
    file = sqlite_file(url)
    return str(file) if file else public_url(url)


def _driver_url(url: str) -> str:
    # PaaS-style "postgres://" and plain "postgresql://" URLs should use psycopg 3, not psycopg2.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


BUSY_TIMEOUT_MS = 10_000
READ_ONLY = "kubot_read_only"  # execution option: a transaction that only reads, see read_scope
URGENT = "kubot_urgent"  # execution option: a short write someone waits for (an acknowledgement), first in line


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling begins lazily (deferred) and not before DDL; SQLAlchemy's
    # documented fix: switch it off and emit BEGIN ourselves (_SqliteWriters.begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


class _FairLock:
    """A lock handed to waiters in the order they came. threading.Lock is not: under load a thread
    that releases and at once asks again can keep others waiting for many turns.

    A short write someone waits for (a platform's acknowledgement) goes ahead of the others, in its own
    order of arrival; one of the others that has waited `LONGEST_BEHIND` seconds goes next all the same, so a
    stream of acknowledgements slows the handling down but never stops it."""

    LONGEST_BEHIND = 0.1

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._first: deque[threading.Event] = deque()
        self._waiting: deque[tuple[float, threading.Event]] = deque()

    def acquire(self, timeout: float, first: bool = False) -> bool:
        """`first`: ahead of the others waiting (still after the holder), for a short write a platform waits on."""
        with self._mutex:
            if not self._held and not self._first and not self._waiting:
                self._held = True
                return True
            turn = threading.Event()
            if first:
                self._first.append(turn)
            else:
                self._waiting.append((time.monotonic(), turn))
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn.is_set():  # handed over while timing out
                return True
            if first:
                self._first.remove(turn)
            else:
                self._waiting = deque(waiter for waiter in self._waiting if waiter[1] is not turn)
            return False

    def waiting(self) -> int:
        with self._mutex:
            return len(self._first) + len(self._waiting)

    def release(self) -> None:
        with self._mutex:
            # Still held: it passes straight to the next in line.
            if self._waiting and (not self._first or time.monotonic() - self._waiting[0][0] >= self.LONGEST_BEHIND):
                self._waiting.popleft()[1].set()
            elif self._first:
                self._first.popleft().set()
            else:
                self._held = False


class _SqliteWriters:
    """Write transactions on one SQLite engine, one at a time within this process.

    A deferred transaction (pysqlite's default) that reads and then writes cannot wait for the
    write lock: SQLite refuses its upgrade at once ("database is locked") when another writer got
    in between. BEGIN IMMEDIATE takes the write lock up front and waits up to the busy timeout for
    it, so concurrent writers queue instead of failing. SQLite's own wait polls with growing sleeps
    and is not fair: under load one thread can miss its turn for the whole timeout while others
    get in. Threads of one process (a chat server) therefore queue on a lock here first; SQLite
    admits one writer at a time anyway, so this costs nothing, and only other processes are left
    to SQLite's wait.
    """

    HELD = "kubot_write_lock"

    def __init__(self) -> None:
        self._lock = _FairLock()

    def begin(self, connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
            return
        if self._lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000, first=bool(options.get(URGENT))):
            connection.info[self.HELD] = True
        try:
            # Migrations get transactional DDL from this too: a crash leaves the schema before them.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.end(connection)
            raise

    def end(self, connection: Connection) -> None:
        if connection.info.pop(self.HELD, False):
            self._lock.release()

    def listen(self, engine: Engine) -> None:
        event.listen(engine, "begin", self.begin)
        event.listen(engine, "commit", self.end)
        event.listen(engine, "rollback", self.end)


def _sqlite_read_only(url: URL) -> URL | None:
    """The read-only form of a SQLite URL whose file kubot may not write (a read-only volume, a
    file only readable to this user), so the commands that only read still work; None otherwise."""
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        return None
    path = Path(url.database).resolve()
    if not path.exists() or (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return None
    # Without a writable folder SQLite cannot keep its lock files: "immutable" reads without them.
    mode = "ro" if os.access(path.parent, os.W_OK) else "ro&immutable=1"
    return make_url(f"sqlite:///file:{path}?mode={mode}&uri=true")


def read_only(engine: Engine) -> bool:
    """Whether `engine` was opened read-only (see _sqlite_read_only): it can answer what only reads."""
    return engine.url.query.get("mode") == "ro"


def make_engine(url: str) -> Engine:
    """An engine for `url`, checked to be reachable; raises DatabaseUnavailable otherwise."""
    try:
        driver_url = make_url(_driver_url(url))
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"DATABASE_URL går inte att tolka: {public_url(url)}") from exc
    if driver_url.get_backend_name() == "sqlite":
        if driver_url.database and driver_url.database != ":memory:":
            try:
                Path(driver_url.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                why = file_trouble(exc)
                raise DatabaseUnavailable(f"Kan inte skapa databasfilen {public_url(url)}: {why}") from exc
        read_only = _sqlite_read_only(driver_url)
        engine = create_engine(read_only or driver_url, connect_args={"check_same_thread": False})
        if read_only is None:  # the pragmas would write; a read-only file keeps the mode it has
            event.listen(engine, "connect", _sqlite_pragmas)
            _SqliteWriters().listen(engine)
    else:
        # A connection for each of the web server's 16 threads and the workers, so an acknowledgement never
        # waits for one (the default pool holds 5, with 10 more at a time).
        engine = create_engine(driver_url, pool_pre_ping=True, pool_size=20, max_overflow=10)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        log.warning("connecting to the database failed: %s", reason)  # the driver's own words, for whoever digs
        raise DatabaseUnavailable(f"Kan inte ansluta till databasen {public_url(url)}: {_in_swedish(reason)}") from exc
    return engine


# The drivers' reasons (psycopg's, SQLite's) an administrator meets, in the order they are tried.
_REASONS = (("connection refused", "ingen databasserver tar emot anslutningar där"),
            ("password authentication failed", "användarnamnet eller lösenordet godtas inte"),
            ("no pg_hba.conf entry", "servern tar inte emot anslutningar från den här datorn"),
            ("could not translate host name", "värdnamnet går inte att slå upp"),
            ("name or service not known", "värdnamnet går inte att slå upp"),
            ("does not exist", "databasen eller användaren finns inte på servern"),
            ("timeout", "inget svar i tid"), ("timed out", "inget svar i tid"),
            ("unable to open database file", "filen går inte att öppna"))


def _in_swedish(reason: str) -> str:
    lowered = reason.casefold()
    return next((swedish for english, swedish in _REASONS if english in lowered), "anslutningen misslyckades")


def _alembic_config(engine: Engine) -> Config:
    # Alembic (with Mako and Pygments) is loaded only when the schema changes: a database at the
    # newest schema is recognised without it, which is most of what makes `kubot say` start fast.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


_REVISION = re.compile(r"^(down_revision|revision)\b[^=]*=\s*'(\w+)'", re.MULTILINE)


def newest_revision() -> str:
    """The head of the migration chain, read from the files' own revision lines (without Alembic, which
    costs a start of `kubot say` far more): the one revision no other revises. Revision ids are the
    files' numbers (0001_…), but the chain, not the number, says which is newest."""
    revises: dict[str, str | None] = {}
    for path in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"):
        found = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        revises[found["revision"]] = found.get("down_revision")
    heads = set(revises) - set(revises.values())
    if len(heads) != 1:
        raise RuntimeError(
            f"the migrations have {len(heads)} heads ({', '.join(sorted(heads))}): each must revise the one before"
        )
    return heads.pop()


def _applied(engine: Engine) -> set[str]:
    if not inspect(engine).has_table("alembic_version"):
        return set()
    with engine.connect() as connection:
        return set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def has_schema(engine: Engine) -> bool:
    """Whether any migration has run: a new database has none."""
    return bool(_applied(engine))


def pending_migrations(engine: Engine) -> list[str]:
    """Revisions not yet applied to the database, oldest first."""
    current = _applied(engine)
    if current == {newest_revision()}:
        return []
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(engine))
    pending = []
    for revision in script.walk_revisions():
        if revision.revision in current:
            break
        pending.append(revision.revision)
    return list(reversed(pending))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply pending migrations, all in one transaction: a crash leaves the schema as it was (see migrations/env.py)."""
    from alembic import command

    _clear_unversioned_leftovers(engine)
    command.upgrade(_alembic_config(engine), revision)


def _clear_unversioned_leftovers(engine: Engine) -> None:
    """Tables without a schema version are what a first migration killed midway left behind
    (kubot before migrations ran in transactions). Empty ones are dropped so the migration can
    run again; with data in them only a person can decide, so say exactly what to do."""
    inspector = inspect(engine)
    present = set(inspector.get_table_names())
    if "alembic_version" in present and _applied(engine):
        return
    ours = [table for table in reversed(SQLModel.metadata.sorted_tables) if table.name in present]
    if not ours:
        return
    with engine.begin() as connection:
        filled = [table.name for table in ours if connection.execute(select(func.count()).select_from(table)).scalar()]
        if filled:
            raise DatabaseUnavailable(
                f"Databasen {public_url(str(engine.url))} har kubots tabeller men ingen schemaversion, och tabellerna"
                f" {', '.join(sorted(filled))} innehåller uppgifter. En tidigare uppgradering avbröts. Återställ den"
                " senaste säkerhetskopian med ”kubot restore FIL”, eller flytta undan databasen och starta med en tom."
            )
        for table in ours:
            table.drop(connection)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(_alembic_config(engine), revision)


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A session for reading only: on SQLite it does not take the write lock, so long reads
    (exports, backups, reports) never hold up people who are writing. Nothing is committed."""
    with Session(engine.execution_options(**{READ_ONLY: True})) as session:
        try:
            yield session
        finally:
            session.rollback()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error, so nothing half-written stays."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
