"""Shared fixtures: a migrated database per test, on SQLite and, when configured, PostgreSQL.

Set KUBOT_TEST_POSTGRES_URL (as `.ci/run` does) to run every storage test on a real
PostgreSQL server too; each test then gets its own freshly created database.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from kubot import db, deadlines, demo
from kubot.adapters import compose, console
from kubot.chat.core import Bot
from kubot.journal import Origin
from kubot.models import Staff
from kubot.periods import Period
from kubot.plan import importing, loading
from kubot.settings import Settings
from tests.slack.fake_slack import FakeSlack

try:
    import microsoft_agents.hosting.msteams  # noqa: F401
except ImportError:
    # The Teams SDK needs Python 3.12 (the `teams` extra); .ci/run runs tests/teams in a venv that has it.
    collect_ignore = ["teams"]

POSTGRES_URL = os.environ.get("KUBOT_TEST_POSTGRES_URL")
PLANS = Path(__file__).parent / "plans"
TODAY = date(2022, 11, 23)
NOW = datetime(2022, 11, 23, 9, 0, tzinfo=UTC)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
T2 = Period(2023, 2)

backends = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(autouse=True)
def log_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Commands run by the tests log to the test's own folder, not the user's log file."""
    path = tmp_path / "logg" / "kubot.log"
    monkeypatch.setenv("KUBOT_LOG_FILE", str(path))
    return path


@pytest.fixture(autouse=True)
def own_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """kubot's per-user data folder (the default database and report folder) is the test's own."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture(autouse=True)
def say_in_its_own_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """`kubot say` in a test leaves no process behind (tests/test_say_server.py tests that process)."""
    monkeypatch.setenv("KUBOT_SAY_IDLE", "0")


@pytest.fixture(params=backends)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kubot.db'}"
        return
    assert POSTGRES_URL is not None
    name = f"kubot_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(db._driver_url(POSTGRES_URL)), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A Slack Web API on loopback (tests/slack/fake_slack.py) for what kubot sends outside a Slack request."""
    server = FakeSlack()
    yield server
    server.close()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated, empty database."""
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def small_plan_engine(engine: Engine) -> Engine:
    """A database with the small test plan (plans/small.yaml) in force from 2021."""
    with db.session_scope(engine) as session:
        importing.apply(session, loading.load((PLANS / "small.yaml").read_text(encoding="utf-8")), Origin(None, "test"))
    return engine


@pytest.fixture
def session(small_plan_engine: Engine) -> Iterator[Session]:
    with db.session_scope(small_plan_engine) as session:
        yield session


def staff(session: Session, name: str) -> Staff:
    person = session.exec(select(Staff).where(Staff.name == name)).one()
    return person


def origin(session: Session, name: str, message_id: str | None = None, channel: str = "console") -> Origin:
    return Origin(actor=staff(session, name), channel=channel, message_id=message_id, message_text="test")


@pytest.fixture
def bot(small_plan_engine: Engine, tmp_path: Path) -> Bot:
    """The chat core on the small plan, with the clock at NOW."""
    return Bot(small_plan_engine, Settings(report_dir=tmp_path / "rapporter"), clock=lambda: NOW)


# When the demo year's reports are ordered: after the T3 2018 deadline.
DEMO_NOW = datetime(2019, 2, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Bot, Settings]:
    """The sample plan with `kubot demo` (Verksamhetsberättelse 2018 as chat entries), the economy as of August and
    the delårsrapport's texts: a bot at DEMO_NOW, and its settings. One per test module."""
    work = tmp_path_factory.mktemp("demo")
    settings = Settings(database_url=f"sqlite:///{work / 'kubot.db'}", report_dir=work / "rapporter")
    engine = compose.start(settings)
    demo.load(engine, settings)
    in_september = Bot(engine, settings, clock=lambda: datetime(2018, 9, 10, 9, 0, tzinfo=UTC))
    for message in ("ekonomi Miljösamverkan 2018-08-31: ingående 190, erhållna 600, budget 990, utfall 610",
                    "text inledning T2 2018: Första delen av året har präglats av arbetet med den externa "
                    "utvärderingen.",
                    "text åtgärder T2 2018: Närvaron i nätverken följs upp med varje chefsnätverk under "
                    "hösten."):
        assert console.say(in_september, "Ola Götesson", message).accepted, message
    return Bot(engine, settings, clock=lambda: DEMO_NOW), settings


def talk(bot: Bot, name: str, *pairs: tuple[str, str]) -> None:
    """Each message must get a reply containing the expected text."""
    for message, expected in pairs:
        reply = console.render(console.say(bot, name, message))
        assert expected in reply, f"{message!r} gave {reply!r}"


_PATH = re.compile(r"(?<![\w.:/])(?:~?/|[A-Za-z]:\\)[\w.\-]+[/\\]")  # the start of an absolute path: /home/…, ~/…, C:\…


def server_paths(text: str, *folders: Path) -> list[str]:
    """What in `text` reads as a path on the server: `folders` (and the file names in them), or any absolute path."""
    named = [str(folder) for folder in folders if str(folder) in text]
    named += [f.name for folder in folders if folder.is_dir() for f in folder.iterdir() if f.name in text]
    return named + _PATH.findall(text)


def at(day: date, clock: time = time(8, 30)) -> datetime:
    """A moment on a day in Swedish time, 08.30 unless told (when the reminder worker wakes)."""
    return datetime.combine(day, clock, STOCKHOLM)


@pytest.fixture
def t2(engine: Engine) -> Engine:
    """The reminder test plan with the T2 2023 report due Friday 2023-09-15.

    Its own plan file, so the exact lists of who is reminded do not move when the shared small plan grows.
    """
    with db.session_scope(engine) as session:
        importing.apply(
            session, loading.load((PLANS / "reminders.yaml").read_text(encoding="utf-8")), Origin(None, "test")
        )
        deadlines.set_deadline(
            session, origin=Origin(None, "test"), period=T2, due_on=date(2023, 9, 15), today=date(2023, 6, 1)
        )
    return engine


@pytest.fixture(scope="session")
def sample_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample plan (kubot/data/sample_plan.yaml) imported once; each test works on its own copy."""
    path = tmp_path_factory.mktemp("exempelplan") / "kubot.db"
    compose.start(Settings(database_url=f"sqlite:///{path}")).dispose()
    return path


def on_sample_plan(sample_database: Path, folder: Path, clock: Callable[[], datetime]) -> Bot:
    """The chat core on a copy of the sample plan's database in `folder`, with its clock at `clock()`."""
    shutil.copy(sample_database, folder / "kubot.db")
    settings = Settings(database_url=f"sqlite:///{folder / 'kubot.db'}", report_dir=folder / "rapporter")
    return Bot(compose.start(settings), settings, clock=clock)
