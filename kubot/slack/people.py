"""Who is who in Slack: a Slack user is matched to a person in the plan by the e-mail address
Slack reports for them, on first contact (see kubot.chat.people, which also has `koppla`); someone
not matched is named as their Slack profile names them, never by their Slack id."""

from __future__ import annotations

import logging
import re
from typing import NamedTuple

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from kubot.chat import people
from kubot.slack.sender import PLATFORM

log = logging.getLogger(__name__)
_UNNAMED_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")


class Profile(NamedTuple):
    """Who Slack says a user is: the name people see and the e-mail address ("" when Slack does not say)."""

    name: str
    email: str


def profile(client: WebClient, user_id: str) -> Profile | None:
    """The user's Slack profile (users.info); None when Slack will not say."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
        return None
    shown = user.get("profile") or {}
    name = shown.get("real_name") or user.get("real_name") or shown.get("display_name") or ""
    return Profile(str(name).strip(), str(shown.get("email") or "").strip())


def learn(engine: Engine, client: WebClient, user_id: str) -> Profile | None:
    """Give a Slack user kubot has not met a chat identity, when Slack's e-mail for them is a staff member's.
    Returns their profile when kubot had not met them (None for someone known, or when Slack does not say)."""
    if people.known(engine, PLATFORM, user_id):
        return None
    found = profile(client, user_id)
    if found is not None:
        people.match_by_email(engine, PLATFORM, user_id, [found.email])
    return found


def named_mentions(client: WebClient, text: str) -> str:
    """Mentions of people as Slack writes them (<@U123>), with the name Slack shows for them added (<@U123|Anna
    Nykvist>): how `koppla` confirms whom it linked by name."""
    def named(match: re.Match[str]) -> str:
        found = profile(client, match.group(1))
        name = " ".join(re.sub(r"[|<>]", " ", found.name).split()) if found is not None else ""
        return f"<@{match.group(1)}|{name}>" if name else match.group(0)

    return _UNNAMED_MENTION.sub(named, text)
