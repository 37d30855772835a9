"""kubot in Slack, seen from Slack: signed requests in, Web API calls out, and what people see."""

from __future__ import annotations

import json
import logging
import time
import urllib.request
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from kubot import db
from kubot.adapters import compose
from kubot.models import ChatIdentity, Entry, Inbound, Staff
from kubot.settings import Settings
from kubot.slack.app import SlackApp
from tests.conftest import NOW
from tests.slack.conftest import Kubot
from tests.slack.fake_slack import FakeSlack

LISE = "U0LISE"  # Liselotte Karlsson's Slack id in the small plan
MARIA = "U0MARIA"  # Maria Chef, known to Slack by her e-mail address
ENTRY = "närvaro PKS 2022-03-10 3 av 3"


def entries(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Entry)).one() - 1  # the plan import's entry


def inbox(engine: Engine) -> int:
    """Requests acknowledged and still waiting for their answer."""
    with Session(engine) as session:
        return len(session.exec(select(Inbound).where(col(Inbound.payload).is_not(None))).all())


def test_forged_missing_and_stale_signatures_get_401_before_anything_runs(
    kubot: Kubot, small_plan_engine: Engine
) -> None:
    body = urlencode({"command": "/kubot", "text": ENTRY, "user_id": LISE, "trigger_id": "t.1",
                      "response_url": f"{kubot.fake.url}response/1"}).encode()
    kind = "application/x-www-form-urlencoded"
    forged = kubot.post(body, kind, {"X-Slack-Signature": "v0=" + "0" * 64})
    missing = kubot.post(body, kind, sign=False)
    stale = kubot.post(body, kind, timestamp=time.time() - 6 * 60)
    assert [forged.status, missing.status, stale.status] == [401, 401, 401]
    time.sleep(0.3)
    assert kubot.fake.calls == [] and entries(small_plan_engine) == 0
    with Session(small_plan_engine) as session:
        assert session.exec(select(Inbound)).all() == []


def test_a_slash_command_is_acknowledged_and_answered_privately_where_it_was_asked(
    kubot: Kubot, small_plan_engine: Engine
) -> None:
    answer = kubot.command(LISE, ENTRY, channel="C0ALLMAN")
    assert answer.status == 200
    [response] = kubot.fake.wait_for("response/1")
    assert response.params["response_type"] == "ephemeral"
    assert "Registrerat" in response.params["text"] and "PKS 2022-03-10: närvaro 3 av 3" in response.params["text"]
    assert entries(small_plan_engine) == 1
    [home] = kubot.fake.wait_for("views.publish")
    assert home.params["user_id"] == LISE and "PKS 2022-03-10" in json.dumps(home.params["view"], ensure_ascii=False)


def test_a_direct_message_is_answered_in_the_conversation(kubot: Kubot) -> None:
    kubot.dm(LISE, "vem")
    [reply] = kubot.fake.wait_for("chat.postMessage")
    assert reply.params["channel"] == "D0DM" and "Du är Liselotte Karlsson" in reply.params["text"]


def test_a_retried_event_is_processed_once_and_answered_200(kubot: Kubot, small_plan_engine: Engine) -> None:
    first = kubot.dm(LISE, ENTRY, event_id="Ev42")
    kubot.fake.wait_for("chat.postMessage")
    again = kubot.dm(LISE, ENTRY, event_id="Ev42", retry=1)
    assert first.status == again.status == 200
    time.sleep(0.5)
    assert len(kubot.fake.of("chat.postMessage")) == 1 and entries(small_plan_engine) == 1


def test_a_button_pressed_again_runs_once_and_is_answered_that_it_is_done(kubot: Kubot,
                                                                           small_plan_engine: Engine) -> None:
    first = kubot.click(LISE, ENTRY, "kubot-kommando-0", "1700000000.000300")
    [done] = kubot.fake.wait_for("chat.postMessage")
    again = kubot.click(LISE, ENTRY, "kubot-kommando-0", "1700000000.000300")
    said = [c.params["text"] for c in kubot.fake.wait_for("chat.postMessage", 2)]
    assert first.status == again.status == 200
    assert "PKS 2022-03-10: närvaro 3 av 3" in done.params["text"]
    assert said[1] == "Det är redan gjort: du har tryckt på den knappen förut, så jag gör inget en gång till."
    assert entries(small_plan_engine) == 1


def test_a_colleague_pressing_the_same_button_in_a_channel_is_answered_for_themself(kubot: Kubot,
                                                                                    small_plan_engine: Engine) -> None:
    with db.session_scope(small_plan_engine) as session:
        ola = session.exec(select(Staff).where(Staff.name == "Ola Götesson")).one()
        session.add(ChatIdentity(staff_id=ola.id or 0, platform="slack", external_id="U0OLA"))
    for user in (LISE, "U0OLA"):
        kubot.click(user, "vem", "kubot-kommando-1", "1700000000.000400", channel="C0KANAL")
    answers = kubot.fake.wait_for("chat.postEphemeral", 2)
    names = {"U0LISE": "Liselotte Karlsson", "U0OLA": "Ola Götesson"}
    assert sorted(a.params["user"] for a in answers) == ["U0LISE", "U0OLA"]
    assert all(a.params["text"].startswith(f"Du är {names[a.params['user']]}") for a in answers)


def test_a_mention_in_a_channel_is_answered_to_the_asker_alone(kubot: Kubot) -> None:
    kubot.event(
        {"type": "app_mention", "channel": "C0ALLMAN", "user": LISE, "text": "<@UKUBOT> vem", "ts": "1700000002.1"}
    )
    [reply] = kubot.fake.wait_for("chat.postEphemeral")
    assert (
        reply.params["channel"] == "C0ALLMAN"
        and reply.params["user"] == LISE
        and "Du är Liselotte Karlsson" in reply.params["text"]
    )


def test_someone_not_in_the_plan_is_told_whom_to_ask(kubot: Kubot, small_plan_engine: Engine) -> None:
    kubot.fake.emails["U0OKAND"] = "okand@example.se"
    kubot.dm("U0OKAND", ENTRY)
    [reply] = kubot.fake.wait_for("chat.postMessage")
    assert "känner inte igen dig" in reply.params["text"] and "Ola Götesson" in reply.params["text"]
    assert entries(small_plan_engine) == 0


def test_a_slack_user_is_recognised_by_their_email_and_remembered(kubot: Kubot, small_plan_engine: Engine) -> None:
    kubot.fake.emails[MARIA] = "Maria.Chef@example.se"
    kubot.dm(MARIA, "vem")
    kubot.fake.wait_for("chat.postMessage")
    kubot.dm(MARIA, "vem")
    replies = kubot.fake.wait_for("chat.postMessage", 2)
    assert all("Du är Maria Chef" in r.params["text"] for r in replies)
    assert len(kubot.fake.of("users.info")) == 1, "the match is remembered"
    with Session(small_plan_engine) as session:
        assert session.exec(select(ChatIdentity.platform).where(ChatIdentity.external_id == MARIA)).all() == ["slack"]


def test_an_admin_links_a_slack_user_by_hand(kubot: Kubot) -> None:
    kubot.fake.emails[MARIA] = "maria.chef@example.se"
    kubot.dm(MARIA, "koppla <@U0NYA|nya> Ola Götesson")
    [refused] = kubot.fake.wait_for("chat.postMessage")
    assert "bara administratörer" in refused.params["text"]


def test_text_that_looks_like_markup_is_shown_as_written(kubot: Kubot) -> None:
    kubot.dm(LISE, "hjälp &lt;närvaro&gt; *fet*")
    [reply] = kubot.fake.wait_for("chat.postMessage")
    text = reply.params["text"]
    assert "<" not in text.replace("&lt;", "") and ">" not in text.replace("&gt;", "")
    assert all(block["text"]["type"] == "plain_text" for block in reply.params["blocks"] if block["type"] == "section")


def test_the_health_check_answers(kubot: Kubot) -> None:
    with urllib.request.urlopen(kubot.url + "/healthz", timeout=5) as response:
        assert response.status == 200 and response.read() == b"ok"


def test_the_home_tab_shows_what_i_owe_and_lets_a_manager_see_the_organisation(kubot: Kubot, fake: FakeSlack) -> None:
    fake.emails[MARIA] = "maria.chef@example.se"
    kubot.event({"type": "app_home_opened", "user": MARIA, "channel": "D0MARIA", "tab": "home"})
    [home] = fake.wait_for("views.publish")
    shown = json.dumps(home.params["view"], ensure_ascii=False)
    assert "Hej Maria!" in shown and "Läget per strategiskt mål" in shown and "Beställ rapport" in shown


def test_requests_acknowledged_before_a_crash_are_handled_once_after_the_restart(
    kubot: Kubot, small_plan_engine: Engine
) -> None:
    kubot.dm(LISE, ENTRY, event_id="Ev7")
    kubot.fake.wait_for("chat.postMessage")
    deadline = time.monotonic() + 10
    while inbox(small_plan_engine) and time.monotonic() < deadline:
        time.sleep(0.02)  # handled, and its inbox row about to go
    with db.session_scope(small_plan_engine) as session:
        # What a process killed after the acknowledgements leaves: one request it had handled (but perhaps
        # not answered), one it had not; its claims on them have run out.
        handled = session.exec(select(Inbound).where(Inbound.message_id == "händelse:Ev7")).one()
        handled.payload = {"user": LISE, "text": ENTRY, "channel": "D0DM", "message_id": "händelse:Ev7"}
        handled.claimed_by, handled.claimed_until = "dead:1", NOW - timedelta(minutes=1)
        session.add(handled)
        session.add(
            Inbound(
                platform="slack",
                message_id="händelse:Ev8",
                claimed_by="dead:1",
                claimed_until=NOW - timedelta(minutes=1),
                payload={
                    "user": LISE,
                    "text": "närvaro PKS 2022-04-07 2 av 3",
                    "channel": "D0DM",
                    "message_id": "händelse:Ev8",
                },
            )
        )
    assert kubot.app.recover() == 2
    answers = [c.params["text"] for c in kubot.fake.wait_for("chat.postMessage", 3)]
    assert answers[1] == answers[0], "the handled one is answered again, from what was stored, and not stored twice"
    assert "PKS 2022-04-07: närvaro 2 av 3" in answers[2]
    assert entries(small_plan_engine) == 2 and inbox(small_plan_engine) == 0


def test_an_admin_links_a_slack_user_by_mentioning_them(kubot: Kubot, small_plan_engine: Engine) -> None:
    with db.session_scope(small_plan_engine) as session:
        ola = session.exec(select(Staff).where(Staff.name == "Ola Götesson")).one()
        session.add(ChatIdentity(staff_id=ola.id or 0, platform="slack", external_id="U0OLA"))
    kubot.dm("U0OLA", "koppla <@U0NYA|maria> maria chef")
    [linked] = kubot.fake.wait_for("chat.postMessage")
    assert (
        linked.params["text"] == "Kopplat: Slack-användaren maria är nu Maria Chef i kubot."
    ), "named as Slack names them"
    kubot.dm("U0NYA", "vem")
    assert "Du är Maria Chef" in kubot.fake.wait_for("chat.postMessage", 2)[1].params["text"]


def test_a_normal_start_logs_no_warning(
    small_plan_engine: Engine,
    slack_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # bolt reads it itself, as in production
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack_settings.slack_bot_token or "")
    with caplog.at_level(logging.INFO):
        SlackApp(small_plan_engine, slack_settings, compose.sender(slack_settings, small_plan_engine)).close()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], [r.getMessage() for r in caplog.records]
