"""Messages kubot starts in Teams (reminders, the results of slow commands): proactive messages.

Teams lets a bot write first only where it holds a conversation reference, stored when the person
wrote to kubot or installed the app. Someone without one cannot be reached in Teams: `address`
says so, and the delivery reports them to the administrator with the message text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from microsoft_agents.activity import ConversationReference
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.authorization import ClaimsIdentity, Connections
from sqlalchemy import Engine

from kubot.port import Address, Outgoing, Unreached
from kubot.settings import Settings
from kubot.teams import people
from kubot.teams.replies import send_reply
from kubot.teams.server import auth_configuration


class TeamsSender:
    """Delivers kubot's own messages to Teams, through the Bot Connector at each reference's serviceUrl."""

    platform = people.PLATFORM

    def __init__(self, engine: Engine, settings: Settings, connections: Connections | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self.connections = connections or MsalConnectionManager(
            connections_configurations={
                "SERVICE_CONNECTION": auth_configuration(
                    settings.teams_app_id, settings.teams_tenant_id, settings.teams_app_secret, settings.teams_anonymous
                )
            }
        )

    def address(self, name: str, identities: Mapping[str, str]) -> Address | None:
        user = identities.get(self.platform)
        if user is None or people.reference(self.engine, person=user) is None:
            return None
        return Address(self.platform, user)

    def why_not(self, name: str, identities: Mapping[str, str]) -> Unreached:
        if identities.get(self.platform):
            return Unreached("har aldrig skrivit till kubot i Teams, och först då får kubot skriva till hen",
                             "be hen öppna kubot i Teams och skriva ”hej”")
        return Unreached("inte kopplad i Teams", "be hen öppna kubot i Teams och skriva ”hej” (då känns hen igen "
                         "på e-postadressen i planen), eller koppla hen med ”koppla @användare Namn” i Teams")

    def send(self, message: Outgoing) -> None:
        found = people.reference(self.engine, conversation=message.conversation) if message.conversation else None
        found = found or people.reference(self.engine, person=message.to.id)
        if found is None:
            raise LookupError(f"no Teams conversation with {message.to.id}")
        asyncio.run(self._send(ConversationReference.model_validate(found), message))

    async def _send(self, reference: ConversationReference, message: Outgoing) -> None:
        adapter = CloudAdapter(connection_manager=self.connections)

        async def write(context: TurnContext) -> None:
            await send_reply(context, message.text, message.actions, message.files)

        if self.settings.teams_app_id:
            await adapter.continue_conversation(
                self.settings.teams_app_id, reference.get_continuation_activity(), write
            )
        else:  # anonymous, only for local testing: the Emulator and Agents Playground take calls without a token
            await adapter.continue_conversation_with_claims(
                ClaimsIdentity(), reference.get_continuation_activity(), write
            )
