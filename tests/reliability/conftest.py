"""Helpers for the reliability suite: kubot run as real processes against a real database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kubot import db

ROOT = Path(__file__).resolve().parents[2]
KILLPOINT = Path(__file__).with_name("killpoint.py")


def kubot_env(database_url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT), **extra}


def kubot(database_url: str, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    """`kubot ARGS…` in its own process."""
    return subprocess.run([sys.executable, "-m", "kubot", *args], env=kubot_env(database_url, **env), cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def killed_at(database_url: str, statement: int, *args: str) -> subprocess.CompletedProcess[str]:
    """`kubot ARGS…` SIGKILLed right after its `statement`th SQL statement (0: not killed)."""
    return subprocess.run(
        [sys.executable, str(KILLPOINT), str(statement), *args],
        env=kubot_env(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def statements_in(database_url: str, *args: str) -> int:
    """How many SQL statements `kubot ARGS…` runs from start to end."""
    done = killed_at(database_url, 0, *args)
    assert done.returncode == 0, done.stderr
    found = re.search(r"statements=(\d+)", done.stderr)
    assert found, done.stderr
    return int(found.group(1))


@contextmanager
def postgres_databases(server_url: str) -> Iterator[Callable[[], str]]:
    """Makes empty databases on the PostgreSQL server of `server_url`, dropped afterwards."""
    made: list[str] = []
    admin = create_engine(make_url(db._driver_url(server_url)), isolation_level="AUTOCOMMIT")

    def make() -> str:
        name = f"kubot_rel_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return make_url(server_url).set(database=name).render_as_string(hide_password=False)

    try:
        yield make
    finally:
        with admin.connect() as connection:
            for name in made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes more empty databases on the same backend as `database_url`."""
    if database_url.startswith("sqlite"):
        yield lambda: f"sqlite:///{tmp_path / f'kubot_rel_{uuid.uuid4().hex[:12]}.db'}"
        return
    with postgres_databases(database_url) as make:
        yield make
