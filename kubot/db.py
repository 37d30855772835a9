"""The database connection: engine set-up, schema migrations and sessions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be used; the message is safe to show (no password)."""


def public_url(url: str) -> str:
    """The URL with any password masked, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<ogiltig DATABASE_URL>"


def describe(url: str) -> str:
    """Which database `url` is, for people: the file of a SQLite database, otherwise the masked URL."""
    try:
        parsed = make_url(_driver_url(url))
    except ArgumentError:
        return public_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return str(Path(parsed.database).resolve())
    return public_url(url)


def _driver_url(url: str) -> str:
    # PaaS-style "postgres://" and plain "postgresql://" URLs should use psycopg 3, not psycopg2.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


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
                raise DatabaseUnavailable(f"Kan inte skapa databasfilen {public_url(url)}: {exc.strerror}") from exc
        read_only = _sqlite_read_only(driver_url)
        engine = create_engine(read_only or driver_url, connect_args={"check_same_thread": False})
        if read_only is None:  # the pragmas would write; a read-only file keeps the mode it has
            event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(driver_url, pool_pre_ping=True)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise DatabaseUnavailable(f"Kan inte ansluta till databasen {public_url(url)}: {reason}") from exc
    return engine


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def pending_migrations(engine: Engine) -> list[str]:
    """Revisions not yet applied to the database, oldest first."""
    script = ScriptDirectory.from_config(_alembic_config(engine))
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    pending = []
    for revision in script.walk_revisions():
        if revision.revision in current:
            break
        pending.append(revision.revision)
    return list(reversed(pending))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply pending migrations."""
    command.upgrade(_alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(_alembic_config(engine), revision)


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
