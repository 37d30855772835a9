"""The chat port: the types every chat platform adapter and the domain speak, and nothing else.

Messages come in as `Incoming` and the chat core answers with a `Reply`; messages kubot
starts itself (reminders, the result of a slow command) go out as `Outgoing` through a
`Sender`. Text is plain: each adapter renders it for its platform (escaping, buttons, files),
so a placeholder like ‹värde› or a user's own `<` survives every platform unchanged. Nothing a
person reads names the server's internals: a file goes as an `Attachment` with a human title,
its path only for the adapter to read it from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol


@dataclass(frozen=True)
class Action:
    """A follow-up an adapter may offer as a button; clicking sends `command` as a message.

    With a `form` (a chat form's kind, kubot.chat.forms) the button opens that form instead, filled in
    with `prefill` (field id, value); a platform without forms shows `command` to type."""

    label: str
    command: str
    form: str = ""
    prefill: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message. People see `title` (and `filename`, the title as a file name);
    `path` is where the adapter reads the file and is never shown on a chat platform."""

    path: Path
    title: str

    @property
    def filename(self) -> str:
        """The title as a file name every platform and file system takes, with the file's own suffix."""
        safe = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", " ", self.title)
        return f"{' '.join(safe.split()) or self.path.stem}{self.path.suffix}"


@dataclass(frozen=True)
class Incoming:
    """A message from a person, as any chat platform delivers it.

    `channel` is the conversation it was written in (a channel, a direct message) and `thread`
    the thread inside it, if any. `message_id` is the platform's own id for the message, event or
    click; the core handles each id once, so a retried delivery or a double click does nothing more.
    `sender_name` and `sender_email` are who the platform says the sender is (Slack's profile, the
    Teams roster), "" when it does not say: how kubot greets and names someone it does not know.
    """

    text: str
    platform: str
    sender: str
    channel: str = ""
    message_id: str | None = None
    thread: str | None = None
    sender_name: str = ""
    sender_email: str = ""


@dataclass(frozen=True)
class Reply:
    """kubot's answer. `accepted` is True for a stored entry, False for a rejected message, None otherwise.

    A reply is private to the asker unless `public`: in a shared channel the adapter shows a private
    reply to the asker alone. `repeated` marks the answer to a message handled before (a platform's
    retry, a double click): the adapter should show nothing new.
    """

    text: str
    accepted: bool | None = None
    actions: tuple[Action, ...] = ()
    files: tuple[Attachment, ...] = ()
    public: bool = False
    repeated: bool = False


class Address(NamedTuple):
    """A person on one chat platform: the platform's name and its id for them."""

    platform: str
    id: str


@dataclass(frozen=True)
class Outgoing:
    """A message kubot starts, to one person. `key` is unique per message: a sender given the same
    key twice must deliver it once, which is what makes a retried delivery after a crash harmless.

    Without a `conversation` it is a direct message to `to`; with one it goes into that conversation
    (and `thread`), shown to everyone there when `public`, else to `to` alone.
    """

    key: str
    to: Address
    recipient: str
    text: str
    actions: tuple[Action, ...] = ()
    files: tuple[Attachment, ...] = ()
    conversation: str = ""
    thread: str | None = None
    public: bool = False


@dataclass(frozen=True)
class Unreached:
    """Why a person cannot be reached, and what an administrator does about it, both in Swedish."""

    why: str
    fix: str


class NotConfigured(Exception):
    """The way to reach people cannot be built as asked: people are known on a platform whose settings are
    missing. The message, in Swedish, names the settings; kubot refuses to deliver rather than lose messages."""


class Sender(Protocol):
    """A chat platform's way to reach people."""

    @property
    def platform(self) -> str:
        """The platform's name ("console", "slack", …); a class attribute satisfies it."""
        ...

    def address(self, name: str, identities: Mapping[str, str]) -> Address | None:
        """Where `name` is reached, from their chat identities per platform; None when they cannot be."""
        ...

    def why_not(self, name: str, identities: Mapping[str, str]) -> Unreached:
        """Why `name` is not reached here (asked when `address` gave None), for the administrators."""
        ...

    def send(self, message: Outgoing) -> None:
        """Deliver the message, once per key; raise if the platform did not accept it."""
        ...
