"""The chat core's own message types: what an adapter hands in and what it gets back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Incoming:
    """A message from a person, as any chat platform delivers it."""

    text: str
    platform: str
    sender: str
    channel: str = ""
    message_id: str | None = None


@dataclass(frozen=True)
class Action:
    """A follow-up an adapter may offer as a button; clicking sends `command` as a message."""

    label: str
    command: str


@dataclass(frozen=True)
class Reply:
    """kubot's answer. `accepted` is True for a stored entry, False for a rejected message, None otherwise."""

    text: str
    accepted: bool | None = None
    actions: tuple[Action, ...] = ()
    files: tuple[Path, ...] = field(default=())
