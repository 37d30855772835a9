"""Who is who on a chat platform: a platform user is matched to a person in the plan by the e-mail
address the platform reports for them, on first contact, and remembered as a chat identity; an
administrator can link someone by hand with `koppla @användare Namn Namnsson`."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from sqlalchemy import Engine, delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kubot import db
from kubot.chat.registry import Context, Scope, Usage, command
from kubot.models import ChatIdentity, Staff
from kubot.models.plan import Role
from kubot.port import Reply

log = logging.getLogger(__name__)
# How each platform's user ids look. Adapters write a mention as <@id|namn> (Slack's own form);
# a bare @id works too. On the console the ids are Slack's, as in the help example.
_IDS = {"slack": ("Slack", r"[UW][A-Z0-9]+"), "teams": ("Teams", r"29:[^\s|>]+")}


def known(engine: Engine, platform: str, user_id: str) -> bool:
    with Session(engine) as session:
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
        log.info("%s user %s matched to %s by e-mail", platform, user_id, person.name)
    except IntegrityError:
        pass  # matched by a request handled at the same moment
    return person.name


@command("koppla", "link", role=Role.ADMIN, scope=Scope.ANY_AREA)
def link(ctx: Context, args: str) -> Reply:
    """Koppla en chattanvändare till en person i planen, när e-postadressen inte räcker: nämn användaren med @.
    Exempel: koppla @U0LISE Liselotte Karlsson
    """
    platform = ctx.origin.channel if ctx.origin.channel in _IDS else "slack"
    label, ids = _IDS[platform]
    match = re.match(rf"^(?:<@({ids})(?:\|[^>]*)?>|@({ids})(?!\S))\s*", args)
    if match is None:
        raise Usage(f"Nämn {label}-användaren med @ och skriv sedan personens namn i planen.")
    name = args[match.end():].strip()
    person = ctx.session.exec(select(Staff).where(func.lower(Staff.name) == name.lower(), Staff.active)).first()
    if person is None:
        people = ", ".join(ctx.session.exec(select(Staff.name).where(Staff.active).order_by(col(Staff.name)).limit(4)))
        raise Usage(f"Det finns ingen aktiv person som heter ”{name[:60]}” i planen. Personer i planen är t.ex. {people}.")
    user_id = match.group(1) or match.group(2)
    ctx.session.exec(delete(ChatIdentity).where(col(ChatIdentity.platform) == platform, col(ChatIdentity.external_id) == user_id))
    ctx.session.add(ChatIdentity(staff_id=person.id or 0, platform=platform, external_id=user_id))
    return Reply(f"Kopplat: {label}-användaren {user_id} är nu {person.name} i kubot.", accepted=True)
