"""The examples kubot shows in `hjälp`, and the issue's list, work as written against the sample plan."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from kubot import db
from kubot.adapters import compose, console
from kubot.chat.core import Bot
from kubot.chat.registry import unique_commands
from kubot.cli import main
from kubot.models import Entry
from kubot.settings import Settings

NOW = datetime(2022, 11, 23, 9, 0, tzinfo=UTC)
ADMIN = "Ola Götesson"


@pytest.fixture
def sample_bot(tmp_path: Path) -> Bot:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'kubot.db'}", report_dir=tmp_path / "rapporter")
    return Bot(compose.start(settings), settings, clock=lambda: NOW)


def test_every_help_example_is_accepted_on_the_sample_plan(sample_bot: Bot) -> None:
    for command in unique_commands():
        for example in command.examples:
            if example in (
                "ångra 412",
                "rätta 412 närvaro PKS 2022-03-10 11 av 13",
                "exempel 412",
                "exempel 413 sm2",
                "exempel 412 bort",
            ):
                # they refer to an entry number that a fresh database does not have (tests/test_chat_examples.py uses
                # them on real entries)
                continue
            reply = console.say(sample_bot, ADMIN, example)
            assert reply.accepted is not False, f"{example!r} → {reply.text}"


def test_the_issue_examples_are_stored_with_who_and_when_and_can_be_undone(sample_bot: Bot) -> None:
    examples = [
        "närvaro PKS 2022-03-10 12 av 13",
        "närvaro socialchefsnätverket idag alla utom Habo, Mullsjö",
        (
            "närvaro kommundirektörer 12/5 Aneby, Eksjö, Gislaved, Gnosjö, Habo, Jönköping, Mullsjö, Nässjö, Sävsjö,"
            " Tranås, Vaggeryd, Vetlanda kvinnor 5 män 7"
        ),
        "resultat nojd-medarbetare 79 % T2 2022: Målvärde nås nästan. En marginell minskning jämfört med 2021.",
        "analys narvaro-pks T2 2022: PKS har sedan mätningarnas början legat över målvärdet på 80 %.",
        "aktivitet a-fin-brukarrev pågår med problem: två av fem revisioner genomförda",
        "kurs Motiverande samtal 2022-04-05 20 deltagare pris 4 500 extern 7 500",
        "ansökan KOSTA ESF-rådet 27 000 000 beviljat 12 500 000",
        "enkät samverkan-kommuner socialchefsnätverket 0 1 3 4 6 5 vet ej 2",
        "händelse Barnahus kompetens: Fyra utbildningsinsatser om hedersrelaterat våld.",
        "målvärde nojd-medarbetare 50 2022",
    ]
    for example in examples:
        reply = console.say(sample_bot, ADMIN, example)
        assert reply.accepted is True and reply.text.startswith("Registrerat #"), f"{example!r} → {reply.text}"
    with db.session_scope(sample_bot.engine) as session:
        logged = session.exec(select(Entry).where(Entry.channel == "console")).all()
        assert len(logged) == len(examples)
        assert all(e.actor_id is not None and e.created_at.tzinfo is not None for e in logged)
    assert "Ångrat" in console.say(sample_bot, ADMIN, "ångra").text
    ordered = console.say(sample_bot, ADMIN, "rapport T2 2022")
    assert ordered.text.startswith("Rapporten byggs") and ordered.files and ordered.files[0].path.is_file()


def test_kubot_say_exit_codes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kubot.db'}")
    assert main(["say", "--as", ADMIN, "närvaro PKS 2022-03-10 12 av 13"]) == 0
    assert "Registrerat #2" in capsys.readouterr().out
    assert main(["say", "--as", ADMIN, "närvaro PKS 2022-03-10 14 av 13"]) == 1
    assert "PKS" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        main(["say", "närvaro"])
    assert usage.value.code == 2


def test_console_greets_and_gets_a_newcomer_to_a_first_entry(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kubot.db'}")
    lines = iter(["", "närvaro PKS idag 12 av 13", "sluta"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "Hej Ola Götesson! Jag är kubot." in out and "närvaro PKS idag 12 av 13" in out
    assert "Registrerat #2: PKS – Primärkommunalt samverkansorgan" in out and "Hej då!" in out


@pytest.mark.parametrize(("message", "expected"), [
    ("närvaro strategigrupp 2022-03-10 10 av 13", "kan vara flera"),
    ("närvaro socalchefsnätverket 2022-03-10 10 av 13", "Menade du"),
    ("närvaro PKS 2022-03-10 alla utom Hbao", "Menade du Habo?"),
    ("resultat nojd-medarbetare 79 % T2 2027", "har inte börjat"),
])
def test_near_misses_and_ambiguous_names_get_suggestions(sample_bot: Bot, message: str, expected: str) -> None:
    reply = console.say(sample_bot, ADMIN, message)
    assert reply.accepted is False and expected in reply.text, reply.text
