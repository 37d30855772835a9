"""Delivering what kubot starts (reminders, finished reports) in Slack.

A message without a conversation is a direct message; a report goes into the conversation where
it was ordered, and by direct message with a clear note when the bot is not in that channel.
Slack's rate limits (HTTP 429) are waited out as its Retry-After header says, so a worker sending
many reminders loses none; the key of each message is claimed by the routing sender (kubot.adapters.routing),
so none goes out twice.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from sqlalchemy import Engine

from kubot.port import Address, Outgoing, Unreached
from kubot.settings import Settings
from kubot.slack import render

log = logging.getLogger(__name__)
PLATFORM = "slack"
NOT_IN_CHANNEL = {"not_in_channel", "channel_not_found", "is_archived"}
RATE_LIMIT_RETRIES = 10


def web_client(settings: Settings) -> WebClient:
    """The Web API client: SLACK_API_URL when set, rate limits and dropped connections retried."""
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url or WebClient.BASE_URL,
                       timeout=10)
    client.retry_handlers = [ConnectionErrorRetryHandler(max_retry_count=2),
                             RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)]
    return client


def is_direct(conversation: str) -> bool:
    """Slack's ids of direct-message conversations start with D."""
    return conversation.startswith("D")


class SlackSender:
    """Reaches people who have a Slack identity."""

    platform = PLATFORM

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def address(self, name: str, identities: Mapping[str, str]) -> Address | None:
        found = identities.get(PLATFORM)
        return Address(PLATFORM, found) if found else None

    def why_not(self, name: str, identities: Mapping[str, str]) -> Unreached:
        return Unreached("inte kopplad i Slack (har inte skrivit till kubot där)",
                         "be hen skriva till kubot i Slack en gång (då känns hen igen på e-postadressen i planen), "
                         "eller koppla hen med ”koppla @användare Namn”")

    def send(self, message: Outgoing) -> None:
        shared = message.conversation and not is_direct(message.conversation)
        if message.files:
            self._upload(message)
        elif shared and not message.public:
            self.client.chat_postEphemeral(channel=message.conversation, user=message.to.id, thread_ts=message.thread,
                                           **render.message(message.text, message.actions))
        else:
            self.client.chat_postMessage(channel=message.conversation or message.to.id, thread_ts=message.thread,
                                         **render.message(message.text, message.actions))

    def _upload(self, message: Outgoing) -> None:
        note = ""
        if message.conversation and (message.public or is_direct(message.conversation)):
            try:
                self._files(message.conversation, message.text, message, message.thread)
                return
            except SlackApiError as exc:
                if exc.response.get("error") not in NOT_IN_CHANNEL:
                    raise
                note = ("Jag är inte med i kanalen där du bad om det här, så du får det här i stället. "
                        "Bjud in mig till kanalen (skriv /invite @kubot där) så hamnar det i kanalen nästa gång.\n\n")
        direct = self.client.conversations_open(users=message.to.id)["channel"]["id"]
        self._files(direct, note + message.text, message, None)

    def _files(self, channel: str, text: str, message: Outgoing, thread: str | None) -> None:
        # Named by its title: the name the file has on the server is for kubot alone.
        self.client.files_upload_v2(
            channel=channel,
            initial_comment=render.escape(text),
            thread_ts=thread,
            file_uploads=[
                {"file": str(file.path), "filename": file.filename, "title": file.title} for file in message.files
            ],
        )


def from_settings(settings: Settings, engine: Engine) -> SlackSender | None:
    """The `kubot.senders` entry point: a Slack sender when a bot token is set."""
    return SlackSender(web_client(settings)) if settings.slack_bot_token else None
