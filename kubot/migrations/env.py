"""Alembic environment: kubot hands over its engine; `alembic` on the command line uses DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import kubot.models  # noqa: F401  (registers every table on the metadata)

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


def run_migrations_online() -> None:
    with _engine().connect() as connection:
        # SQLite cannot ALTER most things in place; batch mode rebuilds tables instead.
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=_ours,
            # Each migration in its own transaction, DDL included (kubot.db gives SQLite real
            # BEGINs for this): a start killed mid-migration leaves the previous schema whole.
            transactional_ddl=True,
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
