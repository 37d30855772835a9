"""`kubot demo`: the published figures of Verksamhetsberättelse 2018 as ordinary entries.

The figures are chat messages (kubot/data/demo_2018.txt), each with the day it is sent; they
go through the chat core as the plan's administrator, on the console, with the core's clock
at that day – so they are journaled, echoed, undoable and dated like anything typed in chat.
Each message carries an id, so loading the demo twice stores nothing twice. Never loaded by
default: an empty database stays empty until someone runs `kubot demo`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import partial
from importlib import resources

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from kubot.adapters import console
from kubot.chat.core import Bot
from kubot.models import Entry, Staff
from kubot.models.plan import Role
from kubot.port import Incoming
from kubot.settings import Settings

SOURCE = "demo_2018.txt"
# Messages are sent at noon Swedish time on their day.
NOON = time(12, 0)


class DemoError(RuntimeError):
    """The demo could not be loaded; the message is Swedish."""


@dataclass(frozen=True)
class Message:
    line: int
    day: date
    text: str


def messages() -> Iterator[Message]:
    text = resources.files("kubot.data").joinpath(SOURCE).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        day, _, message = line.partition(" | ")
        # A line break inside a message (a text of several paragraphs) is written as \n in the file.
        yield Message(number, date.fromisoformat(day.strip()), message.strip().replace("\\n", "\n"))


def _entries(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Entry)).one()


def load(engine: Engine, settings: Settings) -> tuple[int, int]:
    """Send every demo message; returns (messages, entries stored now). Raises DemoError if one is refused."""
    before = _entries(engine)
    with Session(engine) as session:
        admin = session.exec(select(Staff).where(Staff.role == Role.ADMIN).order_by(col(Staff.id))).first()
        if admin is None:
            raise DemoError("Planen har ingen administratör att registrera demodata som. Läs in exempelplanen först.")
        name = admin.name
    sent = 0
    for message in messages():
        bot = Bot(engine, settings, clock=partial(datetime.combine, message.day, NOON, settings.timezone))
        reply = bot.handle(Incoming(text=message.text, platform=console.PLATFORM, sender=name, channel=console.PLATFORM,
                                    message_id=f"demo-2018-{message.line}"))
        if reply.accepted is False:
            raise DemoError(f"Demodata rad {message.line} avvisades: {reply.text}")
        sent += 1
    return sent, _entries(engine) - before
