"""The platform-neutral chat core: a message in, a reply out.

Adapters (console, Slack, …) translate their platform's events into `Incoming` and
render the `Reply`. Everything a message does happens in one database transaction:
a rejected or failed message writes nothing. A message with a platform id is handled
once: the id is recorded in that same transaction, so a retried event or a double
click gets no second run, whatever the command does.

A slow command (one that declares it, like `rapport`) is acknowledged at once when the
bot has a `Sender`: its result is delivered later to the same conversation. The job is
stored first, so one that a restart cuts off is reported to its asker by `resume`.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kubot import access, db
from kubot.chat import absence_commands as _absence_commands  # noqa: F401  (registers frånvarande)
from kubot.chat import commands as _commands  # noqa: F401  (registers the commands)
from kubot.chat import (
    followups,
    people,  # registers "koppla"; meets people kubot does not know
    questions,
    running,
)
from kubot.chat import reminder_commands as _reminder_commands  # noqa: F401  (registers the reminder commands)
from kubot.chat import report_command as _report_command  # noqa: F401  (registers "rapport")
from kubot.chat import signoff_commands as _signoff_commands  # noqa: F401  (klar, godkänn, rapportstatus)
from kubot.chat import staff_commands as _staff_commands  # noqa: F401  (registers inaktivera/aktivera)
from kubot.chat import status_commands as _status_commands  # noqa: F401
from kubot.chat.registry import COMMANDS, Context
from kubot.journal import Origin
from kubot.models import (
    ChatIdentity,
    Inbound,
    PendingReply,
    SlowJob,
    Staff,
)
from kubot.port import Address, Incoming, Outgoing, Reply, Sender
from kubot.settings import Settings
from kubot.text import storable

log = logging.getLogger(__name__)
MAX_MESSAGE_LENGTH = 2000
FAILED = ("Något gick fel hos mig, och inget sparades. Försök igen om en stund; "
          "kvarstår felet, kontakta en administratör.")
Identify = Callable[[Session, Incoming], Staff | None]
# How close (rapidfuzz ratio) a first word must be to a command's name to be taken as a typo of it.
COMMAND_TYPO_SCORE = 75
# Platforms that recognise people their own way when they have no chat identity (the console: by name).
_RECOGNISERS: dict[str, Identify] = {}


def recognise(platform: str, how: Identify) -> None:
    """Let `platform` recognise a sender without a chat identity its own way."""
    _RECOGNISERS[platform] = how


def clean(text: str) -> str:
    """Storable text (see `kubot.text`), every kind of space to one plain space."""
    text = "".join(" " if unicodedata.category(ch) in {"Cc", "Cf", "Zs", "Zl", "Zp"} else ch for ch in storable(text))
    return re.sub(r" +", " ", text).strip()


class Bot:
    """Answers chat messages on behalf of the people in the plan."""

    def __init__(self, engine: Engine, settings: Settings, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 sender: Sender | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.sender = sender
        self._jobs = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kubot-jobb") if sender else None
        self._running: set[Future[None]] = set()

    def handle(self, message: Incoming) -> Reply:
        # Made safe once, here: the text is parsed, stored and quoted from this on.
        message = replace(message, text=storable(message.text), sender=storable(message.sender))
        text = clean(message.text)
        if not text:
            return Reply("Skriv ett kommando, till exempel ”hjälp” för att se vad jag kan.", accepted=False)
        if len(text) > MAX_MESSAGE_LENGTH:
            return Reply(
                f"Meddelandet är för långt ({len(text)} tecken). Skriv högst {MAX_MESSAGE_LENGTH} tecken per"
                " meddelande.",
                accepted=False,
            )
        job: int | None = None
        notices: list[people.Notice] = []
        try:
            with db.session_scope(self.engine) as session:
                handled = _first_time(session, message)
                actor = identify(session, message)
                if actor is None:
                    reply, notices = people.meet(session, message, self.sender)
                else:
                    reply, job = self._run(session, actor, message, text)
                if handled is not None:
                    handled.accepted, handled.reply = reply.accepted, reply.text
                    session.add(handled)
        except _HandledBefore:
            return self._earlier(message)
        except Exception:
            # The platform and the message's id find it; what was written and by whom stays out of the log.
            log.exception("a %s message failed (id %s)", message.platform, message.message_id)
            return Reply(FAILED, accepted=False)
        if job is not None:
            self._start(job)
        self._tell(notices)
        return reply

    def _tell(self, notices: list[people.Notice]) -> None:
        """Send the administrators' notices, after the message's transaction (a sender records what it sent)."""
        if self.sender is None or not notices:
            return
        try:
            people.deliver(notices, self.sender)
        except Exception:
            log.exception("could not tell the administrators about someone kubot does not know")

    def _earlier(self, message: Incoming) -> Reply:
        with Session(self.engine) as session:
            row = session.exec(select(Inbound).where(Inbound.platform == message.platform,
                                                     Inbound.message_id == message.message_id)).one()
        return Reply(row.reply, accepted=row.accepted, repeated=True)

    def _run(self, session: Session, actor: Staff, message: Incoming, text: str) -> tuple[Reply, int | None]:
        kind = followups.answer_kind(text)
        if kind == followups.NO:
            declined = followups.recall(session, actor, followups.YES, self.clock())
            return Reply(followups.DECLINED if declined else followups.NOTHING_TO_CONFIRM, accepted=False), None
        if kind != followups.YES:
            followups.forget(session, actor, followups.YES)  # a suggestion holds for the next message only
        if chat := questions.small_talk(text, actor.name.split()[0]):
            return Reply(chat), None
        if kind is not None:
            remembered = followups.recall(session, actor, kind, self.clock())
            if remembered is None:
                return (
                    Reply(
                        (
                            followups.NOTHING_TO_CONFIRM
                            if kind == followups.YES
                            else "Det finns inget mer att visa just nu."
                        ),
                        accepted=False,
                    ),
                    None,
                )
            text = remembered
        text = questions.as_command(text) or text
        word, rest = running.first_word(text)
        command = COMMANDS.get(word.lower().rstrip(":!?.,"))
        context = self._context(session, actor, message.platform, message.message_id, message.text)
        if command is None and running.names_a_meeting(context, word, text):
            command, rest = COMMANDS["närvaro"], text
        if command is None:
            return self._or_proposal(context, text, self._unknown(session, actor, word, rest), kind), None
        if not context.has_role(command.role):
            ranks = [r.value for r in access.roles_at_least(command.role)]
            allowed = session.exec(select(Staff.name).where(col(Staff.role).in_(ranks), Staff.active)).all()
            return Reply(f"”{command.name}” kan bara {access.who_may(command.role)} använda. "
                         f"Fråga {', '.join(allowed[:3]) or 'en administratör'}.", accepted=False), None
        if command.slow and self.sender is not None:
            job = SlowJob(
                actor_id=actor.id or 0,
                platform=message.platform,
                address=message.sender,
                conversation=message.channel,
                thread=message.thread,
                message_id=message.message_id,
                text=text,
                created_at=self.clock(),
            )
            session.add(job)
            session.flush()
            return Reply(command.slow), job.id
        return self._or_proposal(context, text, running.execute(context, command, rest, text), kind), None

    def _or_proposal(self, context: Context, text: str, refused: Reply, answer: str | None) -> Reply:
        """The grammar's reply, or – when it refused without a suggestion of its own and a language model
        is configured – "Menar du: «…»?" with the model's proposal, if kubot's own grammar accepts it.
        Nothing is stored until the person says "ja"; any other outcome is the grammar's own refusal."""
        if refused.accepted is not False or answer is not None or not self.settings.llm_url:
            return refused
        if context.session.get(PendingReply, (context.actor.id, followups.YES)) is not None:
            return refused  # the grammar suggested something already
        from kubot.chat import proposal  # only then: the client costs start-up time every message would pay

        proposed = proposal.propose(self.settings, text, **running.known(context), commands=running.command_examples(),
                                    today=context.today.isoformat())
        if proposed is None or proposed.casefold() == text.casefold() or not running.parses(context, proposed):
            return refused
        followups.remember(context.session, context.actor, followups.YES, proposed, context.now)
        return Reply(f"Menar du: «{proposed}»? Svara ja.", accepted=False)

    def _unknown(self, session: Session, actor: Staff, word: str, rest: str) -> Reply:
        """A message that starts with no command: a typo gets "Menade du …?" (and "ja" runs it), anything else a
        short hint."""
        from rapidfuzz import fuzz, process  # only for a word that is no command: a right one starts sooner

        near = process.extractOne(word.casefold(), list(COMMANDS), scorer=fuzz.ratio, score_cutoff=COMMAND_TYPO_SCORE)
        if near is not None:
            meant = COMMANDS[near[0]].name
            offer = followups.offer(session, actor, f"{meant} {rest}".strip(), self.clock())
            return Reply(f"Menade du {meant}? {offer}", accepted=False)
        return Reply(f"Jag förstår inte ”{word[:40]}”. Skriv ”hjälp” för att se vad jag kan, till exempel "
                     "”närvaro PKS idag 12 av 13” eller ”saknas”.", accepted=False)

    def _context(self, session: Session, actor: Staff, platform: str, message_id: str | None, text: str) -> Context:
        now = self.clock()
        origin = Origin(
            actor=actor, channel=platform, message_id=message_id, message_text=text[:MAX_MESSAGE_LENGTH], at=now
        )
        return Context(session=session, actor=actor, origin=origin, now=now, settings=self.settings)

    def _start(self, job_id: int) -> None:
        assert self._jobs is not None
        future = self._jobs.submit(self._finish, job_id)
        self._running.add(future)
        future.add_done_callback(self._running.discard)

    def _finish(self, job_id: int) -> None:
        """Run a slow command, deliver its result to where it was asked, and only then call the job done."""
        with Session(self.engine, expire_on_commit=False) as session:
            job = session.get_one(SlowJob, job_id)
            name = session.get_one(Staff, job.actor_id).name
        try:
            with db.session_scope(self.engine) as session:
                # Writing first makes this the writer from the start: SQLite cannot turn a transaction that
                # has read into one that writes when another writer committed in between.
                session.exec(update(SlowJob).where(col(SlowJob.id) == job_id).values(problem=""))
                actor = session.get_one(Staff, job.actor_id)
                word, rest = running.first_word(job.text)
                context = self._context(session, actor, job.platform, job.message_id, job.text)
                reply = running.execute(context, COMMANDS[word.lower().rstrip(":!?.,")], rest, job.text)
            state, problem = "done", ""
        except Exception as exc:
            log.exception("slow command failed: job %s", job_id)
            reply = Reply(f"Jag kunde inte göra klart ”{job.text}”. {FAILED}", accepted=False)
            state, problem = "failed", type(exc).__name__
        self._deliver(job, name, reply, state, problem)

    def _deliver(self, job: SlowJob, name: str, reply: Reply, state: str, problem: str) -> None:
        assert self.sender is not None
        try:
            # The same key for the result and for a restart's notice: the person gets one of them.
            self.sender.send(Outgoing(key=f"jobb:{job.id}", to=Address(job.platform, job.address), recipient=name,
                                      text=reply.text, actions=reply.actions, files=reply.files,
                                      conversation=job.conversation, thread=job.thread, public=reply.public))
        except Exception as exc:
            log.exception("could not deliver the result of job %s", job.id)
            state, problem = "failed", problem or f"kunde inte levereras: {type(exc).__name__}"
        with db.session_scope(self.engine) as session:
            stored = session.get_one(SlowJob, job.id)
            stored.state, stored.problem, stored.finished_at = state, problem, self.clock()
            session.add(stored)

    def resume(self) -> int:
        """Tell the askers of jobs a restart cut off that they must ask again; returns how many there were."""
        with db.session_scope(self.engine) as session:
            cut_off = session.exec(select(SlowJob).where(SlowJob.state == "running").order_by(col(SlowJob.id))).all()
            names = {s.id: s.name for s in session.exec(select(Staff))}
        for job in cut_off:
            notice = Reply(
                f"Jag startades om innan jag blev klar med ”{job.text}”, så det blev inget. Skriv ”{job.text}” igen.",
                accepted=False,
            )
            self._deliver(job, names[job.actor_id], notice, "interrupted", "avbrutet av omstart")
        return len(cut_off)

    def close(self) -> None:
        """Wait for the slow commands under way to finish and deliver."""
        wait(list(self._running))
        if self._jobs is not None:
            self._jobs.shutdown(wait=True)


class _HandledBefore(Exception):
    """The message's platform id is recorded already."""


def _first_time(session: Session, message: Incoming) -> Inbound | None:
    """The inbound ledger's row of this message, now marked handled (None for a message without id);
    raises _HandledBefore for a repeat.

    It is the transaction's first write, so a second transaction handling the same id waits for the first and
    then finds it handled (or fails on the unique constraint): of two deliveries at once, one runs. A request
    an adapter acknowledged first has its row already; any other message gets one here."""
    if message.message_id is None:
        return None
    now = datetime.now(UTC)
    mine = (col(Inbound.platform) == message.platform) & (col(Inbound.message_id) == message.message_id)
    if session.exec(update(Inbound).where(mine, col(Inbound.handled_at).is_(None)).values(handled_at=now)).rowcount:
        return session.exec(select(Inbound).where(mine)).one()
    row = Inbound(platform=message.platform, message_id=message.message_id, received_at=now, handled_at=now)
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:
        raise _HandledBefore from exc
    return row


def identify(session: Session, message: Incoming) -> Staff | None:
    """The staff member behind a message: by chat identity, or as the platform recognises people."""
    found = session.exec(
        select(Staff).join(ChatIdentity).where(ChatIdentity.platform == message.platform,
                                               ChatIdentity.external_id == message.sender, Staff.active)
    ).first()
    recogniser = _RECOGNISERS.get(message.platform)
    return found if found is not None or recogniser is None else recogniser(session, message)
