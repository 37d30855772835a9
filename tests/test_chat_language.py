"""Swedish as staff write it, part 3 (issue 22), as (message → reply) dialogues against the sample
plan: relative days, suggestions that expire, refusals that name the wrong part, the remaining forms
of names, and the short help."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kubot.adapters import compose
from kubot.adapters import console
from kubot.chat.core import Bot
from kubot.settings import Settings

FRIDAY = datetime(2022, 11, 25, 9, 0, tzinfo=UTC)
ADMIN = "Ola Götesson"


class Clock:
    """The bot's clock, which a dialogue can move forward."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def wait(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture(scope="module")
def sample_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exempelplan") / "kubot.db"
    compose.start(Settings(database_url=f"sqlite:///{path}")).dispose()
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock(FRIDAY)


@pytest.fixture
def sample_bot(sample_database: Path, tmp_path: Path, clock: Clock) -> Bot:
    shutil.copy(sample_database, tmp_path / "kubot.db")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'kubot.db'}", report_dir=tmp_path / "rapporter")
    return Bot(compose.start(settings), settings, clock=clock)


def say(bot: Bot, message: str, name: str = ADMIN) -> str:
    return console.render(console.say(bot, name, message))


@pytest.mark.parametrize(("message", "understood"), [
    ("närvaro PKS i torsdags 12 av 13", "2022-11-24"),  # yesterday: the latest Thursday before today
    ("närvaro PKS i fredags 12 av 13", "2022-11-18"),  # said on a Friday: a week ago
    ("närvaro PKS i måndags 12 av 13", "2022-11-21"),
    ("närvaro PKS förra torsdagen 12 av 13", "2022-11-17"),  # the Thursday of last week
    ("närvaro PKS förra veckans torsdag 12 av 13", "2022-11-17"),
    ("närvaro PKS förra måndagen 12 av 13", "2022-11-14"),
    ("närvaro PKS förra fredagen 12 av 13", "2022-11-18"),
])
def test_relative_days_are_read_as_swedes_mean_them_and_the_echo_says_which_date(
        sample_bot: Bot, message: str, understood: str) -> None:
    assert f"{understood}: närvaro 12 av 13" in say(sample_bot, message)
