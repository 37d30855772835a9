"""SIGKILL at exact points of a first start, a plan import and a chat write: nothing half-done stays.

The probe behind issue 14 killed the first start of kubot inside its migration 5 times, and every
later start failed with "table area already exists". Each kill here comes right after the Nth
SQL statement of a real `kubot` process (tests/reliability/killpoint.py).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel, select

from kubot import db
from kubot.adapters import compose, console
from kubot.chat.core import Bot
from kubot.journal import Origin
from kubot.models import Entry, Event, PlanVersion, Staff
from kubot.plan import export as plan_export
from kubot.plan import importing, loading
from kubot.settings import Settings
from tests.conftest import PLANS
from tests.reliability.conftest import ROOT, killed_at, kubot, kubot_env, statements_in

FIRST_MESSAGE = ("say", "--as", "Ola Götesson", "händelse social: första start")


def _spread(total: int, points: int) -> list[int]:
    return sorted({max(1, total * n // (points + 1)) for n in range(1, points + 1)})


def test_a_first_start_killed_anywhere_starts_cleanly_the_next_time(fresh_url: Callable[[], str]) -> None:
    # The first start migrates first: its first `total` statements are the migration's.
    total = statements_in(fresh_url(), "db", "upgrade")
    for point in _spread(total, 3):
        url = fresh_url()
        assert killed_at(url, point, *FIRST_MESSAGE).returncode == -9
        left = db.make_engine(url)
        assert set(inspect(left).get_table_names()) <= {"alembic_version"}, "the migration left nothing half-made"
        left.dispose()
        settings = Settings(database_url=url)
        engine = compose.start(settings)
        reply = console.say(Bot(engine, settings), "Ola Götesson", "händelse social: efter avbrottet")
        assert reply.accepted, f"killed after statement {point} of {total}: {console.render(reply)}"
        with db.session_scope(engine) as session:
            assert len(session.exec(select(PlanVersion)).all()) == 1, "the sample plan is there once"
            assert len(session.exec(select(Event)).all()) in (1, 2), "the killed message is stored whole or not at all"
        engine.dispose()


def test_an_empty_schema_left_by_an_old_interrupted_migration_is_built_again(database_url: str) -> None:
    engine = db.make_engine(database_url)
    half = [t for t in SQLModel.metadata.sorted_tables if t.name in {"municipality", "area", "staff"}]
    SQLModel.metadata.create_all(engine, tables=half)  # what kubot before transactional migrations left behind
    db.upgrade(engine)
    assert db.pending_migrations(engine) == []
    assert {"entry", "area", "workerlock"} <= set(inspect(engine).get_table_names())


def test_a_filled_schema_without_version_is_left_alone_with_what_to_do(database_url: str) -> None:
    engine = db.make_engine(database_url)
    staff = [t for t in SQLModel.metadata.sorted_tables if t.name == "staff"]
    SQLModel.metadata.create_all(engine, tables=staff)
    with db.session_scope(engine) as session:
        session.add(Staff(name="Ola Götesson"))
    done = kubot(database_url, "db", "upgrade")
    assert done.returncode == 1
    assert "ingen schemaversion" in done.stderr and "staff" in done.stderr and "kubot restore FIL" in done.stderr
    assert "Traceback" not in done.stderr
    with db.session_scope(engine) as session:
        assert session.exec(select(Staff.name)).all() == ["Ola Götesson"], "nothing was dropped"


def test_a_plan_import_killed_midway_leaves_the_previous_plan_whole(
    small_plan_engine: Engine, database_url: str, tmp_path: Path
) -> None:
    new_plan = tmp_path / "ny.yaml"
    new_plan.write_text(
        (PLANS / "small.yaml").read_text(encoding="utf-8").replace("Testplan 2021", "Ny plan 2021"), encoding="utf-8"
    )
    with db.read_scope(small_plan_engine) as session:
        before = plan_export.dump(session)
    total = statements_in(database_url, "plan", "import", str(new_plan))  # imports it once, then back again:
    with db.session_scope(small_plan_engine) as session:
        importing.apply(session, loading.load((PLANS / "small.yaml").read_text(encoding="utf-8")), Origin(None, "test"))
    for point in _spread(total, 2):
        assert killed_at(database_url, point, "plan", "import", str(new_plan)).returncode == -9
        with db.read_scope(small_plan_engine) as session:
            assert plan_export.dump(session) == before, f"killed after statement {point} of {total}"


def test_a_chat_write_killed_midway_is_stored_whole_or_not_at_all(small_plan_engine: Engine, database_url: str) -> None:
    message = ("say", "--as", "Ola Götesson", "händelse social kompetens: avbruten skrivning")
    total = statements_in(database_url, *message)
    for point in _spread(total, 2):
        assert killed_at(database_url, point, *message).returncode == -9
    with db.session_scope(small_plan_engine) as session:
        entries = session.exec(select(Entry).where(Entry.kind == "händelse")).all()
        events = session.exec(select(Event)).all()
    assert len(entries) == len(events) <= 3, "every stored entry has its event row, and no kill stored anything twice"
    assert {e.entry_id for e in events} == {e.id for e in entries}


def test_several_processes_starting_at_once_on_a_new_database_all_start(fresh_url: Callable[[], str]) -> None:
    url = fresh_url()
    starting = [subprocess.Popen([sys.executable, "-m", "kubot", "db", "upgrade"], env=kubot_env(url), cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outcomes = [(p.wait(120), p.communicate()) for p in starting]
    assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
    assert db.pending_migrations(db.make_engine(url)) == []
