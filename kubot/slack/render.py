"""kubot's plain text and buttons as Slack message parts.

The core's text is data, not markup: in blocks it is shown as `plain_text`, which Slack never
formats, so a user's `*`, `_` or a placeholder like ‹värde› stays as written. The notification
text beside the blocks is mrkdwn, where `&`, `<` and `>` are control characters: they are escaped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from kubot.port import Action

COMMAND_ACTION = "kubot-kommando"  # action_id prefix of a button that sends its command as a message
OPEN_FORM = "kubot-oppna-formular"  # action_id prefix of a button that opens a form; value: JSON kind + prefill
SECTION_LIMIT = 3000  # characters in one section's text
BUTTON_LIMIT = 75  # characters on a button
Block = dict[str, Any]


def escape(text: str) -> str:
    """Text for a mrkdwn field, shown exactly as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _chunks(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, cut at line ends where possible."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*pieces, text] if text else pieces


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": False}


def button(label: str, action_id: str, value: str, primary: bool = False) -> Block:
    element: Block = {"type": "button", "text": plain(label[:BUTTON_LIMIT]), "action_id": action_id, "value": value}
    return {**element, "style": "primary"} if primary else element


def form_button(label: str, action_id: str, form: str, prefill: Mapping[str, str]) -> Block:
    """A button that opens chat form `form`, filled in with `prefill`."""
    return button(label, action_id, json.dumps({"form": form, "fyll": dict(prefill)}))


def blocks(text: str, actions: Sequence[Action] = ()) -> list[Block]:
    """Sections for the text, and one button per action: it sends the action's command, or opens its form."""
    out: list[Block] = [{"type": "section", "text": plain(piece)} for piece in _chunks(text)]
    if actions:
        out.append({"type": "actions", "elements": [
            form_button(a.label, f"{OPEN_FORM}-{i}", a.form, dict(a.prefill)) if a.form
            else button(a.label, f"{COMMAND_ACTION}-{i}", a.command) for i, a in enumerate(actions)]})
    return out


def message(text: str, actions: Sequence[Action] = ()) -> dict[str, Any]:
    """The arguments chat.postMessage, chat.postEphemeral and a response_url take for a message."""
    return {"text": escape(text), "blocks": blocks(text, actions)}


_MENTION = re.compile(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[:,]?\s*")


def without_mention(text: str) -> str:
    """A message to @kubot without the leading mention."""
    return _MENTION.sub("", text, count=1)


def unescape(text: str) -> str:
    """Slack escapes &, < and > in what people type; the core wants the characters back."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
