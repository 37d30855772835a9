"""Taking access away: a person left out of a new plan, marked inactive, or deactivated in the chat
cannot use kubot from the next message on, and what they registered stays theirs.

The probe behind issue 14 removed an administrator and a staff member from the plan and imported
it: both could still set targets and log.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from kubot import db
from kubot.adapters import console
from kubot.chat.core import Bot
from kubot.cli import main
from kubot.models import Entry, Staff
from tests.conftest import PLANS, talk

SMALL = (PLANS / "small.yaml").read_text(encoding="utf-8")
LISELOTTE = "  - {namn: Liselotte Karlsson, roll: personal, områden: [missbruk], chatt: {slack: U0LISE}}\n"


def _import(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> str:
    file = tmp_path / "plan.yaml"
    file.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["plan", "import", str(file)]) == 0
    return capsys.readouterr().out


@pytest.fixture
def cli_bot(bot: Bot, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Bot:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return bot


def test_a_person_left_out_of_the_new_plan_loses_access_at_once_and_keeps_their_entries(
        cli_bot: Bot, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    talk(cli_bot, "Liselotte Karlsson", ("händelse missbruk: Brukarrevision i Eksjö", "Registrerat #"))
    out = _import(
        tmp_path, SMALL.replace(LISELOTTE, "").replace("ansvarig: Liselotte Karlsson", "ansvarig: Maria Chef"), capsys
    )
    assert "Har inte längre tillgång (saknas i planen eller har aktiv: false): Liselotte Karlsson." in out
    talk(cli_bot, "Liselotte Karlsson", ("händelse missbruk: En till", "känner inte igen dig"))
    with db.session_scope(cli_bot.engine) as session:
        entry = session.exec(select(Entry).where(Entry.kind == "händelse")).one()
        assert session.get(Staff, entry.actor_id).name == "Liselotte Karlsson"  # type: ignore[union-attr]


def test_an_administrator_marked_inactive_can_no_longer_set_targets_and_gets_back_with_a_new_import(
        cli_bot: Bot, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inactive = SMALL.replace("{namn: Ola Götesson, roll: admin, titel: utvecklingschef}",
                             "{namn: Ola Götesson, roll: admin, titel: utvecklingschef, aktiv: false}")
    assert "Götesson" in _import(tmp_path, inactive, capsys)
    talk(cli_bot, "Ola Götesson", ("målvärde arbetsmiljo 50 2022", "känner inte igen dig"))
    assert "Har tillgång igen: Ola Götesson." in _import(tmp_path, SMALL, capsys)
    talk(cli_bot, "Ola Götesson", ("målvärde arbetsmiljo 50 2022", "Registrerat #"))


def test_a_role_taken_away_in_the_plan_applies_to_the_next_message(
    cli_bot: Bot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _import(tmp_path, SMALL.replace("{namn: Maria Chef, roll: chef", "{namn: Maria Chef, roll: admin"), capsys)
    assert "Ny roll: Maria Chef chef → admin." in out
    talk(cli_bot, "Maria Chef", ("målvärde arbetsmiljo 50 2022", "Registrerat #"))
    _import(tmp_path, SMALL.replace("{namn: Maria Chef, roll: chef", "{namn: Maria Chef, roll: personal"), capsys)
    talk(cli_bot, "Maria Chef", ("målvärde arbetsmiljo 60 2022", "kan bara administratörer"))


def test_an_admin_deactivates_someone_in_the_chat_and_can_give_access_back(bot: Bot) -> None:
    talk(bot, "Ola Götesson",
         ("inaktivera liselotte karlsson", "Liselotte Karlsson har inte längre tillgång till kubot"),
         ("inaktivera Liselotte Karlsson", "har redan ingen tillgång"))
    talk(bot, "Liselotte Karlsson", ("händelse missbruk: Försök", "känner inte igen dig"))
    talk(bot, "Ola Götesson", ("ångra", "ändrade en persons tillgång"),
         ("aktivera Liselotte", "Liselotte Karlsson har tillgång till kubot igen"))
    talk(bot, "Liselotte Karlsson", ("händelse missbruk: Nu går det", "Registrerat #"))


def test_only_an_admin_may_deactivate_and_nobody_themselves(bot: Bot) -> None:
    talk(bot, "Maria Chef", ("inaktivera Liselotte Karlsson", "kan bara administratörer"))
    talk(
        bot,
        "Ola Götesson",
        ("inaktivera Ola Götesson", "din egen tillgång"),
        ("inaktivera Nils", "Det finns ingen ”Nils”"),
        ("hjälp inaktivera", "Exempel:\n  inaktivera Liselotte Karlsson"),
    )
    assert console.say(bot, "Liselotte Karlsson", "vem").text.startswith("Du är Liselotte Karlsson")
