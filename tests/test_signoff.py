"""Parts of a report marked ready in chat by their owners, the report approved by a manager, and an
approved report built final — as (message, reply) pairs and by opening the Word file again."""

from __future__ import annotations

from pathlib import Path

import docx
from sqlalchemy import Engine

from kubot import db
from kubot.adapters import console
from kubot.chat.core import Bot
from kubot.models import Staff
from kubot.models.plan import Role
from tests.conftest import talk


def _staff_member(engine: Engine, name: str) -> None:
    with db.session_scope(engine) as session:
        session.add(Staff(name=name, role=Role.STAFF))


def test_an_owner_marks_their_part_ready_and_someone_else_is_refused(bot: Bot, small_plan_engine: Engine) -> None:
    _staff_member(small_plan_engine, "Nils Utanför")
    talk(bot, "Nils Utanför", ("klar sm1 T2 2022", "hör inte till dina områden eller ditt ansvar"),
         ("klar sm1 T2 2022", "Liselotte Karlsson, Maria Chef, Ola Götesson"))
    talk(bot, "Liselotte Karlsson",
         ("klar sm1 T2 2022", "Registrerat #"),
         ("klar sm1 T2 2022", "är redan klar (Liselotte Karlsson"),
         ("klar ekonomi T2 2022", "hör inte till dina områden"),
         ("rapportstatus T2 2022", "✓ SM1 "))
    status = console.render(console.say(bot, "Liselotte Karlsson", "rapportstatus T2 2022"))
    assert "○ Ekonomin: inte klar – Ola Götesson" in status
    assert "Inte godkänd än: 2 av 3 delar återstår." in status


def test_a_part_or_period_kubot_cannot_place_gets_the_list_and_an_example(bot: Bot) -> None:
    talk(bot, "Ola Götesson",
         ("klar sm9 T2 2022", "Rapporten har ingen del som heter ”sm9”. Delarna är: sm1, ekonomi, texter."),
         ("klar sm1", "Skriv vilken rapport det gäller"),
         ("klar T2 2022", "Skriv vilken del som är klar"))


def test_a_manager_approves_only_when_every_part_is_ready_unless_they_say_anyway(bot: Bot) -> None:
    talk(bot, "Liselotte Karlsson", ("godkänn rapport T2 2022", "kan bara"))
    talk(bot, "Maria Chef",
         ("godkänn rapport T2 2022", "kan inte godkännas än: 3 delar är inte klara"),
         ("klar sm1 T2 2022", "Kvar: 2 delar är inte klara"))
    talk(bot, "Ola Götesson",
         ("klar ekonomi T2 2022", "Kvar: 1 del är inte klar: Rapportens texter"),
         ("klar texter T2 2022", "Alla delar är klara; en chef kan nu skriva: godkänn rapport T2 2022"))
    talk(bot, "Maria Chef",
         ("godkänn rapport T2 2022", "Delårsrapport T2 2022 är godkänd"),
         ("godkänn rapport T2 2022", "är redan godkänd (Maria Chef"),
         ("rapportstatus T2 2022", "Godkänd av Maria Chef"))
    talk(
        bot,
        "Ola Götesson",
        ("godkänn rapport T3 2022 ändå", "Verksamhetsberättelse T3 2022 är godkänd (3 delar är inte klara"),
    )


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([header, *(p.text for p in document.paragraphs), *cells])


def test_an_approved_report_is_built_final_and_undoing_the_approval_makes_it_a_draft_again(bot: Bot) -> None:
    draft = console.say(bot, "Ola Götesson", "rapport T2 2022").files[0].path
    text = _text(draft)
    assert "UTKAST" in text and "Inte klart för godkännande – 3 delar är inte klara" in text
    approved = console.say(bot, "Ola Götesson", "godkänn rapport T2 2022 ändå")
    assert approved.accepted
    final = console.say(bot, "Ola Götesson", "rapport T2 2022").files[0].path
    text = _text(final)
    assert "UTKAST" not in text and "INTERNT" not in text
    assert "Godkänd av Ola Götesson" in text
    assert docx.Document(str(final)).core_properties.keywords == "slutlig"
    entry = approved.text.split("#", 1)[1].split(":", 1)[0]
    assert console.say(bot, "Ola Götesson", f"ångra {entry}").accepted
    again = console.say(bot, "Ola Götesson", "rapport T2 2022").files[0].path
    assert "UTKAST" in _text(again)


def test_a_manager_marks_every_remaining_part_at_once_and_one_undo_takes_it_back(bot: Bot) -> None:
    talk(bot, "Liselotte Karlsson", ("klar alla T2 2022", "hör inte till dina områden"))
    talk(bot, "Ola Götesson", ("klar sm1 T2 2022", "Registrerat #"))
    reply = console.say(bot, "Maria Chef", "klar alla T2 2022")
    assert reply.accepted and "Ekonomin, Rapportens texter" in reply.text and "SM1" not in reply.text.split("\n")[0]
    talk(bot, "Maria Chef", ("godkänn rapport T2 2022", "är godkänd"))
