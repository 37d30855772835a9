"""Only Teams may talk to kubot: a request without a valid Bot Framework token is refused before any handler runs.

The tests sign tokens with their own RSA key and point the SDK's validator at a local key set (JWKS)
in place of the Bot Framework's, which is the one thing they change: the SDK checks signature,
expiry and audience exactly as in production.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm
from microsoft_agents.hosting.core.authorization import ConnectionManager
from microsoft_agents.hosting.core.authorization.jwt import jwt_token_validator
from sqlalchemy import Engine
from sqlmodel import Session, select

from kubot.chat.core import Bot
from kubot.models import Attendance
from kubot.settings import Settings
from kubot.teams import server
from tests.conftest import NOW
from tests.teams.conftest import APP_ID, LISELOTTE, TENANT, Teams, link
from tests.teams.connector import FakeConnector, LoopServer

BOT_FRAMEWORK = "https://api.botframework.com"
KID = "kubot-test-key"


class Signer:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.fetches = 0  # of the key set, by kubot or the SDK

    def jwk(self) -> dict[str, Any]:
        return {**json.loads(RSAAlgorithm.to_jwk(self.key.public_key())), "kid": KID, "use": "sig", "alg": "RS256"}

    def token(self, service_url: str, *, audience: str = APP_ID, expires_in: int = 3600) -> str:
        now = int(time.time())
        claims = {
            "iss": BOT_FRAMEWORK,
            "aud": audience,
            "nbf": now - 60,
            "exp": now + expires_in,
            "serviceurl": service_url,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})


class ConnectorTokens:
    """Stands in for MSAL: the token kubot puts on its calls to the Bot Connector."""

    def __init__(self, configuration: Any) -> None:
        self.configuration = configuration

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        return "token-from-entra"

    def get_token_credential(self) -> Any:
        raise NotImplementedError


@pytest.fixture
def signer(monkeypatch: pytest.MonkeyPatch) -> Iterator[Signer]:
    signer = Signer()
    keys = LoopServer(lambda: _keys_app(signer))
    monkeypatch.setitem(jwt_token_validator.BOTFRAMEWORK_JWKS_URIS, BOT_FRAMEWORK, f"{keys.url}/keys")
    yield signer
    keys.stop()


def _keys_app(signer: Signer) -> web.Application:
    app = web.Application()

    async def keys(_: web.Request) -> web.Response:
        signer.fetches += 1
        return web.json_response({"keys": [signer.jwk()]})

    app.router.add_get("/keys", keys)
    return app


def _secured(engine: Engine, connector: FakeConnector, tmp_path: Path, app_id: str | None = APP_ID) -> Teams:
    link(engine, "Liselotte Karlsson", LISELOTTE)
    bot = Bot(engine, Settings(report_dir=tmp_path), clock=lambda: NOW)
    auth = server.auth_configuration(app_id, TENANT, "secret" if app_id else None, anonymous=False)
    connections = ConnectionManager(ConnectorTokens, connections_configurations={"SERVICE_CONNECTION": auth})
    return Teams(bot, connector, auth=auth, connections=connections)


@pytest.fixture
def secured(small_plan_engine: Engine, connector: FakeConnector, tmp_path: Path) -> Iterator[Teams]:
    teams = _secured(small_plan_engine, connector, tmp_path)
    yield teams
    teams.stop()


ATTENDANCE = "närvaro PKS 2022-11-21 3 av 3"


def _attendances(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(Attendance)).all())


def test_a_message_with_a_valid_teams_token_is_answered_with_kubots_own_token(secured: Teams, signer: Signer) -> None:
    status, _ = secured.send(secured.activity("vem"), token=signer.token(secured.connector.url))
    assert status == 202
    [reply] = secured.connector.sent()
    assert "Liselotte Karlsson" in reply["text"]
    [call] = [c for c in secured.connector.calls if "/activities" in c.path]
    assert call.authorization == "Bearer token-from-entra"


def test_a_message_without_a_token_is_refused_and_changes_nothing(secured: Teams, signer: Signer,
                                                                   small_plan_engine: Engine) -> None:
    status, answer = secured.send(secured.activity(ATTENDANCE))
    assert status == 401 and "Authorization" in answer["error"]
    assert secured.connector.calls == [] and _attendances(small_plan_engine) == 0


@pytest.mark.parametrize("forgery", ["other key", "other audience", "expired", "not a token", "basic auth"])
def test_a_forged_token_is_refused_and_changes_nothing(secured: Teams, signer: Signer, small_plan_engine: Engine,
                                                       forgery: str) -> None:
    url = secured.connector.url
    header = {
        "other key": f"Bearer {Signer().token(url)}",
        "other audience": f"Bearer {signer.token(url, audience='some-other-bot')}",
        "expired": f"Bearer {signer.token(url, expires_in=-3600)}",
        "not a token": "Bearer abc.def.ghi",
        "basic auth": "Basic a3Vib3Q6aGVtbGlndA==",
    }[forgery]
    status, _ = secured.send(secured.activity(ATTENDANCE), header=header)
    assert status == 401
    assert secured.connector.calls == [] and _attendances(small_plan_engine) == 0


def test_without_app_credentials_even_a_well_signed_token_is_refused(
    small_plan_engine: Engine, connector: FakeConnector, tmp_path: Path, signer: Signer
) -> None:
    teams = _secured(small_plan_engine, connector, tmp_path, app_id=None)
    try:
        assert teams.send(teams.activity(ATTENDANCE), token=signer.token(connector.url))[0] == 401
        assert teams.send(teams.activity(ATTENDANCE))[0] == 401
    finally:
        teams.stop()
    assert connector.calls == [] and _attendances(small_plan_engine) == 0


def test_anonymous_mode_accepts_a_message_without_a_token(teams: Teams, small_plan_engine: Engine) -> None:
    status, _ = teams.send(teams.activity(ATTENDANCE))
    assert status == 202
    assert _attendances(small_plan_engine) == 1
    assert teams.connector.sent()[0]["text"].startswith("Registrerat #")


# --- hostile tokens: every one refused with 401 in one short log line, never a 500 or a traceback -------------

def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(url: str, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    found = {"iss": BOT_FRAMEWORK, "aud": APP_ID, "nbf": now - 60, "exp": now + 3600, "serviceurl": url, **changes}
    return {name: value for name, value in found.items() if value is not None}


def _unsigned(header: Any, claims: Any) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}."


def _forgery(signer: Signer, url: str, name: str) -> str:
    """The Authorization header of forgery `name`."""
    now = int(time.time())

    def rsa_signed(headers: dict[str, str], **claims: object) -> str:
        return jwt.encode(_claims(url, **claims), signer.key, algorithm="RS256", headers=headers)

    valid = rsa_signed({"kid": KID})
    public_pem = signer.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    other_key = ec.generate_private_key(ec.SECP256R1())
    tokens = {
        "no kid, RS256": rsa_signed({}),
        "no kid, alg none": _unsigned({"alg": "none", "typ": "JWT"}, _claims(url)),
        "no kid, HS256": jwt.encode(_claims(url), "secret-long-enough-for-hmac-sha256!", algorithm="HS256"),
        "no kid, expired": rsa_signed({}, exp=now - 3600),
        "no kid, wrong audience": rsa_signed({}, aud="some-other-bot"),
        "kid as a number": _unsigned({"alg": "RS256", "kid": 7}, _claims(url)) + "c2ln",
        "empty kid": rsa_signed({"kid": ""}),
        "kid of 500 characters": rsa_signed({"kid": "k" * 500}),
        "unknown kid": rsa_signed({"kid": "not-a-key-of-microsoft"}),
        "unknown kid, other key": jwt.encode(_claims(url), Signer().key, algorithm="RS256", headers={"kid": "other"}),
        "our kid, other key": jwt.encode(_claims(url), Signer().key, algorithm="RS256", headers={"kid": KID}),
        "alg none with kid": _unsigned({"alg": "none", "kid": KID}, _claims(url)),
        "HS256 keyed with the public key": _unsigned({"alg": "HS256", "kid": KID}, _claims(url)) + _b64(
            hmac.new(public_pem, b"x", hashlib.sha256).digest()),
        "RS512": jwt.encode(_claims(url), signer.key, algorithm="RS512", headers={"kid": KID}),
        "PS256": jwt.encode(_claims(url), signer.key, algorithm="PS256", headers={"kid": KID}),
        "ES256": jwt.encode(_claims(url), other_key, algorithm="ES256", headers={"kid": KID}),
        "expired an hour ago": rsa_signed({"kid": KID}, exp=now - 3600),
        "expired beyond the leeway": rsa_signed({"kid": KID}, exp=now - 400),
        "not valid for another hour": rsa_signed({"kid": KID}, nbf=now + 3600),
        "no expiry": rsa_signed({"kid": KID}, exp=None),
        "expiry as text": _unsigned({"alg": "RS256", "kid": KID}, _claims(url, exp="tomorrow")) + "c2ln",
        "wrong audience": rsa_signed({"kid": KID}, aud="some-other-bot"),
        "audience as a list": rsa_signed({"kid": KID}, aud=[APP_ID]),
        "no audience": rsa_signed({"kid": KID}, aud=None),
        "wrong issuer": rsa_signed({"kid": KID}, iss="https://evil.example.com"),
        "no issuer": rsa_signed({"kid": KID}, iss=None),
        "issuer as a number": _unsigned({"alg": "RS256", "kid": KID}, _claims(url, iss=42)) + "c2ln",
        "truncated": valid[: len(valid) * 3 // 4],
        "signature removed": valid.rsplit(".", 1)[0] + ".",
        "header not JSON": f"{_b64(b'{not json')}.{_b64(b'{}')}.c2ln",
        "header a JSON list": f"{_b64(b'[]')}.{_b64(b'{}')}.c2ln",
        "claims not JSON": f"{_b64(json.dumps({'alg': 'RS256', 'kid': KID}).encode())}.{_b64(b'not json')}.c2ln",
        "garbage": "a!b@c#",
        "three dots": "abc.def.ghi",
        "huge": "a" * 7000,
    }
    if name in tokens:
        return f"Bearer {tokens[name]}"
    return {
        "empty Bearer": "Bearer ",
        "Bearer and nothing": "Bearer",
        "two tokens": f"Bearer {valid} {valid}",
        "Basic auth": "Basic a3Vib3Q6aGVtbGlndA==",
        "another scheme": f"Token {valid}",
        "empty header": "",
    }[name]


FORGERIES = [
    "no kid, RS256",
    "no kid, alg none",
    "no kid, HS256",
    "no kid, expired",
    "no kid, wrong audience",
    "kid as a number",
    "empty kid",
    "kid of 500 characters",
    "unknown kid",
    "unknown kid, other key",
    "our kid, other key",
    "alg none with kid",
    "HS256 keyed with the public key",
    "RS512",
    "PS256",
    "ES256",
    "expired an hour ago",
    "expired beyond the leeway",
    "not valid for another hour",
    "no expiry",
    "expiry as text",
    "wrong audience",
    "audience as a list",
    "no audience",
    "wrong issuer",
    "no issuer",
    "issuer as a number",
    "truncated",
    "signature removed",
    "header not JSON",
    "header a JSON list",
    "claims not JSON",
    "garbage",
    "three dots",
    "huge",
    "empty Bearer",
    "Bearer and nothing",
    "two tokens",
    "Basic auth",
    "another scheme",
    "empty header",
]


@pytest.mark.parametrize("name", FORGERIES)
def test_a_hostile_token_is_refused_with_401_and_one_short_line(
    secured: Teams, signer: Signer, small_plan_engine: Engine, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level(logging.INFO)
    status, answer = secured.send(secured.activity(ATTENDANCE), header=_forgery(signer, secured.connector.url, name))
    assert status == 401 and "Traceback" not in json.dumps(answer)
    assert secured.connector.calls == [] and _attendances(small_plan_engine) == 0
    assert signer.fetches <= 2, "the key set is fetched once, and again at most once for an unknown key id"
    for record in caplog.records:
        assert record.exc_info is None and record.levelno < logging.ERROR, record.getMessage()
        assert len(record.getMessage()) < 200


def test_a_refused_token_is_logged_with_its_reason_and_the_tenant_the_request_names_nothing_of_what_was_written(
        secured: Teams, signer: Signer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    status, _ = secured.send(secured.activity("närvaro Blåbärssoppan i Aneby", name="Liselotte Karlsson"),
                             header=_forgery(signer, secured.connector.url, "expired an hour ago"))
    assert status == 401
    [line] = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert "expired" in line and f"(tenant {TENANT})" in line
    assert not [r for r in caplog.records if "Blåbärssoppan" in r.getMessage() or "Liselotte" in r.getMessage()]


def test_the_hostile_token_table_has_at_least_thirty_variants() -> None:
    assert len(set(FORGERIES)) == len(FORGERIES) >= 30


def test_a_stream_of_unknown_key_ids_fetches_the_key_set_at_most_twice_and_a_real_token_still_passes(
        secured: Teams, signer: Signer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    url = secured.connector.url
    for number in range(40):
        token = jwt.encode(_claims(url), signer.key, algorithm="RS256", headers={"kid": f"made-up-{number}"})
        assert secured.send(secured.activity("vem"), token=token)[0] == 401
    assert signer.fetches <= 2
    assert len([r for r in caplog.records if "refused" in r.getMessage()]) <= 2
    assert secured.send(secured.activity("vem"), token=signer.token(url))[0] == 202
    assert signer.fetches <= 2, "a known key id is checked against the cached key set"
    assert "Liselotte Karlsson" in secured.connector.sent()[0]["text"]
