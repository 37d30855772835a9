"""What a Bot Framework token must look like before the SDK's validator sees it.

The SDK's validator fails with a KeyError (HTTP 500 and a traceback) on a token without a key id, and
fetches the key set again for every key id it does not know, so a stream of forged tokens would be a
stream of 500s and of requests to Microsoft. This middleware runs first and answers 401, in one short
log line (kubot.refusals: the reason and the tenant the body names, nothing else of it), for anything
that cannot pass: no Bearer token, not a JWT, an algorithm the validator does not accept, no key id, expired or not yet
valid, another audience or issuer, or a key id
the key set lacks. The key set is the SDK's own cached one; a key id it lacks makes it fetch the set
again at most once every REFRESH seconds (Microsoft rotates keys every few weeks). What passes here is
then validated by the SDK as before: signature, expiry, audience.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import jwt
from aiohttp import web
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration
from microsoft_agents.hosting.core.authorization.jwt.jwt_token_validator import JwtTokenValidator, _build_jwks_uri

from kubot.refusals import RefusalLog

log = logging.getLogger(__name__)
ALGORITHMS = {"RS256"}  # the only one the SDK's validator decodes with
LONGEST = 6000  # characters; Bot Framework and Entra tokens are 1–3 kB
LEEWAY = 300  # seconds of clock difference, as the SDK's validator allows
REFRESH = 60.0  # seconds between two fetches of a key set for a key id it lacked
TENANT_ID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")  # a GUID
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Refused(Exception):
    """The token cannot pass the SDK's validator; the message says why, without the token."""


def shape(header: str, auth: AgentAuthConfiguration, now: float) -> tuple[dict[str, Any], str]:
    """The unverified header and the JWKS address of a token that has the shape of one Teams sends, else Refused."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or any(char.isspace() for char in token):
        raise Refused("not a Bearer token")
    if len(token) > LONGEST:
        raise Refused("token too long")
    try:
        head = jwt.get_unverified_header(token)
        body = jwt.decode(token, options={"verify_signature": False})
    except (jwt.PyJWTError, ValueError, TypeError) as error:
        raise Refused("not a JWT") from error
    if head.get("alg") not in ALGORITHMS:
        raise Refused("algorithm not accepted")
    kid = head.get("kid")
    if not isinstance(kid, str) or not kid or len(kid) > 200:
        raise Refused("no key id")
    expires, starts = body.get("exp"), body.get("nbf")
    if not isinstance(expires, int | float) or expires + LEEWAY < now:
        raise Refused("expired")
    if isinstance(starts, int | float) and starts - LEEWAY > now:
        raise Refused("not yet valid")
    audience = body.get("aud")
    if not isinstance(audience, str) or not auth.CLIENT_ID or audience.lower() != auth.CLIENT_ID.lower():
        raise Refused("another audience")
    issuer = body.get("iss")
    if not isinstance(issuer, str) or issuer.lower() not in {known.lower() for known in auth.ISSUERS}:
        raise Refused("another issuer")
    # Where the validator itself will look for the key (private to the SDK, pinned to 1.9.x in pyproject.toml).
    return head, _build_jwks_uri(issuer, auth, auth)


class KeyIds:
    """The key ids of the SDK's cached key sets, fetched again for an unknown id at most every REFRESH seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._fetched: dict[str, float] = {}

    async def knows(self, address: str, kid: str) -> bool:
        return await asyncio.to_thread(self._knows, address, kid)

    def _knows(self, address: str, kid: str) -> bool:
        entry = JwtTokenValidator._jwk_client_manager._get_jwk_client(address)
        with entry.lock:  # the SDK's own lock around the same client, so a fetch is never made twice at once
            if self._has(entry.jwk_client.get_jwk_set(), kid):  # cached for five minutes by PyJWKClient
                return True
            if self.clock() - self._fetched.get(address, -REFRESH) < REFRESH:
                return False
            self._fetched[address] = self.clock()
            return self._has(entry.jwk_client.get_jwk_set(refresh=True), kid)

    @staticmethod
    def _has(keys: jwt.PyJWKSet, kid: str) -> bool:
        return any(key.key_id == kid for key in keys.keys)


async def tenant(request: web.Request) -> str:
    """The Teams tenant a refused request names, for its log line ("tenant …"): the one thing of its body
    that is logged, and only when it has a tenant id's shape; "" otherwise."""
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError, web.HTTPException):  # not JSON, or larger than aiohttp reads
        return ""
    if not isinstance(body, dict):
        return ""
    data, conversation = body.get("channelData"), body.get("conversation")
    found = data.get("tenant") if isinstance(data, dict) else None
    found = found.get("id") if isinstance(found, dict) else None
    if found is None and isinstance(conversation, dict):
        found = conversation.get("tenantId")
    return f"tenant {found}" if isinstance(found, str) and TENANT_ID.fullmatch(found) else ""


def middleware(auth: AgentAuthConfiguration, keys: KeyIds | None = None) -> Any:
    """An aiohttp middleware, to run before the SDK's jwt_authorization_middleware."""
    refusals = RefusalLog(log, "Teams request")
    known = keys or KeyIds()

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        header = request.headers.get("Authorization")
        if header is None:  # the SDK lets it through in anonymous mode, and says what is missing otherwise
            return await handler(request)
        try:
            head, address = shape(header, auth, time.time())
            try:
                found = await known.knows(address, head["kid"])
            except jwt.PyJWKClientError as error:  # Microsoft's key set cannot be fetched: nothing can be checked
                raise Refused("key set unreachable") from error
            if not found:
                raise Refused("unknown key id")
        except Refused as refused:
            refusals.tell(401, str(refused), await tenant(request))
            return web.json_response({"error": "Invalid token or authentication failed."}, status=401)
        return await handler(request)

    return check
