"""What `kubot check` asks of Teams (the `kubot.checks` entry point): the bot registration's three
values, the SDK on a Python that runs it, and who has a conversation kubot may write in. It imports
no SDK, so it answers on any Python."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Sequence

from sqlalchemy import Engine

from kubot.check import Finding, Level, Person, PlatformCheck, Reach
from kubot.settings import TEAMS_CONNECTION, Settings
from kubot.teams import people

NAME = "Teams"
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def check(settings: Settings, engine: Engine, staff: Sequence[Person]) -> PlatformCheck:
    values = {
        "CLIENTID": settings.teams_app_id,
        "CLIENTSECRET": settings.teams_app_secret,
        "TENANTID": settings.teams_tenant_id,
    }
    if not any(values.values()) and not settings.teams_anonymous:
        return PlatformCheck(
            NAME,
            (Finding(Level.OFF, f"Teams är av ({TEAMS_CONNECTION}CLIENTID med flera är inte satta)"),),
            configured=False,
        )
    findings = []
    missing = [TEAMS_CONNECTION + key for key, value in values.items() if not value]
    if settings.teams_anonymous:
        findings.append(Finding(Level.WARN, "Teams tar emot anrop utan token (KUBOT_TEAMS_ANONYMOUS)",
                                "bara för lokal provning med Agents Playground; ta bort variabeln i drift"))
    elif missing:
        findings.append(Finding(Level.FAIL, f"Teams är halvt inställt: {', '.join(missing)} saknas",
                                "kopiera värdena från botens appregistrering i Azure"))
    for key, label in (("CLIENTID", "app-id"), ("TENANTID", "klient-id (tenant)")):
        value = values[key]
        if value and not GUID.fullmatch(value):
            findings.append(Finding(Level.FAIL, f"Teams {label} i {TEAMS_CONNECTION}{key} är inget GUID",
                                    "kopiera det från appregistreringens översikt i Azure"))
    trouble = "Teams inte är rätt inställt" if any(f.level is Level.FAIL for f in findings) else ""
    if sys.version_info < (3, 12) or importlib.util.find_spec("microsoft_agents") is None:
        findings.append(Finding(Level.FAIL, "Teams-delen är inte installerad här",
                                "kör kubot med Python 3.12 och pip install -e '.[teams]'"))
        trouble = trouble or "Teams-delen inte är installerad här"
    if not trouble:
        findings.append(
            Finding(Level.OK, "Teams: appregistreringen är ifylld (hemligheten provas när kubot skickar första gången)")
        )
    return PlatformCheck(NAME, tuple(findings), configured=True, reach={p.name: _reach(engine, p) for p in staff},
                         trouble=trouble)


def _reach(engine: Engine, person: Person) -> Reach:
    user = person.identities.get(people.PLATFORM)
    if user and people.reference(engine, person=user) is not None:
        return Reach(True, "kopplad")
    return Reach(False, "har inte skrivit till kubot i Teams än")
