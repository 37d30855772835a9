"""The optional language model (issue 22, item 6) against a fake OpenAI-compatible server on loopback:
a refused sentence gets a proposal that "ja" stores exactly, "nej" or another message stores nothing, a
proposal kubot's grammar refuses or a hanging server falls back to the ordinary refusal, and without
`KUBOT_LLM_URL` no request is ever made."""

from __future__ import annotations

import dataclasses
import json
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from kubot import db
from kubot.adapters import compose, console
from kubot.chat.core import Bot
from kubot.models import Entry
from kubot.settings import Settings
from tests.fake_model import FakeModel, serving

NOW = datetime(2022, 11, 25, 9, 0, tzinfo=UTC)
REFUSED = "Hade PKS igår, alla var där utom Habo, bra diskussion om budgeten"
PROPOSED = "närvaro pks 2022-11-24 alla utom Habo: bra diskussion om budgeten"


@pytest.fixture
def model() -> Iterator[tuple[FakeModel, str]]:
    fake = FakeModel(PROPOSED)
    with serving(fake) as url:
        yield fake, url


def _bot(sample_database: Path, tmp_path: Path, **llm: object) -> Bot:
    shutil.copy(sample_database, tmp_path / "kubot.db")
    settings = dataclasses.replace(
        Settings(database_url=f"sqlite:///{tmp_path / 'kubot.db'}", report_dir=tmp_path / "r"), **llm
    )
    return Bot(compose.start(settings), settings, clock=lambda: NOW)


def say(bot: Bot, message: str, name: str = "Ola Götesson") -> str:
    return console.render(console.say(bot, name, message))


def stored(bot: Bot) -> list[str]:
    with db.session_scope(bot.engine) as session:
        return [f"{e.summary} | {e.comment}" for e in session.exec(select(Entry).where(Entry.channel == "console"))]


def test_a_refused_sentence_gets_a_proposal_and_ja_stores_exactly_it(
        sample_database: Path, tmp_path: Path, model: tuple[FakeModel, str]) -> None:
    fake, url = model
    bot = _bot(sample_database, tmp_path, llm_url=url)
    say(bot, "närvaro socialchefer 2022-11-01 alla: hemlig kommentar", name="Liselotte Karlsson")
    assert say(bot, REFUSED) == f"Menar du: «{PROPOSED}»? Svara ja."
    assert len(stored(bot)) == 1, "nothing is stored before ja"
    sent = json.dumps(fake.requests[0], ensure_ascii=False)
    assert fake.requests[0]["response_format"]["type"] == "json_schema"  # type: ignore[index]
    assert REFUSED in sent and "närvaro PKS 2022-03-10 12 av 13" in sent, "the message and the command examples"
    assert "hemlig kommentar" not in sent, "never anyone's entries"
    assert "Registrerat #" in say(bot, "ja")
    (tmp_path / "typed").mkdir()
    other = _bot(sample_database, tmp_path / "typed")
    say(other, PROPOSED)
    assert stored(bot)[-1] == stored(other)[-1]


def test_nej_or_a_new_message_stores_nothing(
    sample_database: Path, tmp_path: Path, model: tuple[FakeModel, str]
) -> None:
    _, url = model
    bot = _bot(sample_database, tmp_path, llm_url=url)
    say(bot, REFUSED)
    assert "gör jag inget" in say(bot, "nej")
    say(bot, REFUSED)
    say(bot, "status")
    assert "inget förslag" in say(bot, "ja")
    assert stored(bot) == []


@pytest.mark.parametrize(("command", "raw"), [
    ("närvaro PKS igår 99 av 13", None),  # a proposal kubot's own grammar refuses
    ("rita en bild", None),
    (None, None),  # the model has nothing
    (None, "det här är ingen JSON"),
])
def test_a_proposal_the_grammar_refuses_falls_back_to_the_ordinary_refusal(
    sample_database: Path, tmp_path: Path, model: tuple[FakeModel, str], command: str | None, raw: str | None
) -> None:
    fake, url = model
    fake.command, fake.raw = command, raw
    ordinary = say(_bot(sample_database, tmp_path), REFUSED)
    (tmp_path / "llm").mkdir()
    assert say(_bot(sample_database, tmp_path / "llm", llm_url=url), REFUSED) == ordinary
    assert fake.requests


def test_a_hanging_server_gets_the_ordinary_refusal_within_the_timeout(
        sample_database: Path, tmp_path: Path, model: tuple[FakeModel, str]) -> None:
    fake, url = model
    fake.hang = True
    ordinary = say(_bot(sample_database, tmp_path), REFUSED)
    (tmp_path / "llm").mkdir()
    bot = _bot(sample_database, tmp_path / "llm", llm_url=url, llm_timeout_seconds=0.2)
    replies: list[str] = []
    asking = threading.Thread(target=lambda: replies.append(say(bot, REFUSED)), daemon=True)
    asking.start()
    asking.join(30)  # far beyond the timeout: only a kubot that waits for the model is still asking
    assert replies == [ordinary], "kubot answered while the model had still not answered"
    assert fake.requests and not fake.release.is_set()


def test_a_ja_after_ten_minutes_says_there_is_nothing_to_confirm_and_stores_nothing(
        sample_database: Path, tmp_path: Path, model: tuple[FakeModel, str]) -> None:
    _, url = model
    now = [NOW]
    bot = _bot(sample_database, tmp_path, llm_url=url)
    bot.clock = lambda: now[0]
    assert say(bot, REFUSED).startswith("Menar du: «")
    now[0] = NOW + timedelta(minutes=11)
    assert "inget förslag" in say(bot, "ja")
    assert stored(bot) == []
    assert say(bot, REFUSED).startswith("Menar du: «")
    now[0] += timedelta(minutes=9)
    assert "Registrerat #" in say(bot, "ja"), "within ten minutes the proposal holds"


def test_without_a_model_url_no_request_is_ever_made(
    sample_database: Path, tmp_path: Path, model: tuple[FakeModel, str]
) -> None:
    fake, _ = model
    bot = _bot(sample_database, tmp_path)
    for message in (REFUSED, "blaha", "närvaro PKS", "ja"):
        say(bot, message)
    assert fake.requests == []


def test_the_model_is_read_from_the_environment() -> None:
    settings = Settings.from_env({"KUBOT_LLM_URL": "http://127.0.0.1:11434/v1", "KUBOT_LLM_MODEL": "llama3.1"})
    assert (settings.llm_url, settings.llm_model, settings.llm_timeout_seconds) == (
        "http://127.0.0.1:11434/v1",
        "llama3.1",
        2.0,
    )
    assert Settings.from_env({}).llm_url is None
