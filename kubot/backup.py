"""Backups of the whole database and restoring them.

A backup is either a SQLite database file (SQLite: the online backup API, a consistent copy while
kubot runs; PostgreSQL without pg_dump: every table copied row by row into a new SQLite file) or
a pg_dump archive (PostgreSQL with pg_dump). `restore` reads either into the configured database,
upgrading an older backup's schema first, so a backup of any kubot version and either backend can
be restored into a fresh database of either backend.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from glob import glob
from pathlib import Path

from sqlalchemy import Engine, Integer, Table, delete, func, insert, select, text, update
from sqlalchemy.exc import DatabaseError
from sqlmodel import SQLModel, col

import kubot.kinds  # noqa: F401  (every table on the metadata: kubot.models' and those the record kinds own)
from kubot import db
from kubot.models import Entry
from kubot.troubles import file_trouble

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message is Swedish and says what to do."""


def _tables() -> list[Table]:
    return list(SQLModel.metadata.sorted_tables)


def _pg_tool(name: str) -> str | None:
    """pg_dump / pg_restore: on PATH, else the newest PostgreSQL installation's own."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[-3]))
    return candidates[-1] if candidates else None


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (which goes in PGPASSWORD, not on a command line)."""
    url = engine.url
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def copy_rows(source: Engine, target: Engine) -> int:
    """Every kubot table's rows from `source` into `target` (same schema version), in one transaction.

    The target's rows are replaced. Columns that point into their own table (a corrected entry
    points at its correction) are filled in after all rows are there. Returns the rows copied.
    """
    copied = 0
    with source.connect() as reading, target.begin() as writing:
        for table in reversed(_tables()):
            writing.execute(delete(table))
        for table in _tables():
            own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
            rows = [dict(row._mapping) for row in reading.execute(select(table))]
            if not rows:
                continue
            writing.execute(insert(table), [{**row, **dict.fromkeys(own)} for row in rows])
            key = table.primary_key.columns.values()[0]
            for row in rows:
                values = {name: row[name] for name in own if row[name] is not None}
                if values:
                    writing.execute(update(table).where(key == row[key.name]).values(values))
            copied += len(rows)
        if target.dialect.name == "postgresql":
            for table in _tables():
                key = table.primary_key.columns.values()[0]
                if len(table.primary_key.columns) == 1 and isinstance(key.type, Integer):
                    # Rows came with their ids; the id sequence must continue after them.
                    writing.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key.name}'), "
                                         f"coalesce((SELECT max({key.name}) FROM {table.name}), 0) + 1, false)"))
    return copied


@contextmanager
def _sqlite_file(path: Path) -> Iterator[Engine]:
    engine = db.make_engine(f"sqlite:///{path}")
    try:
        yield engine
    finally:
        engine.dispose()


def backup(engine: Engine, target: Path) -> str:
    """Write a backup of the database to `target`; returns a Swedish sentence naming the format."""
    if target.exists():
        raise BackupError(f"{target} finns redan. Välj ett nytt filnamn, så skrivs ingen tidigare säkerhetskopia över.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp")
    partial.unlink(missing_ok=True)
    try:
        described = _write_backup(engine, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return described


def _write_backup(engine: Engine, partial: Path) -> str:
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            with sqlite3.connect(partial) as written:
                raw.driver_connection.backup(written)  # type: ignore[union-attr]
            written.close()
        finally:
            raw.close()
        return "en SQLite-databasfil (SQLites säkerhetskopiering medan kubot kör)"
    pg_dump = _pg_tool("pg_dump")
    if pg_dump is not None:
        url, env = _libpq(engine)
        done = subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--file={partial}", url], env=env,
                              capture_output=True, text=True)
        if done.returncode == 0:
            return "ett pg_dump-arkiv"
        partial.unlink(missing_ok=True)  # e.g. a pg_dump older than the server: the row copy below still works
    with _sqlite_file(partial) as copy:
        db.upgrade(copy)
        copy_rows(engine, copy)
    return "en SQLite-databasfil (alla tabeller kopierade rad för rad)"


def _has_records(engine: Engine) -> bool:
    """Whether the database holds anything people registered (more than an imported plan)."""
    with db.read_scope(engine) as session:
        return bool(session.scalar(select(func.count()).select_from(Entry).where(col(Entry.kind) != "plan")))


def restore(engine: Engine, source: Path, *, replace: bool) -> str:
    """Replace the database's content with the backup in `source`; returns a Swedish summary."""
    try:
        with open(source, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"Kan inte läsa {source}: {file_trouble(exc, reading=True)}.") from exc
    if not head.startswith((SQLITE_MAGIC, PG_DUMP_MAGIC)):
        raise BackupError(
            f"{source} är ingen säkerhetskopia från kubot backup (varken en SQLite-fil eller ett pg_dump-arkiv)."
        )
    db.upgrade(engine)
    if _has_records(engine) and not replace:
        raise BackupError(
            "Databasen har redan registreringar. Återställningen skulle ersätta dem; skriv "
            "”kubot restore FIL --ersätt” om det är meningen (ta gärna en säkerhetskopia först med kubot backup)."
        )
    if head.startswith(PG_DUMP_MAGIC):
        _pg_restore(engine, source)
    else:
        _restore_sqlite_file(engine, source)
    db.upgrade(engine)  # a backup from an older kubot gets the newest schema
    with db.read_scope(engine) as session:
        entries = session.scalar(select(func.count()).select_from(Entry))
    return f"Återställde {source}: {entries} registreringar."


def _restore_sqlite_file(engine: Engine, source: Path) -> None:
    with tempfile.TemporaryDirectory() as work:
        copy_path = Path(work) / "kopia.db"
        shutil.copyfile(source, copy_path)  # upgraded below; the backup itself stays as it was
        with _sqlite_file(copy_path) as copy:
            try:
                db.upgrade(copy)
            except DatabaseError as exc:
                raise BackupError(f"{source} går inte att läsa som en kubot-databas; databasen är oförändrad.") from exc
            if engine.dialect.name == "sqlite":
                engine.dispose()
                raw = engine.raw_connection()
                try:
                    with sqlite3.connect(copy_path) as reading:
                        reading.backup(raw.driver_connection)  # type: ignore[arg-type]
                    reading.close()
                finally:
                    raw.close()
                engine.dispose()
            else:
                copy_rows(copy, engine)


def _pg_restore(engine: Engine, source: Path) -> None:
    if engine.dialect.name != "postgresql":
        raise BackupError(
            f"{source} är ett pg_dump-arkiv och kan bara återställas i PostgreSQL. Ta en säkerhetskopia med "
            "kubot backup mot en SQLite-databas i stället, eller sätt DATABASE_URL till en PostgreSQL-databas."
        )
    pg_restore = _pg_tool("pg_restore")
    if pg_restore is None:
        raise BackupError(
            "pg_restore finns inte på den här datorn. Installera PostgreSQL:s klientprogram (paketet"
            " postgresql-client)."
        )
    url, env = _libpq(engine)
    engine.dispose()
    done = subprocess.run(
        [pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={url}", str(source)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["okänt fel"])[-1]
        raise BackupError(f"pg_restore kunde inte återställa {source}; databasen är oförändrad. ({reason})")
