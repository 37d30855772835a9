"""Who is who on a chat platform: a platform user is matched to a person in the plan by the e-mail
address the platform reports for them, on first contact, and remembered as a chat identity; an
administrator can link someone by hand with `koppla @användare Namn Namnsson`. Someone kubot does
not know is greeted by name and the administrators are told, with a button that opens `koppla`."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import NamedTuple

from sqlalchemy import Engine, delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kubot import db
from kubot.chat.registry import Context, Scope, Usage, command
from kubot.models import ChatIdentity, Staff
from kubot.models.plan import Role
from kubot.port import Action, Address, Incoming, Outgoing, Reply, Sender

log = logging.getLogger(__name__)
# How each platform's user ids look. Adapters write a mention as <@id|namn> (Slack's own form);
# a bare @id works too. On the console the ids are Slack's, as in the help example.
_IDS = {"slack": ("Slack", r"[UW][A-Z0-9]+"), "teams": ("Teams", r"29:[^\s|>]+")}


def known(engine: Engine, platform: str, user_id: str) -> bool:
    with db.read_scope(engine) as session:
        return session.exec(select(ChatIdentity.id).where(ChatIdentity.platform == platform,
                                                          ChatIdentity.external_id == user_id)).first() is not None


def match_by_email(engine: Engine, platform: str, user_id: str, addresses: Iterable[str | None]) -> str | None:
    """Give a platform user kubot has not met a chat identity when one of their addresses (e-mail,
    Teams' user principal name) is a staff member's; the name of the person matched, if any."""
    wanted = {a.strip().lower() for a in addresses if a and "@" in a}
    if not wanted:
        return None
    with Session(engine) as session:
        person = session.exec(select(Staff).where(func.lower(Staff.email).in_(wanted), Staff.active)).first()
    if person is None:
        return None
    try:
        with db.session_scope(engine) as session:
            session.add(ChatIdentity(staff_id=person.id or 0, platform=platform, external_id=user_id))
        # no names or addresses in the log
        log.info("a %s user was matched to person #%s by e-mail", platform, person.id)
    except IntegrityError:
        pass  # matched by a request handled at the same moment
    return person.name


@command("koppla", "link", role=Role.ADMIN, scope=Scope.ANY_AREA)
def link(ctx: Context, args: str) -> Reply:
    """Koppla en chattanvändare till en person i planen, när e-postadressen inte räcker: nämn användaren med @.
    Exempel: koppla @U0LISE Liselotte Karlsson
    """
    # The id says its platform (Slack's and Teams' ids look nothing alike), so an administrator in one
    # links a person who wrote in the other; a bare id on the console is taken as Slack's, as in the example.
    own = ctx.origin.channel if ctx.origin.channel in _IDS else "slack"
    for platform in (own, *(p for p in _IDS if p != own)):
        ids = _IDS[platform][1]
        if match := re.match(rf"^(?:<@({ids})(?:\|([^>]*))?>|@({ids})(?!\S))\s*", args):
            break
    else:
        raise Usage(f"Nämn {_IDS[own][0]}-användaren med @ och skriv sedan personens namn i planen.")
    name = args[match.end():].strip()
    person = ctx.session.exec(select(Staff).where(func.lower(Staff.name) == name.lower(), Staff.active)).first()
    if person is None:
        people = ", ".join(ctx.session.exec(select(Staff.name).where(Staff.active).order_by(col(Staff.name)).limit(4)))
        raise Usage(
            f"Det finns ingen aktiv person som heter ”{name[:60]}” i planen. Personer i planen är t.ex. {people}."
        )
    user_id = match.group(1) or match.group(3)
    ctx.session.exec(
        delete(ChatIdentity).where(col(ChatIdentity.platform) == platform, col(ChatIdentity.external_id) == user_id)
    )
    ctx.session.add(ChatIdentity(staff_id=person.id or 0, platform=platform, external_id=user_id))
    # Named as the platform names them: the id is nothing a person reads.
    shown = (match.group(2) or "").strip()
    user = f"{_IDS[platform][0]}-användaren {shown}" if shown else f"{_IDS[platform][0]}-användaren du nämnde"
    return Reply(f"Kopplat: {user} är nu {person.name} i kubot.", accepted=True)


# --- people kubot does not know ---------------------------------------------------------------------


class Notice(NamedTuple):
    """An administrator's notice about someone kubot does not know, addressed when it is sent (after the
    message's transaction: a platform's sender may read the database, which SQLite's writer would block)."""

    admin: str
    identities: dict[str, str]
    message: Outgoing


def deliver(notices: Sequence[Notice], sender: Sender) -> None:
    for notice in notices:
        address = sender.address(notice.admin, notice.identities)
        if address is None:
            log.warning(
                "an administrator has no chat link, so cannot hear of someone kubot does not know (kubot check says"
                " who)"
            )
            continue
        sender.send(replace(notice.message, to=address))


def meet(session: Session, message: Incoming, sender: Sender | None) -> tuple[Reply, list[Notice]]:
    """The answer to someone the plan does not have, and the administrators' notices about them.

    They are greeted by the name their platform gives and told whom to ask. The administrators are told
    once per person (each notice's key is the person's, and a sender delivers a key once) who wrote, with
    a button that opens `koppla` filled in – when the platform said who it is (the console does not) and
    the person was not someone an administrator took away (an inactive person keeps their chat identity)."""
    admins = session.exec(select(Staff).where(Staff.role == Role.ADMIN, Staff.active).order_by(col(Staff.name))).all()
    notices = _notices(session, message, admins, sender) if sender is not None else []
    told = [n.admin for n in notices]
    first = message.sender_name.split()[0] if message.sender_name.split() else ""
    hello = (
        f"Hej{f' {first}' if first else ''}! Jag känner inte igen dig i kubot än, så jag kan inte ta emot"
        " registreringar från dig."
    )
    if told:
        return Reply(f"{hello} Jag har sagt till {_names(told)}, som kan lägga till dig.", accepted=False), notices
    return Reply(f"{hello} Be {_names([a.name for a in admins]) or 'en administratör'} att lägga till dig i kubot.",
                 accepted=False), []


def _notices(session: Session, message: Incoming, admins: Sequence[Staff], sender: Sender) -> list[Notice]:
    platform = _IDS.get(message.platform)
    if (
        platform is None
        or not (message.sender_name or message.sender_email)
        or session.exec(
            select(ChatIdentity.id).where(
                ChatIdentity.platform == message.platform, ChatIdentity.external_id == message.sender
            )
        ).first()
        is not None
    ):
        return []
    name = " ".join(re.sub(r"[|<>@]", " ", message.sender_name).split())
    who = f"{name or 'En person utan namn'}{f' ({message.sender_email})' if message.sender_email else ''}"
    mention = f"<@{message.sender}|{name}>" if name else f"<@{message.sender}>"
    text = (f"{who} skrev till kubot i {platform[0]} men finns inte i planen. Koppla hen till en person i planen, "
            f"eller lägg till e-postadressen i planen (kubot plan export, e-post: på personen, kubot plan import) "
            "så känner jag igen hen nästa gång.")
    button = Action(f"Koppla {name}" if name else "Koppla", f"koppla {mention} ‹namn i planen›", form="koppla",
                    prefill=(("användare", mention),))
    person = hashlib.sha256(f"{message.platform}\0{message.sender}".encode()).hexdigest()[:24]
    identities: dict[int, dict[str, str]] = {}
    for row in session.exec(select(ChatIdentity).where(col(ChatIdentity.staff_id).in_([a.id for a in admins]))):
        identities.setdefault(row.staff_id, {})[row.platform] = row.external_id
    nowhere = Address("", "")  # set when it is sent
    return [
        Notice(
            admin.name,
            identities.get(admin.id or 0, {}),
            Outgoing(key=f"okänd:{person}:{admin.id}", to=nowhere, recipient=admin.name, text=text, actions=(button,)),
        )
        for admin in admins
    ]


def _names(names: Sequence[str]) -> str:
    """ "Ola", "Ola eller Eva", "Ola, Eva eller Kim"."""
    return f"{', '.join(names[:-1])} eller {names[-1]}" if len(names) > 1 else "".join(names)
