"""Who is who in Slack: a Slack user is matched to a person in the plan by the e-mail address
Slack reports for them, on first contact (see kubot.chat.people, which also has `koppla`)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from kubot.chat import people
from kubot.slack.sender import PLATFORM

log = logging.getLogger(__name__)


def learn(engine: Engine, client: WebClient, user_id: str) -> None:
    """Give a Slack user kubot has not met a chat identity, when Slack's e-mail for them is a staff member's."""
    if people.known(engine, PLATFORM, user_id):
        return
    try:
        email = (client.users_info(user=user_id)["user"].get("profile") or {}).get("email")
    except SlackApiError as exc:
        log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
        return
    people.match_by_email(engine, PLATFORM, user_id, [email])
