"""What `kubot check` asks of Slack: are the token and signing secret set and accepted, does the app
have the scopes kubot uses, and whom can it reach (the `kubot.checks` entry point)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web import SlackResponse
from sqlalchemy import Engine

from kubot.check import Finding, Level, Person, PlatformCheck, Reach
from kubot.settings import Settings
from kubot.slack.sender import PLATFORM, web_client
from kubot.troubles import network_trouble

NAME = "Slack"
# The bot scopes in kubot/slack/manifest.yaml; without one of them some part of kubot fails later.
SCOPES = ("commands", "chat:write", "im:history", "im:write", "app_mentions:read", "users:read", "users:read.email",
          "files:write")
SIGNING_SECRET = re.compile(r"[0-9a-f]{32}")


# What Slack's refusals of a token mean (api.slack.com/methods/auth.test); others are named by Slack's code.
TOKEN_ERRORS = {"invalid_auth": "token är ogiltig", "not_authed": "ingen token kom fram",
                "token_revoked": "token har dragits tillbaka", "token_expired": "token har gått ut",
                "account_inactive": "appen är avinstallerad eller kontot avstängt"}
NOT_JSON = "Received a response in a non-JSON format"


def check(settings: Settings, engine: Engine, people: Sequence[Person]) -> PlatformCheck:
    token, secret = settings.slack_bot_token, settings.slack_signing_secret
    if not token and not secret:
        return PlatformCheck(
            NAME,
            (Finding(Level.OFF, "Slack är av (SLACK_BOT_TOKEN och SLACK_SIGNING_SECRET är inte satta)"),),
            configured=False,
        )
    linked = {p.name: Reach(True, "kopplad") for p in people if p.identities.get(PLATFORM)}
    missing = [name for name, value in (("SLACK_BOT_TOKEN", token), ("SLACK_SIGNING_SECRET", secret)) if not value]
    if missing:
        return PlatformCheck(NAME, (Finding(Level.FAIL, f"Slack är halvt inställt: {' och '.join(missing)} saknas",
                                            "kopiera värdet från appens sida på api.slack.com/apps"),), configured=True,
                             reach=linked, trouble="Slack inte är helt inställt")
    findings = []
    if not SIGNING_SECRET.fullmatch(secret or ""):
        findings.append(
            Finding(
                Level.WARN,
                "SLACK_SIGNING_SECRET ser inte ut som en signeringsnyckel (32 tecken 0–9, a–f)",
                "kopiera Signing Secret under Basic Information",
            )
        )
    client = web_client(settings)
    signed_in = _sign_in(client, settings)
    if isinstance(signed_in, tuple):
        return PlatformCheck(NAME, (*findings, signed_in[0]), configured=True, reach=linked, trouble=signed_in[1])
    answer = signed_in
    team = answer.get("team") or answer.get("team_id")
    findings.append(Finding(Level.OK, f"Slack: inloggad som {answer.get('user', 'kubot')} i {team}"))
    scopes = next((str(v) for k, v in answer.headers.items() if k.lower() == "x-oauth-scopes"), "")
    granted = {s.strip() for s in scopes.split(",") if s.strip()}
    # no header: a stand-in API, nothing to compare
    lacking = [s for s in SCOPES if s not in granted] if granted else []
    if lacking:
        findings.append(
            Finding(
                Level.FAIL,
                f"Slack-appen saknar behörigheterna {', '.join(lacking)}",
                "lägg till dem under OAuth & Permissions (se kubot/slack/manifest.yaml) och installera om appen",
            )
        )
        return PlatformCheck(NAME, tuple(findings), configured=True, reach=linked,
                             trouble="Slack-appen saknar behörigheter")
    return PlatformCheck(NAME, tuple(findings), configured=True, reach={p.name: _reach(client, p) for p in people})


def _sign_in(client: WebClient, settings: Settings) -> SlackResponse | tuple[Finding, str]:
    """auth.test's answer, or the ✗ line saying in Swedish why it failed and the clause for the people lines."""
    address = client.base_url
    where = "SLACK_API_URL" if settings.slack_api_url else "att servern når slack.com"
    try:
        return client.auth_test()
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "")
        if error in TOKEN_ERRORS:
            return (Finding(Level.FAIL, f"Slack godtar inte SLACK_BOT_TOKEN ({TOKEN_ERRORS[error]})",
                            "kopiera Bot User OAuth Token (xoxb-…) på nytt under OAuth & Permissions"),
                    "Slack inte godtar token")
        if error.startswith(NOT_JSON) or not error:
            return (Finding(Level.FAIL, f"{address} svarar inte som Slacks Web API (HTTP {exc.response.status_code})",
                            f"kontrollera {where}"), f"{address} inte är Slacks Web API")
        return (Finding(Level.FAIL, f"Slack avvisar inloggningen (Slacks felkod {error})",
                        "se felkoden på api.slack.com/methods/auth.test"), "Slack avvisar inloggningen")
    except SlackRequestError:  # the SDK's only refusal before sending: an address that is not http(s)
        return (Finding(Level.FAIL, f"SLACK_API_URL {address} är ingen webbadress",
                        "ange en adress som börjar med https:// eller ta bort variabeln"), "SLACK_API_URL är fel")
    except OSError as exc:
        return (Finding(Level.FAIL, f"Slack svarar inte på {address} ({network_trouble(exc)})", f"kontrollera {where}"),
                f"Slack inte svarar på {address}")


def _reach(client: WebClient, person: Person) -> Reach:
    if person.identities.get(PLATFORM):
        return Reach(True, "kopplad")
    if not person.email:
        return Reach(False, "ingen e-post i planen")
    try:
        client.users_lookupByEmail(email=person.email)
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error == "users_not_found":
            return Reach(False, "ingen Slack-användare har den e-postadressen")
        if error == "missing_scope":
            return Reach(False, "appen får inte slå upp e-post (behörigheten users:read.email saknas)")
        return Reach(False, f"uppslagningen misslyckades (Slacks felkod {error})")
    except OSError as exc:
        return Reach(False, f"uppslagningen fick inget svar från Slack ({network_trouble(exc)})")
    return Reach(False, "finns i Slack men har inte skrivit till kubot än")
