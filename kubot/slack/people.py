"""Who is who in Slack: a Slack user is matched to a person in the plan by the e-mail address
Slack reports for them, on first contact, and remembered as a chat identity; an administrator can
link someone by hand with `koppla @användare Namn Namnsson`."""

from __future__ import annotations

import logging
import re

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kubot import db
from kubot.chat.registry import Context, Scope, Usage, command
from kubot.models import ChatIdentity, Staff
from kubot.models.plan import Role
from kubot.port import Reply
from kubot.slack.sender import PLATFORM

log = logging.getLogger(__name__)
# Slack turns a typed @mention into <@U123|namn>; a bare @U123 (the id, as on the console) works too.
_USER = re.compile(r"^(?:<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|@([UW][A-Z0-9]+)(?!\S))\s*")


def known(engine: Engine, user_id: str) -> bool:
    with Session(engine) as session:
        return session.exec(select(ChatIdentity.id).where(ChatIdentity.platform == PLATFORM,
                                                          ChatIdentity.external_id == user_id)).first() is not None


def learn(engine: Engine, client: WebClient, user_id: str) -> None:
    """Give a Slack user kubot has not met a chat identity, when Slack's e-mail for them is a staff member's."""
    if known(engine, user_id):
        return
    try:
        email = (client.users_info(user=user_id)["user"].get("profile") or {}).get("email")
    except SlackApiError as exc:
        log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
        return
    if not email:
        return
    with Session(engine) as session:
        person = session.exec(select(Staff).where(func.lower(Staff.email) == email.lower(), Staff.active)).first()
    if person is None:
        return
    try:
        with db.session_scope(engine) as session:
            session.add(ChatIdentity(staff_id=person.id or 0, platform=PLATFORM, external_id=user_id))
        log.info("Slack user %s matched to %s by e-mail", user_id, person.name)
    except IntegrityError:
        pass  # matched by a request handled at the same moment


@command("koppla", "link", role=Role.ADMIN, scope=Scope.ANY_AREA)
def link(ctx: Context, args: str) -> Reply:
    """Koppla en Slack-användare till en person i planen, när e-postadressen inte räcker: nämn användaren med @.
    Exempel: koppla @U0LISE Liselotte Karlsson
    """
    match = _USER.match(args)
    if match is None:
        raise Usage("Nämn Slack-användaren med @ och skriv sedan personens namn i planen.")
    name = args[match.end():].strip()
    person = ctx.session.exec(select(Staff).where(func.lower(Staff.name) == name.lower(), Staff.active)).first()
    if person is None:
        people = ", ".join(ctx.session.exec(select(Staff.name).where(Staff.active).order_by(col(Staff.name)).limit(4)))
        raise Usage(f"Det finns ingen aktiv person som heter ”{name[:60]}” i planen. Personer i planen är t.ex. {people}.")
    user_id = match.group(1) or match.group(2)
    ctx.session.exec(delete(ChatIdentity).where(col(ChatIdentity.platform) == PLATFORM, col(ChatIdentity.external_id) == user_id))
    ctx.session.add(ChatIdentity(staff_id=person.id or 0, platform=PLATFORM, external_id=user_id))
    return Reply(f"Kopplat: Slack-användaren {user_id} är nu {person.name} i kubot.", accepted=True)
