"""kubot's answers inside a Teams turn: the text with its buttons, and files by Teams' file consent.

A file is offered under its human title; the name it has in the report folder travels only in the
consent's context (which Teams hands back, never shows), so the person accepting it is asked about
"Verksamhetsberättelse 2026 (utkast 4 dec 2026).docx" and never sees a server path.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp
from microsoft_agents.activity import ConversationParameters
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.connector import ConnectorClientBase

from kubot.port import Action, Attachment
from kubot.teams import render

log = logging.getLogger(__name__)
PRIVATELY = "Jag skickar filen till dig i vår personliga chatt, så att den inte visas för alla här."


def personal(context: TurnContext) -> bool:
    return context.activity.conversation.conversation_type in (None, "personal")


def connector(context: TurnContext) -> ConnectorClientBase:
    """The turn's Bot Connector client, with the turn's own credentials."""
    found: ConnectorClientBase | None = context.services.get(ConnectorClientBase)  # type: ignore[type-abstract]
    if found is None:
        raise RuntimeError("the turn has no connector client")
    return found


async def send_reply(
    context: TurnContext, text: str, actions: Sequence[Action] = (), files: Sequence[Attachment] = ()
) -> None:
    """A reply in the turn's conversation; its files follow by consent."""
    if files and not personal(context):
        text = f"{text}\n{PRIVATELY}"
    await context.send_activity(render.message(text, actions))
    await send_files(context, files)


async def send_files(context: TurnContext, files: Sequence[Attachment]) -> None:
    """Files go by consent, which Teams offers only in a personal chat: from a channel or group chat
    they go to the asker's personal chat, so a draft is never shown to everyone there."""
    if not files:
        return
    if personal(context):
        for file in files:
            await context.send_activity(render.file_consent(file))
        return
    activity = context.activity
    client = connector(context)
    tenant = activity.conversation.tenant_id
    chat = await client.conversations.create_conversation(ConversationParameters(
        is_group=False, bot=activity.recipient, members=[activity.from_property], tenant_id=tenant,
        channel_data={"tenant": {"id": tenant}}))
    for file in files:
        await client.conversations.send_to_conversation(chat.id, render.file_consent(file))


async def upload_accepted(context: TurnContext, report_dir: Path, response: Any) -> None:
    """The person accepted the file: upload it where Teams says, then show it in the chat. Only a file
    of the report folder, by its bare name, can be sent this way."""
    name = Path(str((response.context or {}).get("file", ""))).name
    path = report_dir / name
    upload = response.upload_info
    if not name or not path.is_file() or upload is None:
        await context.send_activity(render.message("Jag hittar inte filen längre. Beställ utkastet igen."))
        return
    content = await asyncio.to_thread(path.read_bytes)
    headers = {"Content-Length": str(len(content)), "Content-Range": f"bytes 0-{len(content) - 1}/{len(content)}"}
    async with aiohttp.ClientSession() as http, http.put(upload.upload_url, data=content, headers=headers) as answer:
        if answer.status >= 300:
            log.error("file upload refused: %s", answer.status)
            await context.send_activity(render.message("Teams tog inte emot filen. Beställ utkastet igen om en stund."))
            return
    await context.send_activity(render.file_info(upload.model_dump(by_alias=True)))
