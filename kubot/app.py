"""Starting kubot: connect, migrate, and load the sample plan into an empty database."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import select

from kubot import db
from kubot.chat.outbox import OutboxSender
from kubot.journal import Origin
from kubot.models import PlanVersion
from kubot.plan import importing, loading
from kubot.port import Sender
from kubot.routing import RoutingSender, platform_senders
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
            importing.apply(session, loading.load(loading.sample_text(), "exempelplanen"), Origin(actor=None, channel="system"))
    return engine


def sender(settings: Settings, engine: Engine) -> Sender:
    """The way to reach people: each on the chat platform they are known on, else in the console outbox."""
    return RoutingSender(engine, [*platform_senders(settings, engine), OutboxSender(engine)])
