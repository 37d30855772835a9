"""The outgoing side of the chat port: messages kubot starts, and the adapters that carry them.

The domain (reminders, notices) builds `Outgoing` messages and hands them to whatever
`Sender` is configured; it never knows whether that is the console outbox or Slack.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from kubot.chat.messages import Action


@dataclass(frozen=True)
class Outgoing:
    """A message to one person. `key` is unique per message: a sender given the same key twice
    must deliver it once, which is what makes a retried delivery after a crash harmless."""

    key: str
    address: str
    recipient: str
    text: str
    actions: tuple[Action, ...] = ()


class Sender(Protocol):
    """A chat platform's way to reach people."""

    platform: str

    def address(self, name: str, identities: Mapping[str, str]) -> str | None:
        """Where `name` is reached, from their chat identities per platform; None when they cannot be."""
        ...

    def send(self, message: Outgoing) -> None:
        """Deliver the message, once per key; raise if it could not be delivered."""
        ...
