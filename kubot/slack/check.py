"""What `kubot check` asks of Slack: are the token and signing secret set and accepted, does the app
have the scopes kubot uses, and whom can it reach (the `kubot.checks` entry point)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from kubot.check import Finding, Level, Person, PlatformCheck, Reach
from kubot.settings import Settings
from kubot.slack.sender import PLATFORM, web_client

NAME = "Slack"
# The bot scopes in kubot/slack/manifest.yaml; without one of them some part of kubot fails later.
SCOPES = ("commands", "chat:write", "im:history", "im:write", "app_mentions:read", "users:read", "users:read.email",
          "files:write")
SIGNING_SECRET = re.compile(r"[0-9a-f]{32}")


def check(settings: Settings, engine: Engine, people: Sequence[Person]) -> PlatformCheck:
    token, secret = settings.slack_bot_token, settings.slack_signing_secret
    if not token and not secret:
        return PlatformCheck(NAME, (Finding(Level.OFF, "Slack är av (SLACK_BOT_TOKEN och SLACK_SIGNING_SECRET är inte satta)"),),
                             configured=False)
    missing = [name for name, value in (("SLACK_BOT_TOKEN", token), ("SLACK_SIGNING_SECRET", secret)) if not value]
    if missing:
        return PlatformCheck(NAME, (Finding(Level.FAIL, f"Slack är halvt inställt: {' och '.join(missing)} saknas",
                                            "kopiera värdet från appens sida på api.slack.com/apps"),), configured=True,
                             reach={p.name: Reach(False, "Slack är inte inställt") for p in people})
    findings = []
    if not SIGNING_SECRET.fullmatch(secret or ""):
        findings.append(Finding(Level.WARN, "SLACK_SIGNING_SECRET ser inte ut som en signeringsnyckel (32 tecken 0–9, a–f)",
                                "kopiera Signing Secret under Basic Information"))
    client = web_client(settings)
    try:
        answer = client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error") or "okänt fel"
        findings.append(Finding(Level.FAIL, f"Slack godtar inte SLACK_BOT_TOKEN ({error})",
                                "kopiera Bot User OAuth Token (xoxb-…) på nytt under OAuth & Permissions"))
        return PlatformCheck(NAME, tuple(findings), configured=True,
                             reach={p.name: Reach(False, "Slack godtar inte token") for p in people})
    except OSError as exc:
        findings.append(Finding(Level.FAIL, f"Slack går inte att nå ({exc})", "kontrollera nätverket och SLACK_API_URL"))
        return PlatformCheck(NAME, tuple(findings), configured=True,
                             reach={p.name: Reach(False, "Slack nås inte") for p in people})
    findings.append(Finding(Level.OK, f"Slack: inloggad som {answer.get('user', 'kubot')} i {answer.get('team') or answer.get('team_id')}"))
    scopes = next((str(v) for k, v in answer.headers.items() if k.lower() == "x-oauth-scopes"), "")
    granted = {s.strip() for s in scopes.split(",") if s.strip()}
    lacking = [s for s in SCOPES if s not in granted] if granted else []  # no header: a stand-in API, nothing to compare
    if lacking:
        findings.append(Finding(Level.FAIL, f"Slack-appen saknar behörigheterna {', '.join(lacking)}",
                                "lägg till dem under OAuth & Permissions (se kubot/slack/manifest.yaml) och installera om appen"))
    return PlatformCheck(NAME, tuple(findings), configured=True, reach={p.name: _reach(client, p) for p in people})


def _reach(client: WebClient, person: Person) -> Reach:
    if person.identities.get(PLATFORM):
        return Reach(True, "kopplad")
    if not person.email:
        return Reach(False, "ingen e-post i planen")
    try:
        client.users_lookupByEmail(email=person.email)
    except SlackApiError as exc:
        if exc.response.get("error") == "users_not_found":
            return Reach(False, "ingen Slack-användare har den e-postadressen")
        return Reach(False, f"uppslagningen misslyckades ({exc.response.get('error')})")
    return Reach(False, "finns i Slack men har inte skrivit till kubot än")
