"""The composition root: the one place that builds kubot – a migrated engine with a plan, and the
routing sender that reaches people. Only entry points import it (`kubot.cli`, the `kubot say`
process); everything else receives the engine, the sender and the settings from them."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import select

from kubot import db
from kubot.adapters.outbox import OutboxSender
from kubot.adapters.routing import RoutingSender, platform_senders, refusal
from kubot.journal import Origin
from kubot.models import PlanVersion
from kubot.port import NotConfigured, Sender
from kubot.settings import Settings


def start(settings: Settings) -> Engine:
    """An engine on a database that is migrated to the newest schema and has a plan.

    A fresh database gets the bundled sample plan so a newcomer can use kubot at once.
    """
    engine = db.make_engine(settings.database_url)
    if db.pending_migrations(engine):  # a database already at the newest schema is only read (it may be read-only)
        db.upgrade(engine)
    with db.session_scope(engine) as session:
        if session.exec(select(PlanVersion.id)).first() is None:
            from kubot.plan import importing, loading  # a plan's file format, once per database: not every start

            importing.apply(
                session, loading.load(loading.sample_text(), "exempelplanen"), Origin(actor=None, channel="system")
            )
    return engine


def sender(settings: Settings, engine: Engine) -> Sender:
    """The way to reach people: each on the chat platform they are linked to; the console outbox is the
    mailbox only when no platform is configured at all."""
    return _routing(settings, engine, platform_senders(settings, engine))


def delivering_sender(settings: Settings, engine: Engine) -> Sender:
    """The sender for whatever delivers reminders (`kubot worker`, `kubot reminders`): refused with
    NotConfigured when people are linked to a platform that is neither set up nor switched off on purpose."""
    platforms = platform_senders(settings, engine)
    why = refusal(settings, engine, platforms)
    if why is not None:
        raise NotConfigured(why)
    return _routing(settings, engine, platforms)


def _routing(settings: Settings, engine: Engine, platforms: list[Sender]) -> Sender:
    return RoutingSender(engine, platforms or [OutboxSender(engine)], off=settings.platforms_off)
