"""The Slack app: slack-bolt listeners that hand Slack's commands, messages, clicks and forms to the
chat core (kubot.slack.web runs it as `kubot web` / `kubot socket`).

Slack wants an answer within 3 seconds. Commands, messages and clicks are acknowledged at once and
handled afterwards in kubot's own worker threads (so bolt's threads stay free to acknowledge the
next request), answered through response_url or chat.postMessage; a form waits for the core,
because a rejection must come back in the acknowledgement to show next to the field. A modal (a form, the
list of what is missing) opens right after the acknowledgement, in threads of its own: its trigger id lasts 3
seconds, too short to wait behind a burst of messages. Every request passes
kubot.slack.gate first: a missing, wrong or stale signature gets 401 before the body is read, a signed
body kubot cannot read 400, each with one short log line; a listener finding a field missing raises
gate.Malformed, which is a 400 too.
Each Slack message, event, click and form submission reaches the core with an id of its own, so a
retry or a double click is handled once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import Ack, App, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient
from sqlalchemy import Engine

from kubot import db
from kubot.adapters.handoff import Handoff, logged
from kubot.adapters.inbound import InboundQueue
from kubot.chat import forms as chat_forms
from kubot.chat.core import Bot, identify
from kubot.periods import Period, PeriodError
from kubot.port import Incoming, Reply, Sender
from kubot.refusals import RefusalLog
from kubot.settings import Settings
from kubot.slack import forms, gate, home, people, render
from kubot.slack.gate import Malformed, need, section
from kubot.slack.health import Health
from kubot.slack.home_tabs import HomeTabs
from kubot.slack.sender import PLATFORM, is_direct, web_client

PRESSED_AGAIN = "Det är redan gjort: du har tryckt på den knappen förut, så jag gör inget en gång till."
log = logging.getLogger(__name__)
BOLT_LOG = logging.getLogger("kubot.slack.bolt")


class _OurClientIsMeant(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment on its own and warns at every start that the client
    kubot hands it wins over that token. It does, on purpose (the client carries the retries and the API
    address), so the warning says nothing an operator can act on."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


BOLT_LOG.addFilter(_OurClientIsMeant())
WORKERS = 4  # threads handling messages after their acknowledgement
MODAL_OPENERS = 2  # threads opening modals after their acknowledgement


class SlackApp:
    """kubot in one Slack workspace. `sender` is how slow commands' results reach people (the routing
    sender `kubot web` built): in Slack, or wherever else the asker is known."""

    def __init__(self, engine: Engine, settings: Settings, sender: Sender, client: WebClient | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.engine = engine
        self.settings = settings
        self.client = client or web_client(settings)
        self.clock = clock
        self.bot = Bot(engine, settings, clock=clock, sender=sender)
        self.inbound = InboundQueue(engine, PLATFORM, timedelta(seconds=settings.inbound_lease_seconds))
        self._stopped = threading.Event()
        self.health = Health()
        self.handoff = Handoff(self.inbound, lambda number, request: self._process(number, request, True),
                               workers=WORKERS, name="kubot-slack")
        self._modals = ThreadPoolExecutor(max_workers=MODAL_OPENERS, thread_name_prefix="kubot-slack-modal")
        self.homes = HomeTabs(engine, self.client, lambda: self.clock().astimezone(settings.timezone).date(),
                              self._actor, self.later)
        # The signature is checked before bolt sees a request, by web.wsgi() (Socket Mode needs none). Listeners
        # run in the request's own thread and return once they have acknowledged: what takes time is handed to
        # kubot's workers, so bolt's own pool (5 threads, polled every 10 ms for the acknowledgement) would only
        # add waiting, and in a burst make acknowledgements miss Slack's 3 seconds.
        self.bolt = App(
            process_before_response=True,
            client=self.client,
            signing_secret=settings.slack_signing_secret,
            token_verification_enabled=False,
            request_verification_enabled=False,
            raise_error_for_unhandled_request=True,
            logger=BOLT_LOG,
        )
        self.bolt.error(self.on_error)
        self.bolt.use(_shape_checked)
        self.refusals = RefusalLog(log, "Slack request")
        self.bolt.command("/kubot")(self.on_command)
        self.bolt.event("message")(self.on_message)
        self.bolt.event("app_mention")(self.on_mention)
        self.bolt.event("app_home_opened")(self.on_home_opened)
        self.bolt.action(re.compile(f"^{render.COMMAND_ACTION}"))(self.on_button)
        self.bolt.action(re.compile(f"^{render.OPEN_FORM}"))(self.on_open_form)
        self.bolt.action(forms.REDRAW)(self.on_redraw)
        self.bolt.view(forms.CALLBACK)(self.on_form)

    def start(self) -> None:
        """Check the token in the background, tell askers of reports a restart cut off, and keep this
        process's claims on the requests it acknowledged while taking over those of processes that died."""
        self.health.watch(self.client)

        def resume() -> None:
            self.recover()
            self.bot.resume()
            every = self.settings.inbound_lease_seconds / 4
            while not self._stopped.wait(every):
                try:
                    self.inbound.renew()
                    self.recover()
                    self.handoff.refill()  # a request left in the ledger while the workers were full
                except Exception:
                    log.exception("keeping the claims on acknowledged Slack requests failed; trying again")

        threading.Thread(target=resume, name="slack-resume", daemon=True).start()

    def close(self) -> None:
        """Finish what was acknowledged, then the slow commands under way."""
        self._stopped.set()
        self._modals.shutdown(wait=True)
        self.handoff.close()
        self.bot.close()

    def later(self, job: Callable[[], None]) -> None:
        self.handoff.later(job)

    def after_ack(self, job: Callable[[], object]) -> None:
        """Run `job` once the acknowledgement is sent (bolt sends it when the listener returns), beside the
        handling rather than behind it: what it does must happen within seconds of the click."""
        self._modals.submit(logged(job))

    # --- talking to the core ---------------------------------------------------------------------------

    def accept(self, request: dict[str, Any]) -> bool:
        """Keep an acknowledged request until it is handled, and handle it in kubot's threads (the
        acknowledgement never waits for them, see kubot.adapters.handoff); False when its id is known already
        (Slack's retry, a button pressed again), and then it is not handled again.

        `request`: user, text, channel, message_id, thread, and the response_url a command is answered at."""
        return self.handoff.accept(request["message_id"], request)

    def recover(self) -> int:
        """Handle the requests left acknowledged but unhandled by a process that died (its claims ran out,
        or a crash before there were claims); returns how many. Another live process's are left to it."""
        left = self.inbound.take_over()
        for number, request in left:
            self._process(number, request, False)
        return len(left)

    def _process(self, number: int, request: dict[str, Any], queued: bool) -> None:
        try:
            reply = self.handle(
                request["user"], request["text"], request["channel"], request["message_id"], request.get("thread")
            )
            if not reply.repeated or not queued:  # after a crash the answer may not have reached the person
                self._reply(reply, request)
        except Exception:
            log.exception("handling an acknowledged Slack request failed")
        finally:
            self.inbound.finish(number)

    def _reply(self, reply: Reply, request: dict[str, Any]) -> None:
        if not reply.text:
            return
        if request.get("response_url"):
            public = reply.public and not is_direct(request["channel"])
            WebhookClient(request["response_url"]).send(**render.message(reply.text, reply.actions),
                                                         response_type="in_channel" if public else "ephemeral")
        else:
            self.answer(reply, request["user"], request["channel"], request.get("thread"))

    def handle(self, user: str, text: str, channel: str, message_id: str, thread: str | None = None) -> Reply:
        met = people.learn(self.engine, self.client, user)  # someone new: who Slack says they are
        text = render.unescape(people.named_mentions(self.client, text) if "<@" in text else text)
        reply = self.bot.handle(
            Incoming(
                text=text,
                platform=PLATFORM,
                sender=user,
                channel=channel,
                message_id=message_id,
                thread=thread,
                sender_name=met.name if met else "",
                sender_email=met.email if met else "",
            )
        )
        if reply.accepted:
            self.homes.publish_soon(user)
        return reply

    def answer(self, reply: Reply, user: str, channel: str, thread: str | None = None) -> None:
        """A reply in the conversation it answers: to the asker alone in a shared channel unless it is public."""
        if not reply.text:
            return
        shown = render.message(reply.text, reply.actions)
        if not channel:
            self.client.chat_postMessage(channel=user, **shown)
        elif reply.public or is_direct(channel):
            self.client.chat_postMessage(channel=channel, thread_ts=thread, **shown)
        else:
            self.client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread, **shown)

    def _actor(self, user: str) -> Any:
        people.learn(self.engine, self.client, user)
        with db.read_scope(self.engine) as session:
            actor = identify(session, Incoming(text="", platform=PLATFORM, sender=user))
            if actor is not None:
                session.expunge(actor)  # kept readable after the read's rollback
            return actor

    # --- listeners ---------------------------------------------------------------------------------------

    def on_error(self, error: Exception, body: Any) -> BoltResponse | None:
        """A signed request kubot cannot read gets 400 and one short line; any other error is a fault (500)."""
        if isinstance(error, BoltUnhandledRequestError):  # bolt's own line would be a screenful of advice
            self.refusals.tell(404, "no listener for it", gate.team(body))
            return BoltResponse(status=404, body="")
        if isinstance(error, Malformed) or not _from_kubot(error):
            self.refusals.tell(
                400, str(error) if isinstance(error, Malformed) else f"{type(error).__name__} in bolt", gate.team(body)
            )
            return BoltResponse(status=400, body="")
        log.error("a Slack request failed", exc_info=error)
        return None

    def on_command(self, ack: Ack, body: dict[str, Any]) -> None:
        text = render.unescape(body.get("text") or "").strip()
        user, channel, trigger = need(body, "user_id"), body.get("channel_id", ""), need(body, "trigger_id")
        request = {"user": user, "text": text, "channel": channel, "message_id": f"kommando:{trigger}",
                   "response_url": body.get("response_url")}
        if chat_forms.typed(text.casefold()):
            ack()
            # Not someone kubot knows: the core says whom to ask.
            self.after_ack(lambda: self.open_form(trigger, user, text.casefold(), channel, {}) or self.accept(request))
            return
        self.accept(request)
        ack()

    def on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return  # only people's own direct messages; channel messages reach kubot as mentions
        self.accept({"user": event["user"], "text": event.get("text", ""), "channel": event["channel"],
                     "message_id": f"händelse:{body.get('event_id')}"})

    def on_mention(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        self.accept(
            {
                "user": event["user"],
                "text": render.without_mention(event.get("text", "")),
                "channel": event["channel"],
                "message_id": f"händelse:{body.get('event_id')}",
                "thread": event.get("thread_ts"),
            }
        )

    def on_home_opened(self, event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            self.homes.publish_soon(event["user"])

    def on_button(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        user, value = need(body, "user.id"), need(action, "value")
        request = gate.clicked(body, action, user, value)
        word, _, rest = value.partition(" ")
        if word.casefold() == "saknas":  # the list opens in a modal; the core explains when it cannot
            trigger = need(body, "trigger_id")
            ack()
            def owed() -> None:
                if not self._show_owed(trigger, user, rest):
                    self._press(request)

            self.after_ack(owed)
            return
        self._press(request)
        ack()

    def _press(self, request: dict[str, Any]) -> None:
        if not self.accept(request):  # the button did its work the first time; silence would look like kubot is down
            user, channel, thread = request["user"], request["channel"], request["thread"]
            self.later(lambda: self.answer(Reply(PRESSED_AGAIN), user, channel, thread))

    def on_open_form(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        try:
            wanted = json.loads(need(action, "value"))
        except ValueError as error:
            raise Malformed("value not JSON") from error
        trigger, user, kind = need(body, "trigger_id"), need(body, "user.id"), need(wanted, "form")
        on_top = (body.get("view") or {}).get("type") == "modal"
        ack()
        self.after_ack(lambda: self.open_form(trigger, user, kind, "", wanted.get("fyll", {}), on_top))

    def _show_owed(self, trigger_id: str, user: str, period_text: str) -> bool:
        """A reminder's "rapportera": what is missing, each item with the button that opens its form."""
        actor = self._actor(user)
        today = self.clock().astimezone(self.settings.timezone).date()
        try:
            period = Period.parse(period_text) if period_text.strip() else Period.containing(today)
        except PeriodError:
            return False  # the core explains what is wrong with it
        if actor is None:
            return False
        with db.read_scope(self.engine) as session:
            view = home.owed_view(session, actor, period, today)
        self.client.views_open(trigger_id=trigger_id, view=view)
        return True

    def open_form(self, trigger_id: str, user: str, kind: str, channel: str, prefill: dict[str, str],
                  on_top: bool = False) -> bool:
        """Open form `kind`; False when the user is not known or may not send what it composes (the core then
        explains)."""
        actor = self._actor(user)
        if actor is None:
            return False
        with db.read_scope(self.engine) as session:
            if not chat_forms.may_open(session, actor, kind):
                return False
        view = forms.view(self._form(actor, kind, prefill), channel)
        if on_top:  # from a button in a modal: the form goes on top of it
            self.client.views_push(trigger_id=trigger_id, view=view)
        else:
            self.client.views_open(trigger_id=trigger_id, view=view)
        return True

    def _form(self, actor: Any, kind: str, preset: chat_forms.Values) -> chat_forms.Form:
        with db.read_scope(self.engine) as session:
            return chat_forms.build(
                session, kind, actor, self.clock().astimezone(self.settings.timezone).date(), preset
            )

    def on_redraw(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        """A menu the form depends on was chosen (the network): the form again, for that choice."""
        view, user = section(body, "view"), need(body, "user.id")
        entered = {**forms.values(view.get("state", {}).get("values") or {}),
                   need(action, "block_id"): need(action, "selected_option.value")}
        kind, channel = forms.metadata(view)
        view_id, drawn = need(view, "id"), forms.drawn(view)
        ack()
        self.after_ack(lambda: self._redraw(user, kind, channel, entered, view_id, view.get("hash"), drawn))

    def _redraw(self, user: str, kind: str, channel: str, entered: chat_forms.Values, view_id: str,
                view_hash: str | None, drawn: chat_forms.Values) -> None:
        actor = self._actor(user)
        if actor is None:
            return
        with db.read_scope(self.engine) as session:
            today = self.clock().astimezone(self.settings.timezone).date()
            redrawn = chat_forms.redraw(session, kind, actor, today, entered, drawn)
        self.client.views_update(view_id=view_id, hash=view_hash, view=forms.view(redrawn, channel))

    def on_form(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = need(body, "user.id")
        kind, channel = forms.metadata(view)
        values = forms.values(section(view, "state.values"))
        submitted_view = need(view, "id")
        form = self._form(self._actor(user), kind, values)
        empty = chat_forms.missing(form, values)
        if empty is not None:
            ack(response_action="errors", errors=forms.errors(form, empty))
            return
        text = chat_forms.command(form, values)
        submitted = hashlib.sha256(text.encode()).hexdigest()[:16]
        reply = self.handle(user, text, channel, f"formulär:{submitted_view}:{submitted}")
        if reply.accepted is False and not reply.repeated:
            ack(response_action="errors", errors=forms.errors(form, chat_forms.refusal(form, values, reply.text)))
            return
        ack()
        if not reply.repeated:
            self.later(lambda: self.answer(reply, user, channel))


# --- running it ------------------------------------------------------------------------------------------

def _shape_checked(body: dict[str, Any], next: Callable[[], BoltResponse | None]) -> BoltResponse | None:
    gate.check_shape(body)  # bolt names the argument `next`
    return next()


def _from_kubot(error: BaseException) -> bool:
    """Whether kubot's own code raised `error`, rather than bolt reading a request of an unexpected shape."""
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_globals.get("__name__", "").startswith("kubot."):
            return True
        trace = trace.tb_next
    return False
