"""Only Teams may talk to kubot: a request without a valid Bot Framework token is refused before any handler runs.

The tests sign tokens with their own RSA key and point the SDK's validator at a local key set (JWKS)
in place of the Bot Framework's, which is the one thing they change: the SDK checks signature,
expiry and audience exactly as in production.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
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

    def jwk(self) -> dict[str, Any]:
        return {**json.loads(RSAAlgorithm.to_jwk(self.key.public_key())), "kid": KID, "use": "sig", "alg": "RS256"}

    def token(self, service_url: str, *, audience: str = APP_ID, expires_in: int = 3600) -> str:
        now = int(time.time())
        claims = {"iss": BOT_FRAMEWORK, "aud": audience, "nbf": now - 60, "exp": now + expires_in, "serviceurl": service_url}
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


def test_without_app_credentials_even_a_well_signed_token_is_refused(small_plan_engine: Engine, connector: FakeConnector,
                                                                      tmp_path: Path, signer: Signer) -> None:
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
