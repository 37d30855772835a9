"""Schema migrations: an empty database gets the schema, an existing one keeps its data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, SQLModel, select

from kubot import db
from kubot.adapters import compose
from kubot.kinds.attendance.record import log_attendance
from kubot.models import Attendance, Dispatch, Inbound, PlanVersion
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
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata
        )
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
        assert (
            len(session.exec(select(PlanVersion)).all()) == 1
        ), "the sample plan is loaded only into an empty database"


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


def test_the_ledgers_migration_carries_handled_waiting_and_sent_messages_over(database_url: str) -> None:
    """0017 folds inbox + handledmessage into the inbound ledger and sentmessage into the outbound one."""
    engine = db.make_engine(database_url)
    db.upgrade(engine, "0016")
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO handledmessage (platform, message_id, accepted, reply, handled_at) VALUES "
                "('slack', 'händelse:Ev1', true, 'Registrerat #7', :at), ('teams', 'a-1', NULL, 'Hej', :at)"
            ),
            {"at": at},
        )
        waiting = {"user": "U0LISE", "text": "saknas", "channel": "D0DM", "message_id": "händelse:Ev2"}
        connection.execute(text("INSERT INTO inbox (platform, payload, received_at) VALUES ('slack', :payload, :at)"),
                           {"payload": json.dumps(waiting), "at": at})
        staff_id = connection.execute(text("SELECT id FROM staff ORDER BY id")).scalar()
        if staff_id is None:  # a database without a plan: a person to remind
            connection.execute(text("INSERT INTO staff (name, role, title, active) VALUES ('Ola', 'admin', '', true)"))
            staff_id = connection.execute(text("SELECT id FROM staff")).scalar()
        connection.execute(
            text(
                "INSERT INTO dispatch (key, kind, recipient_id, stage, text, actions, platform, problem, created_at) "
                "VALUES ('påminnelse:1:2026-T3:10', 'påminnelse', :staff, '10', 'Påminnelse', '[]', '', '', :at)"
            ),
            {"staff": staff_id, "at": at},
        )
        connection.execute(
            text(
                "INSERT INTO sentmessage (key, platform, address, claimed_at, sent_at) VALUES "
                "('påminnelse:1:2026-T3:10', 'slack', 'U0OLA', :at, :at), ('jobb:3', 'console', 'Ola', :at, NULL)"
            ),
            {"at": at},
        )
    db.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"inbound", "dispatch"} <= tables and not {"inbox", "handledmessage", "sentmessage"} & tables
    with Session(engine) as session:
        inbound = {row.message_id: row for row in session.exec(select(Inbound))}
        assert inbound["händelse:Ev1"].reply == "Registrerat #7" and inbound["händelse:Ev1"].payload is None
        assert inbound["a-1"].platform == "teams" and inbound["a-1"].handled_at == at
        assert inbound["händelse:Ev2"].payload == waiting and inbound["händelse:Ev2"].handled_at is None
        sent = {row.key: row for row in session.exec(select(Dispatch))}
        assert sent["påminnelse:1:2026-T3:10"].claimed_at == at and sent["påminnelse:1:2026-T3:10"].delivered_at == at
        assert (
            sent["jobb:3"].recipient_id is None
            and sent["jobb:3"].claimed_at == at
            and sent["jobb:3"].delivered_at is None
        )
    db.downgrade(engine, "0016")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM handledmessage")).scalar() == 2
        assert connection.execute(text("SELECT count(*) FROM inbox")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM sentmessage")).scalar() == 2
    db.upgrade(engine)
    assert db.pending_migrations(engine) == []
