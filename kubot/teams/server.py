"""`kubot teams`: the Teams adapter on the Microsoft 365 Agents SDK, serving /api/messages.

Teams posts each activity to /api/messages with a Bot Framework token; kubot.teams.tokens refuses one
of the wrong shape (401, one short log line), then the SDK's middleware checks it (signature, app id,
expiry) before any handler runs and answers 401 otherwise.
Replies go back through the Bot Connector at the activity's serviceUrl.

The SDK is asynchronous and the chat core is not: every core call runs in a worker thread
(`asyncio.to_thread`), so one person's slow database work never holds up another conversation.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from http import HTTPStatus
from typing import Any

from aiohttp import web
from microsoft_agents.activity import Activity, ActivityTypes, AdaptiveCardInvokeResponse
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_middleware, start_agent_process
from microsoft_agents.hosting.core import AgentApplication, MemoryStorage, TurnContext, TurnState
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration, Connections
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient
from microsoft_agents.hosting.msteams import TeamsAgentExtension
from sqlmodel import Session

from kubot import owed
from kubot.chat import forms
from kubot.chat import people as chat_people
from kubot.chat.core import Bot, identify
from kubot.chat.registry import COMMANDS
from kubot.models import Staff
from kubot.periods import Period, PeriodError
from kubot.port import Incoming, Reply
from kubot.settings import Settings
from kubot.teams import cards, people, render, replies, tokens

log = logging.getLogger(__name__)
PLATFORM = people.PLATFORM
REMEMBERED = {
    ActivityTypes.message,
    ActivityTypes.invoke,
    ActivityTypes.installation_update,
    ActivityTypes.conversation_update,
}
FIRST = "kubot.first"  # in the turn state: the first activity kubot has from this conversation
ROSTER_NAME = "kubot.roster_name"  # in the turn state: the sender's name in the roster, when it was asked
ROSTER_EMAIL = "kubot.roster_email"  # and their e-mail address there (else the user principal name)
MESSAGES_PATH, HEALTH_PATH = "/api/messages", "/healthz"
FAILED = (
    "Något gick fel hos mig, och inget sparades. Försök igen om en stund; kvarstår felet, kontakta en administratör."
)


def auth_configuration(
    app_id: str | None, tenant_id: str | None, secret: str | None, anonymous: bool
) -> AgentAuthConfiguration:
    """The SDK's view of the bot registration. Without an app id every token is refused (no audience matches)."""
    return AgentAuthConfiguration(
        client_id=app_id, tenant_id=tenant_id, client_secret=secret, anonymous_allowed=anonymous
    )


class TeamsAdapter:
    """Turns Teams activities into chat-core messages and the core's replies into Teams activities."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    # --- every activity ---------------------------------------------------------------------

    async def before_turn(self, context: TurnContext, _state: TurnState) -> bool:
        """Remember where this activity came from (so kubot can write there later) and who sent it."""
        activity = context.activity
        if activity.conversation is None or activity.from_property is None or activity.type not in REMEMBERED:
            return True
        user = activity.from_property.id
        found = activity.get_conversation_reference().model_dump(mode="json", by_alias=True, exclude_none=True)
        context.turn_state[FIRST] = await asyncio.to_thread(people.remember, self.bot.engine, activity.conversation.id,
                                                            user if replies.personal(context) else None, found)
        if not await asyncio.to_thread(chat_people.known, self.bot.engine, PLATFORM, user):
            await self._learn(context, user)
        return True

    async def _learn(self, context: TurnContext, user: str) -> None:
        """Match a user kubot has not met by the e-mail address and UPN in the conversation's roster
        (and keep the roster's name and address for the turn: an install activity may carry no name, and
        the administrators are told who someone kubot does not know is)."""
        connector = replies.connector(context)
        if not isinstance(connector, TeamsConnectorClient):
            return
        try:
            member = await connector.get_conversation_member(context.activity.conversation.id.split(";")[0], user)
        except Exception as exc:  # the roster is a nicety: without it the person is asked to contact an admin
            log.warning("roster lookup for %s failed: %s", user, exc)
            return
        if member.name:
            context.turn_state[ROSTER_NAME] = member.name
        context.turn_state[ROSTER_EMAIL] = member.email or member.user_principal_name or ""
        await asyncio.to_thread(chat_people.match_by_email, self.bot.engine, PLATFORM, user,
                                (member.email, member.user_principal_name))

    async def on_installed(self, context: TurnContext, _state: TurnState) -> None:
        """The app was added to a personal chat: say hello by name (the reference is stored and the person
        matched by then). Teams announces an install twice (installationUpdate and conversationUpdate),
        so only the first activity from the chat is answered."""
        activity = context.activity
        added = (
            activity.action in (None, "add")
            if activity.type == ActivityTypes.installation_update
            else any(
                m.id == (activity.recipient.id if activity.recipient else None) for m in activity.members_added or []
            )
        )
        if replies.personal(context) and added and context.turn_state.get(FIRST):
            shown = str(context.turn_state.get(ROSTER_NAME) or activity.from_property.name or "")
            name = await asyncio.to_thread(self._name, activity.from_property.id, shown)
            await context.send_activity(render.message(welcome(name)))

    def _name(self, sender: str, shown: str) -> str:
        """What to call a person: their name in the plan, else the name Teams shows (never the raw id)."""
        with Session(self.bot.engine) as session:
            person = _staff(session, sender)
        return person.name if person is not None else shown

    # --- messages ---------------------------------------------------------------------------

    async def on_message(self, context: TurnContext, _state: TurnState) -> None:
        activity = context.activity
        if activity.value and not activity.text:
            return  # an old-style card submit; kubot's cards use Action.Execute
        text = _mentions_as_port_text(activity)
        command = COMMANDS.get(text.strip().lower())
        if command is not None and forms.typed(command.name):
            # A form command with nothing after it opens the form, for people kubot knows.
            form = await self._form(context, command.name)
            if form is not None:
                await context.send_activity(render.card_message(cards.card(form)))
                return
        reply = await self._handle(context, text, activity.id)
        await self._show(context, reply)

    async def _handle(self, context: TurnContext, text: str, message_id: str | None) -> Reply:
        activity = context.activity
        incoming = Incoming(text=text, platform=PLATFORM, sender=activity.from_property.id,
                            channel=activity.conversation.id, message_id=message_id,
                            sender_name=str(context.turn_state.get(ROSTER_NAME) or activity.from_property.name or ""),
                            sender_email=str(context.turn_state.get(ROSTER_EMAIL) or ""))
        return await asyncio.to_thread(self.bot.handle, incoming)

    async def _show(self, context: TurnContext, reply: Reply) -> None:
        if not reply.repeated:  # a repeated reply answers Teams' retry of a message the person saw answered
            await replies.send_reply(context, reply.text, reply.actions, reply.files)

    # --- forms ------------------------------------------------------------------------------

    async def _form(self, context: TurnContext, kind: str, values: forms.Values | None = None,
                    before: forms.Values | None = None) -> forms.Form | None:
        """Form `kind` filled in with `values`, for a person kubot knows (else None); with `before`, drawn
        again after the menus that redraw it were changed from `before`."""
        return await asyncio.to_thread(self._build, context.activity.from_property.id, kind, values or {}, before)

    def _build(self, sender: str, kind: str, values: forms.Values, before: forms.Values | None) -> forms.Form | None:
        with Session(self.bot.engine) as session:
            actor = _staff(session, sender)
            if actor is None or not forms.may_open(session, actor, kind):
                return None  # the core then says whom to ask
            today = self.bot.clock().astimezone(self.bot.settings.timezone).date()
            # A card cannot redraw itself the moment the network is chosen: the person chooses it and
            # presses the button, and the card comes back with that network's invitees.
            if before is not None:
                return forms.redraw(session, kind, actor, today, values, before)
            return forms.build(session, kind, actor, today, values)

    async def on_form(self, context: TurnContext, _state: TurnState, data: Any) -> AdaptiveCardInvokeResponse:
        """A submitted form: compose its command, run it, and answer in the card itself."""
        try:
            return await self._submitted(context, dict(data or {}))
        except Exception:
            log.exception("form failed")
            return _card_response(_notice(FAILED))

    async def _submitted(self, context: TurnContext, data: dict[str, Any]) -> AdaptiveCardInvokeResponse:
        kind = str(data.get(cards.FORM_KEY, ""))
        if kind not in forms.known():
            return _card_response(_notice("Formuläret är för gammalt. Skriv kommandot i chatten i stället."))
        values: dict[str, str | list[str]] = {**cards.values(data)}
        form = await self._form(context, kind, values)
        if form is None:  # no longer someone kubot knows: the core says whom to ask
            reply = await self._handle(context, kind, context.activity.id)
            return _card_response(_notice(reply.text))
        if (menu := cards.redrawn(form, data)) is not None:
            # Another network chosen: list its invitees instead before anything is registered.
            redrawn = await self._form(context, kind, values, cards.shown(data))
            asked = forms.refusal(form, values, menu.redraws)
            return _card_response(cards.card(redrawn, asked) if redrawn is not None else _notice(asked.text))
        problem = forms.missing(form, values)
        if problem is None:
            reply = await self._handle(context, forms.command(form, values), context.activity.id)
            if reply.accepted is not False:
                if not reply.repeated:
                    await replies.send_files(context, reply.files)
                return _card_response(cards.done_card(form, reply.text))
            problem = forms.refusal(form, values, reply.text)
        return _card_response(cards.card(form, problem))

    async def on_command_button(self, context: TurnContext, _state: TurnState, data: Any) -> AdaptiveCardInvokeResponse:
        """A button under a message (e.g. a reminder's “påminn mig imorgon”): the command runs, the answer is a new
        message.
        A reminder's “rapportera” answers with what is missing instead, each item with a button that opens its form."""
        command = str((data or {}).get("command", ""))
        word, _, rest = command.partition(" ")
        card = (
            await asyncio.to_thread(self._owed, context.activity.from_property.id, rest)
            if word.casefold() == "saknas"
            else None
        )
        if card is not None:
            await context.send_activity(render.card_message(card))
        else:
            await self._show(context, await self._handle(context, command, context.activity.id))
        return _done()

    def _owed(self, sender: str, period_text: str) -> cards.Card | None:
        """The owed card for `period_text` (default: today's period); None when the chat core should answer instead."""
        today = self.bot.clock().astimezone(self.bot.settings.timezone).date()
        try:
            period = Period.parse(period_text) if period_text.strip() else Period.containing(today)
        except PeriodError:
            return None  # the core explains what is wrong with it
        with Session(self.bot.engine) as session:
            actor = _staff(session, sender)
            found = owed.of_person(session, actor.id, period, today) if actor is not None else None
        return cards.owed_card(period, found[1]) if found is not None else None

    async def on_open_form(self, context: TurnContext, _state: TurnState, data: Any) -> AdaptiveCardInvokeResponse:
        """An owed item's “rapportera”: its form, filled in with what kubot knows, as a new card."""
        data = dict(data or {})
        kind, prefill = str(data.get(cards.OPEN_KEY, "")), data.get(cards.PREFILL_KEY)
        form = (
            await self._form(
                context, kind, {str(k): str(v) for k, v in prefill.items()} if isinstance(prefill, dict) else {}
            )
            if kind in forms.known()
            else None
        )
        if form is not None:
            await context.send_activity(render.card_message(cards.card(form)))
        else:  # an old card, or someone kubot no longer knows: the core says what to do
            await self._show(context, await self._handle(context, kind or "saknas", context.activity.id))
        return _done()

    # --- files ------------------------------------------------------------------------------

    async def on_file_accept(self, context: TurnContext, _state: TurnState, response: Any) -> None:
        await replies.upload_accepted(context, self.bot.settings.report_dir, response)

    async def on_file_decline(self, context: TurnContext, _state: TurnState, _response: Any) -> None:
        await context.send_activity(
            render.message("Okej, jag skickar inte filen. Beställ utkastet igen när du vill ha det.")
        )

    async def on_error(self, context: TurnContext, error: Exception) -> None:
        # The SDK's own handler would show the exception text to the person; they get plain Swedish instead.
        log.error("Teams turn failed", exc_info=error)
        await context.send_activity(render.message(FAILED))


def _mentions_as_port_text(activity: Activity) -> str:
    """The text without the @mention of kubot (Teams requires it in channels and group chats), and other
    people's mentions in the chat port's form <@id|namn> (how `koppla` knows whom an admin means)."""
    text: str = activity.remove_recipient_mention()
    bot = activity.recipient.id if activity.recipient else None
    for mention in activity.get_mentions():
        who = mention.mentioned
        if who is not None and who.id != bot and mention.text:
            text = text.replace(mention.text, f"<@{who.id}|{who.name or ''}>")
    return text


def welcome(name: str) -> str:
    """The hello on install: by first name, what kubot is for, and how to start."""
    first = name.split()[0] if name.split() else ""
    return (
        f"Hej{f' {first}' if first else ''}! Jag är kubot: här registrerar du det du gjort och får mina påminnelser. "
        "Skriv ”hjälp” för att komma igång."
    )


def _staff(session: Session, sender: str) -> Staff | None:
    return identify(session, Incoming(text="", platform=PLATFORM, sender=sender))


def _notice(text: str) -> cards.Card:
    return {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": text, "wrap": True}]}


def _done() -> AdaptiveCardInvokeResponse:
    """A button's answer when what it does is a new message."""
    return AdaptiveCardInvokeResponse(
        status_code=HTTPStatus.OK, type="application/vnd.microsoft.activity.message", value="Klart"
    )


def _card_response(card: cards.Card) -> AdaptiveCardInvokeResponse:
    return AdaptiveCardInvokeResponse(status_code=HTTPStatus.OK, type=render.ADAPTIVE_CARD, value=card)


def agent(bot: Bot, adapter: CloudAdapter, connections: Connections) -> AgentApplication[TurnState]:
    """The SDK application with kubot's routes. It keeps no state of its own (the storage is the SDK's
    required minimum): what kubot remembers is in its database."""
    app = AgentApplication[TurnState](storage=MemoryStorage(), connection_manager=connections)
    teams = TeamsAdapter(bot)
    app.adaptive_card.action_execute(cards.VERB)(teams.on_form)
    app.adaptive_card.action_execute(render.COMMAND_VERB)(teams.on_command_button)
    app.adaptive_card.action_execute(cards.OPEN_VERB)(teams.on_open_form)
    extension = TeamsAgentExtension(app)
    extension.file_consent.accept(teams.on_file_accept)
    extension.file_consent.decline(teams.on_file_decline)
    app.before_turn(teams.before_turn)
    app.activity(ActivityTypes.message)(teams.on_message)
    app.installation_update()(teams.on_installed)
    app.conversation_update("membersAdded")(teams.on_installed)
    app.error(teams.on_error)
    adapter.on_turn_error = teams.on_error
    return app


def web_app(bot: Bot, auth: AgentAuthConfiguration, connections: Connections | None = None) -> web.Application:
    """The aiohttp application: /api/messages behind the SDK's JWT check, and a health check at /healthz."""
    connections = connections or MsalConnectionManager(connections_configurations={"SERVICE_CONNECTION": auth})
    adapter = CloudAdapter(connection_manager=connections)
    application = agent(bot, adapter, connections)

    async def messages(request: web.Request) -> web.StreamResponse:
        return await start_agent_process(request, application, adapter) or web.Response(status=HTTPStatus.ACCEPTED)

    app = web.Application(middlewares=[_health(bot.settings), tokens.middleware(auth), jwt_authorization_middleware])
    app["agent_configuration"] = auth
    app.router.add_post(MESSAGES_PATH, messages)
    return app


def _health(settings: Settings) -> Any:
    """GET /healthz, as `kubot web` has it: 200 "ok" when Teams can be answered, 503 and why when every
    request would be refused. It comes before the token checks, which would ask a load balancer for a token."""
    problem = "" if settings.teams_configured or settings.teams_anonymous else " ".join(startup_notes(settings))

    @web.middleware
    async def health(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path != HEALTH_PATH:
            return await handler(request)
        if request.method not in ("GET", "HEAD"):
            return web.Response(status=HTTPStatus.METHOD_NOT_ALLOWED, headers={"Allow": "GET"})
        return web.Response(status=HTTPStatus.SERVICE_UNAVAILABLE if problem else HTTPStatus.OK, text=problem or "ok")

    return health


def startup_notes(settings: Settings) -> list[str]:
    """What `kubot teams` must say at start about how requests are checked."""
    notes = []
    if settings.teams_anonymous:
        notes.append("VARNING: KUBOT_TEAMS_ANONYMOUS=1 – kubot tar emot meddelanden UTAN inloggningstoken. "
                     "Det är bara till för lokala tester med Bot Framework Emulator eller Agents Playground; "
                     "använd det aldrig i drift.")
    if not settings.teams_configured:
        notes.append(
            "VARNING: Teams-botens app-id och hemlighet saknas (CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID "
            "och __CLIENTSECRET). "
            + (
                "Svar kan inte skickas till riktiga Teams."
                if settings.teams_anonymous
                else "Alla anrop nekas med 401 tills de är satta."
            )
        )
    return notes


def serve(bot: Bot) -> int:
    """Serve /api/messages on $PORT until stopped, answering with `bot` (built by `kubot teams`)."""
    settings = bot.settings
    for note in startup_notes(settings):
        print(note, file=sys.stderr, flush=True)
    auth = auth_configuration(
        settings.teams_app_id, settings.teams_tenant_id, settings.teams_app_secret, settings.teams_anonymous
    )
    print(
        f"kubot lyssnar efter Teams på port {settings.port} ({MESSAGES_PATH}, hälsokontroll {HEALTH_PATH}).", flush=True
    )
    bot.resume()
    web.run_app(web_app(bot, auth), host="0.0.0.0", port=settings.port, print=None)
    bot.close()
    return 0
