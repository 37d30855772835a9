"""Report drafts reach Teams users through Teams' file consent: asked first, uploaded only when accepted."""

from __future__ import annotations

from typing import Any

from tests.conftest import server_paths
from tests.teams.conftest import BOT, MARIA, TENANT, Teams, seen

FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"


def _order(teams: Teams) -> dict[str, Any]:
    answers = teams.say("rapport T3 2022", sender=MARIA, name="Maria Chef")
    assert answers[0].startswith("Rapporten byggs … klar: Verksamhetsberättelse")
    [consent] = [a for a in teams.connector.sent() if a.get("attachments")
                 and a["attachments"][0]["contentType"] == FILE_CONSENT]
    return consent["attachments"][0]


def _answer(teams: Teams, card: dict[str, Any], action: str, upload: dict[str, Any] | None = None) -> tuple[int, Any]:
    value = {"type": "fileUpload", "action": action, "context": card["content"]["acceptContext"]}
    if upload:
        value["uploadInfo"] = upload
    return teams.invoke("fileConsent/invoke", value, sender=MARIA, name="Maria Chef")


def test_a_report_in_personal_chat_asks_before_sending_the_file(teams: Teams) -> None:
    card = _order(teams)
    assert card["name"].endswith(".docx")
    assert card["content"]["sizeInBytes"] > 10_000
    assert teams.connector.uploads == {}, "nothing is uploaded before the person accepts"


def test_an_accepted_file_is_uploaded_where_teams_says_and_shown_in_the_chat(teams: Teams) -> None:
    card = _order(teams)
    name = card["name"]
    upload = {
        "contentUrl": f"https://kommun-my.sharepoint.com/personal/maria/Documents/{name}",
        "name": name,
        "uploadUrl": f"{teams.connector.url}upload/{name}",
        "fileType": "docx",
        "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C9D",
    }
    status, _ = _answer(teams, card, "accept", upload)
    assert status == 200
    assert teams.connector.uploads[name][:2] == b"PK", "the Word file itself"
    assert len(teams.connector.uploads[name]) == card["content"]["sizeInBytes"]
    info = teams.connector.sent()[-1]["attachments"][0]
    assert info["contentType"] == "application/vnd.microsoft.teams.card.file.info"
    assert info["contentUrl"] == upload["contentUrl"] and info["content"]["uniqueId"] == upload["uniqueId"]


def test_a_declined_file_is_not_uploaded(teams: Teams) -> None:
    card = _order(teams)
    status, _ = _answer(teams, card, "decline")
    assert status == 200
    assert teams.connector.uploads == {}
    assert teams.connector.sent()[-1]["text"].startswith("Okej, jag skickar inte filen.")


def test_a_file_outside_the_report_folder_cannot_be_fetched_through_the_consent_context(teams: Teams) -> None:
    card = _order(teams)
    card["content"]["acceptContext"] = {"file": "../kubot.db"}
    upload = {"contentUrl": "x", "name": "kubot.db", "uploadUrl": f"{teams.connector.url}upload/kubot.db",
              "fileType": "db", "uniqueId": "1"}
    _answer(teams, card, "accept", upload)
    assert teams.connector.uploads == {}
    assert teams.connector.sent()[-1]["text"] == "Jag hittar inte filen längre. Beställ utkastet igen."


def test_a_report_ordered_in_a_channel_goes_to_the_askers_personal_chat_not_the_channel(teams: Teams) -> None:
    channel = {"conversationType": "channel", "isGroup": True, "tenantId": TENANT,
               "id": "19:ledning@thread.tacv2;messageid=1700000000555"}
    mention = {"type": "mention", "text": "<at>kubot</at>", "mentioned": BOT}
    teams.say(
        "<at>kubot</at> rapport T3 2022", sender=MARIA, name="Maria Chef", conversation=channel, entities=[mention]
    )
    in_channel = teams.connector.sent(channel["id"])
    assert len(in_channel) == 1
    assert in_channel[0]["text"].endswith(
        "Jag skickar filen till dig i vår personliga chatt, så att den inte visas för alla här."
    )
    assert "attachments" not in in_channel[0] or not in_channel[0]["attachments"]
    [created] = teams.connector.created
    assert [m["id"] for m in created["members"]] == [MARIA] and created["isGroup"] is False
    [consent] = teams.connector.sent(f"a:personal-{MARIA}")
    assert consent["attachments"][0]["contentType"] == FILE_CONSENT


def test_a_report_is_offered_under_its_title_and_no_message_names_a_path_on_the_server(teams: Teams) -> None:
    card = _order(teams)
    assert card["name"] == "Verksamhetsberättelse 2022 (utkast 23 nov 2022).docx"
    assert card["content"]["description"] == "Verksamhetsberättelse 2022 (utkast 23 nov 2022)"
    channel = {"conversationType": "channel", "isGroup": True, "tenantId": TENANT, "id": "19:ledning@thread.tacv2"}
    mention = {"type": "mention", "text": "<at>kubot</at>", "mentioned": BOT}
    teams.say(
        "<at>kubot</at> rapport T3 2022", sender=MARIA, name="Maria Chef", conversation=channel, entities=[mention]
    )
    # What a person reads: texts, card texts, the offered file's name and description (not the context Teams
    # hands back unseen, which names the file in the report folder).
    read = [seen(a) for a in teams.connector.sent()]
    read += [
        f"{c['name']} {c['content']['description']}"
        for a in teams.connector.sent()
        for c in a.get("attachments") or []
        if c["contentType"] == FILE_CONSENT
    ]
    assert len(read) == 6 and "Rapporten byggs" in read[0], "two replies, two file offers and their names"
    assert [p for text in read for p in server_paths(text, teams.bot.settings.report_dir)] == []
