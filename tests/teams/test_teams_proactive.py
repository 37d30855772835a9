"""kubot writing first in Teams: conversation references, matching people, reminders and slow results."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from kubot import db
from kubot.adapters import compose
from kubot.chat.core import Bot
from kubot.models import Attendance, ChatIdentity, Dispatch, Inbound, Staff
from kubot.reminders import delivery
from kubot.settings import Settings
from kubot.teams import people
from tests.conftest import NOW, at
from tests.teams.conftest import BOT, LISELOTTE, OLA, TENANT, Teams, link, seen
from tests.teams.connector import FakeConnector

TEAMS = Settings(teams_anonymous=True)


def test_a_first_message_stores_where_kubot_may_write_to_the_person(teams: Teams, small_plan_engine: Engine) -> None:
    assert people.reference(small_plan_engine, person=LISELOTTE) is None
    teams.say("vem")
    stored = people.reference(small_plan_engine, person=LISELOTTE)
    assert stored is not None
    assert stored["conversation"]["id"] == f"a:personal-{LISELOTTE}" and stored["serviceUrl"] == teams.connector.url


def _installed(teams: Teams, how: str = "installationUpdate", **kw: Any) -> dict[str, Any]:
    """The activity Teams sends when a person adds the app in their personal scope."""
    body = teams.activity(None, **kw)
    if how == "installationUpdate":
        body.update(type="installationUpdate", action="add")
    else:
        body.update(type="conversationUpdate", membersAdded=[{"id": BOT["id"]}])
    return body


def test_installing_the_app_stores_the_reference_and_greets_the_person_by_name(teams: Teams,
                                                                              small_plan_engine: Engine) -> None:
    assert teams.send(_installed(teams))[0] in (200, 202)
    [hello] = teams.connector.sent()
    assert hello["text"].startswith("Hej Liselotte! Jag är kubot") and "Skriv ”hjälp”" in hello["text"]
    assert people.reference(small_plan_engine, person=LISELOTTE) is not None


def test_teams_announcing_an_install_twice_gets_one_greeting(teams: Teams) -> None:
    for how in ("installationUpdate", "conversationUpdate"):
        assert teams.send(_installed(teams, how))[0] in (200, 202)
    assert len(teams.connector.sent()) == 1


def test_an_installer_kubot_does_not_know_is_matched_by_email_so_reminders_reach_them_first(
        teams: Teams, small_plan_engine: Engine) -> None:
    with db.session_scope(small_plan_engine) as session:
        maria = session.exec(select(Staff).where(Staff.name == "Maria Chef")).one()
        maria.email = "maria.chef@rjl.se"
        session.add(maria)
    newcomer = "29:1newmaria"
    teams.connector.roster[newcomer] = {"id": newcomer, "name": "Maria Chef", "userPrincipalName": "Maria.Chef@rjl.se",
                                        "tenantId": TENANT}
    assert teams.send(_installed(teams, "conversationUpdate", sender=newcomer, name="Maria Chef"))[0] in (200, 202)
    [hello] = teams.connector.sent()
    assert hello["text"].startswith("Hej Maria!")
    with Session(small_plan_engine) as session:
        identity = session.exec(select(ChatIdentity).where(ChatIdentity.external_id == newcomer)).one()
        assert identity.staff_id == maria.id
    assert people.reference(small_plan_engine, person=newcomer) is not None, "kubot may write to her before she writes"


def test_an_unknown_installer_is_greeted_by_their_real_name_never_by_their_id(teams: Teams) -> None:
    stranger = "29:1AnnaNykvistXyZ"
    body = _installed(teams, sender=stranger, name="Anna Nykvist")
    assert teams.send(body)[0] in (200, 202)
    [hello] = teams.connector.sent()
    assert (
        hello["text"].startswith("Hej Anna!") and "29:" not in hello["text"] and "AnnaNykvistXyZ" not in hello["text"]
    )


def test_an_installer_teams_sends_without_a_name_is_named_from_the_roster(teams: Teams) -> None:
    stranger = "29:1AnnaNykvistXyZ"
    teams.connector.roster[stranger] = {"id": stranger, "name": "Anna Nykvist", "email": "anna@example.org"}
    body = _installed(teams, sender=stranger)
    del body["from"]["name"]
    assert teams.send(body)[0] in (200, 202)
    [hello] = teams.connector.sent()
    assert hello["text"].startswith("Hej Anna!") and "29:" not in hello["text"]


def test_a_new_teams_user_is_matched_by_the_email_in_the_roster_and_remembered(teams: Teams,
                                                                                small_plan_engine: Engine) -> None:
    with db.session_scope(small_plan_engine) as session:
        maria = session.exec(select(Staff).where(Staff.name == "Maria Chef")).one()
        maria.email = "Maria.Chef@rjl.se"
        session.add(maria)
    newcomer = "29:1newmaria"
    teams.connector.roster[newcomer] = {"id": newcomer, "name": "Maria Chef", "aadObjectId": "aad-m",
                                        "email": "maria.chef@rjl.se", "userPrincipalName": "maria.chef@rjl.se",
                                        "tenantId": TENANT}
    [answer] = teams.say("vem", sender=newcomer, name="Maria Chef")
    assert "Maria Chef" in answer and "känner inte igen" not in answer
    with Session(small_plan_engine) as session:
        identity = session.exec(select(ChatIdentity).where(ChatIdentity.external_id == newcomer)).one()
        assert identity.platform == "teams" and identity.staff_id == maria.id
    roster_calls = [c for c in teams.connector.calls if "/members/" in c.path]
    teams.say("vem", sender=newcomer, name="Maria Chef")
    assert [c for c in teams.connector.calls if "/members/" in c.path] == roster_calls, "asked once, then remembered"


def test_a_teams_user_not_in_the_roster_by_a_known_address_stays_a_stranger(teams: Teams) -> None:
    teams.connector.roster["29:1other"] = {"id": "29:1other", "name": "Annan", "email": "annan@example.org"}
    [answer] = teams.say("vem", sender="29:1other", name="Annan")
    assert answer.startswith("Hej Annan! Jag känner inte igen dig")


def test_a_retried_activity_with_the_same_id_is_processed_once(teams: Teams, small_plan_engine: Engine) -> None:
    body = teams.activity("närvaro PKS 2022-11-21 3 av 3")
    assert teams.send(body)[0] == 202
    assert teams.send(body)[0] == 202, "Teams retries when it did not get the answer in time"
    with Session(small_plan_engine) as session:
        assert len(session.exec(select(Attendance)).all()) == 1
        # The same inbound ledger as Slack's: one row for the activity, handled, with the answer a retry gets.
        [row] = session.exec(select(Inbound).where(Inbound.platform == "teams")).all()
    [reply] = teams.connector.sent()
    assert reply["text"].startswith("Registrerat #")
    assert row.message_id == body["id"] and row.handled_at is not None and row.reply == reply["text"]
    assert row.payload is None, "nothing is left waiting to be handled again"


@pytest.fixture
def reminded(t2: Engine, connector: FakeConnector, tmp_path: Path) -> Iterator[tuple[Engine, Teams]]:
    """The reminder plan with Ola and Liselotte in Teams; only Ola has written to kubot there."""
    link(t2, "Ola Götesson", OLA)
    link(t2, "Liselotte Karlsson", LISELOTTE)
    teams = Teams(Bot(t2, TEAMS, clock=lambda: at(date(2023, 8, 31), time(10, 0))), connector)
    teams.say("vem", sender=OLA, name="Ola Götesson")
    connector.clear()
    yield t2, teams
    teams.stop()


def test_a_reminder_reaches_a_teams_user_with_a_reference_as_a_proactive_message_with_buttons(
        reminded: tuple[Engine, Teams]) -> None:
    engine, teams = reminded
    delivery.send_due(engine, TEAMS, compose.sender(TEAMS, engine), now=at(date(2023, 9, 1)))
    to_ola = teams.connector.sent(f"a:personal-{OLA}")
    reminder = next(a for a in to_ola if "T2 2023" in a["text"] and a.get("attachments"))
    buttons = [(b["title"], b["data"]["command"]) for b in reminder["attachments"][0]["content"]["actions"]]
    assert buttons == [
        ("rapportera", "saknas T2 2023"),
        ("påminn mig imorgon", "påminn imorgon T2 2023"),
        ("inte min uppgift", "inte-min-uppgift T2 2023"),
        ("se vem som nås var", "kontroll"),
    ], "with the list of who was not reached (Liselotte), in one message"
    status, _ = teams.submit(
        {"command": "påminn imorgon T2 2023"}, verb="kubot.command", sender=OLA, name="Ola Götesson"
    )
    assert status == 200
    assert teams.connector.sent(f"a:personal-{OLA}")[-1]["text"].startswith(
        "Okej, jag påminner dig om rapporten för T2 2023"
    )


def test_a_teams_user_without_a_reference_is_listed_to_the_admin_with_what_to_do(
    reminded: tuple[Engine, Teams],
) -> None:
    engine, teams = reminded
    delivery.send_due(engine, TEAMS, compose.sender(TEAMS, engine), now=at(date(2023, 9, 1)))
    assert teams.connector.sent(f"a:personal-{LISELOTTE}") == []
    [notice] = [seen(a) for a in teams.connector.sent(f"a:personal-{OLA}") if "Liselotte Karlsson" in seen(a)]
    assert (
        "\n\n1 person kunde inte nås, så hen har inte fått sina meddelanden från kubot:\n" in notice
    ), "with his reminder"
    assert (
        "• Liselotte Karlsson (påminnelse): har aldrig skrivit till kubot i Teams, och först då får kubot skriva till"
        " hen."
        in notice
        and "Gör så här: be hen öppna kubot i Teams och skriva ”hej”." in notice
    )


def test_a_worker_pass_reaches_each_teams_user_exactly_once(reminded: tuple[Engine, Teams]) -> None:
    engine, teams = reminded
    for moment in (at(date(2023, 9, 1)), at(date(2023, 9, 1), time(15, 0))):
        delivery.send_due(engine, TEAMS, compose.sender(TEAMS, engine), now=moment)
    to_ola = [a for a in teams.connector.sent(f"a:personal-{OLA}") if a.get("attachments")]
    assert len(to_ola) == 1 and "kunde inte nås" in seen(
        to_ola[0]
    ), "his reminder and the list of who was not reached, once"
    with Session(engine) as session:
        ola = session.exec(select(Dispatch).where(Dispatch.kind == "påminnelse", Dispatch.platform == "teams")).one()
    assert ola.address == OLA and ola.delivered_at is not None


def test_a_slow_report_is_acknowledged_at_once_and_delivered_by_consent_in_the_same_chat(
        small_plan_engine: Engine, connector: FakeConnector, tmp_path: Path) -> None:
    link(small_plan_engine, "Maria Chef", "29:1maria")
    settings = Settings(teams_anonymous=True, report_dir=tmp_path / "rapporter")
    bot = Bot(small_plan_engine, settings, clock=lambda: NOW, sender=compose.sender(settings, small_plan_engine))
    teams = Teams(bot, connector)
    try:
        [ack] = teams.say("rapport T3 2022", sender="29:1maria", name="Maria Chef")
        bot.close()  # waits for the report being built in the background
    finally:
        teams.stop()
    assert ack == "Jag bygger rapporten, den kommer här om en stund."
    later = connector.sent("a:personal-29:1maria")[1:]
    assert later[0]["text"].startswith("Rapporten byggs … klar: Verksamhetsberättelse")
    assert later[1]["attachments"][0]["contentType"] == "application/vnd.microsoft.teams.card.file.consent"


def test_a_report_ordered_in_teams_is_built_once_and_not_while_teams_waits_for_the_answer(
        small_plan_engine: Engine, connector: FakeConnector, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kubot.report import build

    builds: list[str] = []
    real = build.build

    def counted(*args: Any, **kwargs: Any) -> Any:
        builds.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "build", counted)
    link(small_plan_engine, "Maria Chef", "29:1maria")
    settings = Settings(teams_anonymous=True, report_dir=tmp_path / "rapporter")
    bot = Bot(small_plan_engine, settings, clock=lambda: NOW, sender=compose.sender(settings, small_plan_engine))
    teams = Teams(bot, connector)
    try:
        [ack] = teams.say("rapport T3 2022", sender="29:1maria", name="Maria Chef")
        bot.close()
    finally:
        teams.stop()
    assert ack == "Jag bygger rapporten, den kommer här om en stund."
    assert len(builds) == 1, "one request, one report built"
    assert builds[0].startswith("kubot-jobb"), "built by kubot's job worker, not in the turn Teams waits on"
    consents = [
        a
        for a in connector.sent("a:personal-29:1maria")
        if a.get("attachments")
        and a["attachments"][0]["contentType"] == "application/vnd.microsoft.teams.card.file.consent"
    ]
    assert len(consents) == 1
