"""kubot's replies as Teams activities: plain text, buttons as an Adaptive Card, files by consent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, Attachment

from kubot import port
from kubot.port import Action
from kubot.teams.cards import OPEN_KEY, OPEN_VERB, PREFILL_KEY, Card

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
COMMAND_VERB = "kubot.command"  # a button that runs a chat command


def message(text: str, actions: Sequence[Action] = ()) -> Activity:
    """A message; plain text so that nothing a person wrote is read as markup."""
    activity = Activity(type=ActivityTypes.message, text=text, text_format="plain")
    if actions:
        activity.attachments = [card_attachment(buttons(actions))]
    return activity


def buttons(actions: Sequence[Action]) -> Card:
    return {"type": "AdaptiveCard", "version": "1.5", "body": [], "actions": [_button(a) for a in actions]}


def _button(action: Action) -> dict[str, Any]:
    """A button that runs its command, or opens its form filled in (the form's card comes as a new message)."""
    if action.form:
        return {"type": "Action.Execute", "title": action.label, "verb": OPEN_VERB,
                "data": {OPEN_KEY: action.form, PREFILL_KEY: dict(action.prefill)}}
    return {"type": "Action.Execute", "title": action.label, "verb": COMMAND_VERB, "data": {"command": action.command}}


def card_attachment(card: Card) -> Attachment:
    return Attachment(content_type=ADAPTIVE_CARD, content=card)


def card_message(card: Card) -> Activity:
    return Activity(type=ActivityTypes.message, attachments=[card_attachment(card)])


def file_consent(file: port.Attachment) -> Activity:
    """Teams asks the person whether kubot may put the file in their OneDrive, under its title; only then is it
    sent. The context Teams hands back names the file in the report folder (Teams does not show it)."""
    context = {"file": file.path.name}
    content = {"description": file.title, "sizeInBytes": file.path.stat().st_size,
               "acceptContext": context, "declineContext": context}
    return Activity(type=ActivityTypes.message, text_format="plain",
                    attachments=[Attachment(content_type=FILE_CONSENT, name=file.filename, content=content)])


def file_info(upload: dict[str, Any]) -> Activity:
    """The card for a file uploaded where Teams said: the person opens it from there."""
    return Activity(type=ActivityTypes.message, attachments=[Attachment(
        content_type=FILE_INFO, name=upload.get("name"), content_url=upload.get("contentUrl"),
        content={"uniqueId": upload.get("uniqueId"), "fileType": upload.get("fileType")})])
