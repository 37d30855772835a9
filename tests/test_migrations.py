"""Schema migrations: an empty database gets the schema, an existing one keeps its data."""

from __future__ import annotations

from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel, select

from kubot import db
from kubot.adapters import compose
from kubot.kinds.attendance.record import log_attendance
from kubot.models import Attendance, PlanVersion
from kubot.settings import Settings
from tests.conftest import TODAY, origin


def test_an_empty_database_is_migrated_to_the_newest_schema(database_url: str) -> None:
    engine = db.make_engine(database_url)
    assert db.pending_migrations(engine) != []
    db.upgrade(engine)
    assert db.pending_migrations(engine) == []
    assert {"entry", "change", "indicator", "attendance"} <= set(inspect(engine).get_table_names())


def test_the_migrations_build_exactly_the_schema_the_models_describe(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata)
    assert differences == []


def test_starting_on_an_existing_database_keeps_its_records(database_url: str) -> None:
    settings = Settings(database_url=database_url)
    engine = compose.start(settings)
    with db.session_scope(engine) as session:
        log_attendance(session, origin=origin(session, "Ola Götesson"), network_code="pks",
                               held_on=date(2022, 3, 10), today=TODAY, present_count=12)
    engine.dispose()

    engine = compose.start(settings)
    with db.session_scope(engine) as session:
        assert len(session.exec(select(Attendance)).all()) == 1
        assert len(session.exec(select(PlanVersion)).all()) == 1, "the sample plan is loaded only into an empty database"


def test_downgrade_and_upgrade_again_leaves_a_working_schema(engine: Engine) -> None:
    db.downgrade(engine, "base")
    assert "entry" not in inspect(engine).get_table_names()
    db.upgrade(engine)
    assert db.pending_migrations(engine) == []


def test_the_newest_migration_is_known_without_asking_alembic(engine: Engine) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    assert [r.revision for r in script.walk_revisions()] == sorted(
        (p.name[:4] for p in (db.MIGRATIONS / "versions").glob("*.py")), reverse=True)
    assert db.newest_revision() == script.get_current_head()
    assert db.pending_migrations(engine) == []
