"""Talking to kubot in Teams: personal chat, @mentions in channels, and the core behind both."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, text

from tests.teams.conftest import BOT, LISELOTTE, OLA, TENANT, Teams


def test_help_in_personal_chat_is_answered_in_plain_swedish(teams: Teams) -> None:
    [answer] = teams.say("hjälp")
    assert "närvaro" in answer and "resultat" in answer
    [reply] = teams.connector.sent()
    assert reply["textFormat"] == "plain"
    assert reply["conversation"]["id"] == f"a:personal-{LISELOTTE}"


CHANNEL = {"conversationType": "channel", "isGroup": True, "tenantId": TENANT,
           "id": "19:kommunal-utveckling@thread.tacv2;messageid=1700000000999"}
MENTION = {"type": "mention", "text": "<at>kubot</at>", "mentioned": BOT}


def test_a_mention_in_a_channel_is_stripped_and_answered_in_the_thread(teams: Teams) -> None:
    body = teams.activity(
        "<at>kubot</at> närvaro PKS 2022-11-21 3 av 3",
        conversation=CHANNEL,
        entities=[MENTION],
        channelData={
            "tenant": {"id": TENANT},
            "teamsChannelId": "19:kommunal-utveckling@thread.tacv2",
            "teamsTeamId": "19:team@thread.tacv2",
        },
    )
    assert teams.send(body)[0] == 202
    [call] = [c for c in teams.connector.calls if "/activities" in c.path]
    assert (
        call.path == f"/v3/conversations/{CHANNEL['id']}/activities/{body['id']}"
    ), "a reply to the message, in its thread"
    assert call.body["text"].startswith("Registrerat #") and "PKS" in call.body["text"]


def test_a_mention_with_nothing_after_it_asks_for_a_command(teams: Teams) -> None:
    [answer] = teams.say("<at>kubot</at>", conversation=CHANNEL, entities=[MENTION])
    assert answer == "Skriv ett kommando, till exempel ”hjälp” för att se vad jag kan."


def test_a_rejected_entry_comes_back_with_a_correct_example_and_stores_nothing(teams: Teams) -> None:
    [answer] = teams.say("närvaro PKS 2022-11-21 12 av 13")
    assert answer.startswith("PKS har 3 inbjudna, inte 13. Skriv t.ex. ”3 av 3”.")
    assert "närvaro PKS 2022-03-10 12 av 13" in answer
    [undo] = teams.say("ångra")
    assert undo == "Du har inget registrerat som går att ångra."


def test_a_teams_user_kubot_does_not_know_is_told_whom_to_ask(teams: Teams) -> None:
    [answer] = teams.say("hjälp", sender="29:1stranger", name="Okänd Person")
    assert answer.startswith("Hej Okänd! Jag känner inte igen dig") and "Ola Götesson" in answer and "29:" not in answer


def test_reply_buttons_are_card_actions_that_run_their_command(teams: Teams) -> None:
    [_registered] = teams.say("närvaro PKS 2022-11-21 3 av 3")
    status, answer = teams.submit({"command": "ångra"}, verb="kubot.command")
    assert status == 200 and answer["statusCode"] == 200
    assert teams.connector.sent()[-1]["text"].startswith("Ångrat #")


def test_one_conversation_waiting_on_the_database_does_not_hold_up_another(
    teams: Teams, small_plan_engine: Engine
) -> None:
    if small_plan_engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time; the point is that the event loop is not the bottleneck")
    results: list[tuple[int, object]] = []
    with small_plan_engine.connect() as blocker:
        blocker.execute(text("LOCK TABLE attendance IN EXCLUSIVE MODE"))
        waiting = threading.Thread(
            target=lambda: results.append(teams.send(teams.activity("närvaro PKS 2022-11-21 3 av 3")))
        )
        waiting.start()
        for _ in range(600):  # until Liselotte's entry waits for the lock (bounded)
            if blocker.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar():
                break
            waiting.join(timeout=0.05)
        [answer] = teams.say("hjälp", sender=OLA, name="Ola Götesson")
        assert "närvaro" in answer, "Ola is answered while Liselotte's message waits"
        assert waiting.is_alive() and results == []
        blocker.rollback()
    waiting.join(timeout=120)
    assert results and results[0][0] == 202
    assert teams.connector.sent(f"a:personal-{LISELOTTE}")[-1]["text"].startswith("Registrerat #")


def test_an_admin_links_a_teams_user_by_mentioning_them(teams: Teams) -> None:
    newcomer = {"id": "29:1anna", "name": "Anna Nykvist"}
    body = teams.activity("<at>kubot</at> koppla <at>Anna Nykvist</at> Maria Chef", sender=OLA, name="Ola Götesson",
                          conversation=CHANNEL, entities=[MENTION, {"type": "mention", "text": "<at>Anna Nykvist</at>",
                                                                    "mentioned": newcomer}])
    assert teams.send(body)[0] == 202
    assert teams.connector.sent()[-1]["text"] == "Kopplat: Teams-användaren Anna Nykvist är nu Maria Chef i kubot."
    [answer] = teams.say("vem", sender="29:1anna", name="Anna Nykvist")
    assert "Maria Chef" in answer


def test_only_an_admin_may_link(teams: Teams) -> None:
    [answer] = teams.say("koppla <@29:1anna|Anna> Maria Chef")
    assert answer.startswith("”koppla” kan bara administratörer använda.")
