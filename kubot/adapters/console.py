"""The console adapter: chat with kubot in a terminal when no chat platform is configured."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable
from typing import TextIO

from sqlmodel import Session, select

from kubot.chat import core
from kubot.chat.core import Bot
from kubot.models import Staff
from kubot.port import Incoming, Reply

PLATFORM = "console"
# People used to the Slack command type it on the console too.
_PREFIX = re.compile(r"^\s*(?:/kubot\b|@?kubot\b[:,]?)\s*", re.IGNORECASE)
GREETING = """\
Hej {name}! Jag är kubot. Här registrerar du det du gjort, så hamnar det i uppföljningen och rapporterna.
Prova till exempel:
  närvaro PKS idag 12 av 13
  saknas
  hjälp
Avsluta med ”sluta” eller Ctrl-D."""
QUIT = {"sluta", "avsluta", "exit", "quit", "hejdå"}


def render(reply: Reply) -> str:
    """Plain text for a terminal; buttons become commands to type. The terminal runs where the files are, so
    each file is shown once, by its path."""
    text = reply.text
    if reply.actions:
        text += "\n" + "\n".join(f"  [{a.label}] skriv: {a.command}" for a in reply.actions)
    if reply.files:
        text += "\n" + "\n".join(f"  Fil: {file.path}" for file in reply.files)
    return text


def by_name(session: Session, message: Incoming) -> Staff | None:
    """On the console people say who they are by their name in the plan."""
    wanted = message.sender.strip().casefold()
    return next((s for s in session.exec(select(Staff).where(Staff.active)) if s.name.casefold() == wanted), None)


core.recognise(PLATFORM, by_name)


def say(bot: Bot, name: str, text: str, message_id: str | None = None) -> Reply:
    return bot.handle(Incoming(text=_PREFIX.sub("", text, count=1), platform=PLATFORM, sender=name, channel=PLATFORM,
                               message_id=message_id))


def chat(bot: Bot, name: str, read: Callable[[str], str] | None = None, out: TextIO | None = None) -> None:
    """The interactive loop: a line in, kubot's reply out, until the person quits."""
    read = read or input
    out = out or sys.stdout
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history where the platform has it)
    print(GREETING.format(name=name), file=out)
    while True:
        try:
            line = read("> ")
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            break
        if line.strip().lower() in QUIT:
            break
        if line.strip():
            print(render(say(bot, name, line)), file=out)
    print("Hej då!", file=out)
