"""Short answers that continue a conversation: "ja" or "nej" to a single "Menade du …?", "mer" after a long list.

kubot remembers, per person and in the database (so it works across processes and chat
platforms), the message such an answer stands for. A suggestion never traps: it is said in
full («…») so the person sees what "ja" will do, it holds only for the very next message
(any other message cancels it) and for less than `EXPIRES_AFTER`, and it is used once.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlmodel import Session

from kubot.models import PendingReply, Staff

EXPIRES_AFTER = timedelta(minutes=10)
YES = "ja"
NO = "nej"
MORE = "mer"
_ANSWERS = {
    YES: re.compile(
        r"(?:ja|japp|jepp|jo|yes|ok|okej|precis|ja tack|ja,? det menade jag|ja,? gör det)[!. ]*", re.IGNORECASE
    ),
    NO: re.compile(r"(?:nej|nä|nej tack|no|nope|nej,? inte det|avbryt)[!. ]*", re.IGNORECASE),
    MORE: re.compile(r"(?:mer|visa mer|visa fler|fler|nästa sida|saknas mer|status mer)[!. ]*", re.IGNORECASE),
}
NOTHING_TO_CONFIRM = (
    "Jag har inget förslag som väntar på svar just nu – ett förslag gäller bara till nästa "
    f"meddelande, högst {EXPIRES_AFTER.seconds // 60} minuter. Skriv hela meddelandet, eller ”hjälp”."
)
DECLINED = "Okej, då gör jag inget. Skriv meddelandet som du menar det, eller ”hjälp”."


def answer_kind(text: str) -> str | None:
    """"ja", "nej" or "mer" when the whole message is such a short answer, else None."""
    return next((kind for kind, pattern in _ANSWERS.items() if pattern.fullmatch(text.strip())), None)


def offer(session: Session, actor: Staff, message: str, now: datetime) -> str:
    """Let the person's next "ja" run `message`; the words that say so, with the message in full."""
    remember(session, actor, YES, message, now)
    return f"Svara ”ja” så gör jag «{message}», eller ”nej”."


def remember(session: Session, actor: Staff, kind: str, message: str, now: datetime) -> None:
    """Let the person's next "ja" (or "mer") stand for `message`."""
    pending = session.get(PendingReply, (actor.id, kind)) or PendingReply(
        staff_id=actor.id or 0, kind=kind, text=message
    )
    pending.text = message
    pending.created_at = now
    session.add(pending)
    session.flush()


def forget(session: Session, actor: Staff, kind: str) -> None:
    pending = session.get(PendingReply, (actor.id, kind))
    if pending is not None:
        session.delete(pending)
        session.flush()


def recall(session: Session, actor: Staff, kind: str, now: datetime) -> str | None:
    """The message the person's "ja"/"mer" stands for, if it is fresh; it is used up."""
    pending = session.get(PendingReply, (actor.id, kind))
    if pending is None:
        return None
    session.delete(pending)
    session.flush()
    return pending.text if now - pending.created_at < EXPIRES_AFTER else None
