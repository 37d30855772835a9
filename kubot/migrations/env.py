"""Alembic environment: kubot hands over its engine; `alembic` on the command line uses DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text
from sqlmodel import SQLModel

import kubot.kinds  # noqa: F401  (every table on the metadata: kubot.models' and those the record kinds own)

config = context.config


def _engine():  # type: ignore[no-untyped-def]
    engine = config.attributes.get("engine")
    if engine is None:
        from kubot.db import make_engine
        from kubot.settings import Settings

        engine = make_engine(Settings.from_env().database_url)
    return engine


def _ours(name: str | None, type_: str, parent_names: object) -> bool:
    # The worker's APScheduler job store keeps its own table in the same database.
    return not (type_ == "table" and name == "apscheduler_jobs")


MIGRATION_LOCK = 0x6B75626D  # "kubm": PostgreSQL advisory lock held while migrating


def run_migrations_online() -> None:
    with _engine().connect() as connection, connection.begin():
        # All pending migrations run in one transaction, DDL included (kubot.db gives SQLite real
        # BEGINs for this): a start killed midway leaves the schema as it was. The transaction takes
        # a lock before the current version is read, so two processes starting at once on a new
        # database migrate one after the other instead of both creating the same tables. SQLite:
        # the write lock of its first statement (BEGIN IMMEDIATE); PostgreSQL: an advisory lock.
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        # SQLite cannot ALTER most things in place; batch mode rebuilds tables instead.
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=_ours,
            transactional_ddl=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
