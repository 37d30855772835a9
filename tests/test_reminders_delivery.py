"""Delivery is true: a reminder counts as delivered only when a chat platform accepted it, a person
linked to Slack or Teams is reached there or not at all, and whoever cannot be reached is named to the
administrators in one message per run, with why and what to do.

The worker is driven as an administrator runs it: `kubot worker --once` with the environment set."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, delete, update
from sqlmodel import Session, col, select

from kubot import cli, db
from kubot.adapters import outbox
from kubot.models import ChatIdentity, Dispatch, OutboxMessage, Staff
from tests.slack.fake_slack import FakeSlack
from tests.test_reminders_exactly_once import ESCALATION_DAY

RUN = f"{ESCALATION_DAY.isoformat()}T08:30"  # two reminders, two escalations and the head's summary are due
TEAMS = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"


def worker(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], database_url: str,
           at: str = RUN, **env: str) -> tuple[int, str, str]:
    """`kubot worker --once --at AT` with DATABASE_URL and `env` set: exit code, stdout, stderr."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL", "KUBOT_PLATFORMS_OFF",
                 f"{TEAMS}CLIENTID", f"{TEAMS}CLIENTSECRET", f"{TEAMS}TENANTID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = cli.main(["worker", "--once", "--at", at])
    said = capsys.readouterr()
    return code, said.out, said.err


def link(engine: Engine, name: str, platform: str, external_id: str) -> None:
    with db.session_scope(engine) as session:
        person = session.exec(select(Staff).where(Staff.name == name)).one()
        session.add(ChatIdentity(staff_id=person.id or 0, platform=platform, external_id=external_id))


def ledger(engine: Engine) -> list[Dispatch]:
    with Session(engine) as session:
        return list(session.exec(select(Dispatch).order_by(col(Dispatch.id))))


def test_the_worker_refuses_to_start_when_people_are_linked_to_slack_but_its_token_is_missing(
        t2: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = worker(monkeypatch, capsys, database_url)  # Liselotte is U0LISE in Slack (the plan)
    assert code == 2
    assert err.startswith("kubot worker startar inte. Påminnelserna skickas inte: 1 person är kopplad till Slack "
                          "(Liselotte Karlsson), men SLACK_BOT_TOKEN är inte satt.")
    assert "stäng av Slack med avsikt: KUBOT_PLATFORMS_OFF=slack" in err
    assert ledger(t2) == [] and "levererade" not in out, "nothing was claimed, so nothing is lost"


def test_the_worker_refuses_to_start_when_people_are_linked_to_teams_without_the_bot_registration(
        t2: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        slack: FakeSlack) -> None:
    link(t2, "Maria Chef", "teams", "29:1maria")
    code, _, err = worker(monkeypatch, capsys, database_url, SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=slack.url,
                          **{f"{TEAMS}TENANTID": "00000000-0000-0000-0000-000000000000"})
    assert code == 2
    assert (f"1 person är kopplad till Teams (Maria Chef), men {TEAMS}CLIENTID och {TEAMS}CLIENTSECRET är inte satt. "
            "Sätt dem, eller stäng av Teams med avsikt: KUBOT_PLATFORMS_OFF=teams.") in err
    assert "Slack" not in err, "Slack is set up, so only Teams is named"
    assert ledger(t2) == [] and slack.of("chat.postMessage") == []


def test_a_platform_switched_off_on_purpose_lets_the_worker_run_and_the_admin_hears_who_was_not_reached(
        t2: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = worker(monkeypatch, capsys, database_url, KUBOT_PLATFORMS_OFF="slack")
    assert code == 0
    # No platform is on, so the console outbox is the mailbox: Ola's three, Maria's one and Ola's list.
    assert (
        "5 aktuella, 5 nya, 0 levererade, 5 i konsolens utkorg (ingen chattplattform är inställd; läs dem med kubot"
        " outbox), 1 person nåddes inte (Liselotte Karlsson: Slack är avstängt med avsikt (KUBOT_PLATFORMS_OFF));"
        " administratörerna har fått en lista."
        in out
    )
    with Session(t2) as session:
        boxes = {m.key: m for m in outbox.messages(session)}
    assert not any(m.address == "Liselotte Karlsson" for m in boxes.values()), "linked to Slack: there or not at all"
    [notice] = [m for m in boxes.values() if "kunde inte nås" in m.text]
    assert notice.address == "Ola Götesson"
    assert ("\n\n1 person kunde inte nås, så hen har inte fått sina meddelanden från kubot:\n"
            "• Liselotte Karlsson (påminnelse): Slack är avstängt med avsikt (KUBOT_PLATFORMS_OFF).\n"
            "    Gör så här: ta bort slack ur KUBOT_PLATFORMS_OFF och sätt Slacks uppgifter.\n") in notice.text
    [held] = [d for d in ledger(t2) if d.kind == "påminnelse" and d.delivered_at is None]
    assert "avstängt" in held.problem


def test_people_slack_cannot_reach_are_listed_to_the_admin_in_one_slack_message_with_why_and_what_to_do(
        t2: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        slack: FakeSlack) -> None:
    link(t2, "Ola Götesson", "slack", "U0OLA")
    with db.session_scope(t2) as session:  # Liselotte not linked yet, but her e-mail is in the plan; Maria has none
        session.exec(delete(ChatIdentity).where(col(ChatIdentity.external_id) == "U0LISE"))
        session.exec(update(Staff).where(col(Staff.name) == "Liselotte Karlsson").values(email="liselotte@example.se"))
    env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": slack.url}
    code, out, _ = worker(monkeypatch, capsys, database_url, **env)
    assert code == 0
    assert ("5 aktuella, 5 nya, 4 levererade, 2 personer nåddes inte (Liselotte Karlsson: inte kopplad i Slack "
            "(har inte skrivit till kubot där); Maria Chef: har ingen e-post i planen, så varken Slack eller Teams kan "
            "känna igen hen); administratörerna har fått en lista.") in out
    [posted] = slack.of("chat.postMessage")
    assert posted.params["channel"] == "U0OLA", "Ola's reminder, summaries and the list in one message"
    notice = posted.params["text"]
    assert (
        "\n".join(
            [
                "2 personer kunde inte nås, så de har inte fått sina meddelanden från kubot:",
                "• Liselotte Karlsson (påminnelse): inte kopplad i Slack (har inte skrivit till kubot där).",
                (
                    "    Gör så här: be hen skriva till kubot i Slack en gång (då känns hen igen på e-postadressen i"
                    " planen), eller koppla hen med ”koppla @användare Namn”."
                ),
                (
                    "• Maria Chef (chefens sammanställning): har ingen e-post i planen, så varken Slack eller Teams kan"
                    " känna igen hen."
                ),
                (
                    "    Gör så här: lägg till e-post: för hen i planen (kubot plan export, skriv in e-post:, kubot"
                    " plan import) eller koppla hen med ”koppla @användare Namn”."
                ),
            ]
        )
        in notice
    )
    with Session(t2) as session:
        assert session.exec(select(OutboxMessage)).all() == [], "with Slack on, nothing goes to the console outbox"
    code, out, _ = worker(monkeypatch, capsys, database_url, at=f"{ESCALATION_DAY.isoformat()}T09:00", **env)
    assert code == 0 and "0 nya, 0 levererade." in out
    assert len(slack.of("chat.postMessage")) == 1, "the list is not sent again"


def test_a_message_slack_refuses_is_not_counted_delivered_and_goes_out_on_the_next_run(
        t2: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        slack: FakeSlack) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": slack.url, "KUBOT_PLATFORMS_OFF": ""}
    with db.session_scope(t2) as session:  # only Liselotte's reminder is due on the first reminder day
        session.exec(update(Staff).where(col(Staff.name) != "Liselotte Karlsson").values(active=False))
    slack.outside.add("U0LISE")
    code, out, _ = worker(monkeypatch, capsys, database_url, at="2023-09-01T08:30", **env)
    assert (
        code == 0
        and "1 aktuella, 1 nya, 0 levererade, 1 tog plattformen inte emot (försöks igen vid nästa körning)" in out
    )
    assert [d.delivered_at for d in ledger(t2)] == [None]
    slack.outside.clear()
    code, out, _ = worker(monkeypatch, capsys, database_url, at="2023-09-01T09:00", **env)
    assert code == 0 and "1 aktuella, 0 nya, 1 levererade." in out
    assert [c.params["channel"] for c in slack.of("chat.postMessage")] == [
        "U0LISE",
        "U0LISE",
    ], "refused once, then taken"


def test_kubot_outbox_says_it_is_the_mailbox_only_without_a_chat_platform(
        t2: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", f"{TEAMS}CLIENTID", f"{TEAMS}CLIENTSECRET"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["outbox"]) == 0
    assert capsys.readouterr().out.startswith(
        "Konsolens utkorg: här hamnar kubots meddelanden eftersom ingen chattplattform (Slack, Teams) är inställd.")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    assert cli.main(["outbox"]) == 0
    assert capsys.readouterr().out.startswith("Konsolens utkorg används inte: kubot skickar sina meddelanden i Slack.")


def test_kubot_reminders_refuses_to_send_too_when_a_linked_platform_is_not_set_up(
        t2: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "KUBOT_PLATFORMS_OFF"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["reminders"]) == 2
    assert "SLACK_BOT_TOKEN är inte satt" in capsys.readouterr().err
    assert cli.main(["reminders", "--dry-run"]) == 0, "a dry run sends nothing, so it needs no platform"
