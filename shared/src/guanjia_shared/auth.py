"""Token verification against the gateway's JWKS, the caller, and role checks.

Services verify every token themselves (defence in depth): the gateway's check is not
trusted on its own. Keys are cached and refetched when a token names an unknown `kid`,
which is how a key rotation reaches the services without a restart, and at least every
`key_max_age` seconds, which is how a withdrawn key (after a leak) stops being trusted.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Collection, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Protocol
from urllib.parse import urlparse

import httpx
import jwt
from fastapi import Depends, Request

from guanjia_shared.errors import Forbidden, Unauthorized
from guanjia_shared.logging import get_logger

log = get_logger("guanjia.auth")

SIGNING_ALGORITHMS = ["EdDSA", "RS256"]


class Role(StrEnum):
    admin = "admin"
    leader = "leader"
    dept_head = "dept_head"
    agent = "agent"
    unit_staff = "unit_staff"
    commander = "commander"
    auditor = "auditor"
    integration = "integration"


# The bureau's own people (not the served agencies' staff, not machine clients): who reads
# what the bureau keeps for itself.
BUREAU_ROLES = frozenset(
    {Role.admin, Role.leader, Role.dept_head, Role.agent, Role.auditor, Role.commander}
)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a person (`kind="user"`) or another system (`kind="client"`)."""

    id: str
    username: str
    roles: frozenset[str]
    unit_id: str | None = None
    department: str | None = None
    kind: str = "user"
    # The person's name as people read it (the token's `name` claim); tokens issued
    # before the gateway wrote it carry only the username.
    name: str | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.username

    def has_any(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)


class BearerTokenVerifier(Protocol):
    """What `current_user` asks of `app.state.verifier`: services use the JwksVerifier,
    the gateway its own local keys."""

    async def verify(self, token: str) -> Principal: ...


class VerifiedTokens:
    """Tokens whose signature and claims were checked, each remembered until it expires,
    so that a caller's next requests cost one dictionary look-up instead of a signature
    check (about 0.4 ms for EdDSA). Bounded: expired entries go first, then all."""

    def __init__(self, size: int = 10_000, *, clock: Callable[[], float] = time.time) -> None:
        self.size = size
        # The wall clock in seconds, as a token's `exp`: injectable for tests.
        self.clock = clock
        # token → (who, when it expires, the kid of the key that signed it)
        self._entries: dict[str, tuple[Principal, float, str]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token: str) -> Principal | None:
        entry = self._entries.get(token)
        if entry is None or entry[1] <= self.clock():
            return None
        return entry[0]

    def remember(self, token: str, principal: Principal, expires_at: float, kid: str = "") -> None:
        if len(self._entries) >= self.size:
            moment = self.clock()
            self._entries = {
                cached: entry for cached, entry in self._entries.items() if entry[1] > moment
            }
            if len(self._entries) >= self.size:
                self._entries.clear()
        self._entries[token] = (principal, expires_at, kid)

    def keep_signed_by(self, kids: Collection[str]) -> None:
        """Forget the tokens signed by any other key: a withdrawn key's tokens must stop
        working before they expire."""
        self._entries = {token: entry for token, entry in self._entries.items() if entry[2] in kids}


class JwksVerifier:
    def __init__(
        self,
        jwks_url: str,
        *,
        issuer: str,
        audience: str,
        refetch_interval: float = 10.0,
        key_max_age: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self.refetch_interval = refetch_interval
        self.key_max_age = key_max_age
        # Seconds for the keys' age (`clock`) and the remembered tokens' expiry
        # (`wall_clock`): injectable for tests.
        self.clock = clock
        self.verified = VerifiedTokens(clock=wall_clock)
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def _fetch_jwks(self) -> dict[str, Any]:
        parsed = urlparse(self.jwks_url)
        if parsed.scheme == "file":
            return json.loads(await asyncio.to_thread(Path(parsed.path).read_text))
        async with httpx.AsyncClient(timeout=5) as client:
            response = await client.get(self.jwks_url)
            response.raise_for_status()
            return response.json()

    async def _load_keys(self) -> None:
        """Fetch the key set; forget tokens verified with keys it no longer holds."""
        document = await self._fetch_jwks()
        self._fetched_at = self.clock()
        self._keys = {entry["kid"]: jwt.PyJWK(entry) for entry in document.get("keys", [])}
        self.verified.keep_signed_by(self._keys)

    async def _key(self, kid: str) -> jwt.PyJWK:
        if kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            # An unknown kid refetches, but not more often than refetch_interval, so
            # forged kids cannot turn every request into a fetch.
            if kid not in self._keys and self.clock() - self._fetched_at > (
                self.refetch_interval if self._keys else 0
            ):
                try:
                    await self._load_keys()
                except (httpx.HTTPError, OSError, ValueError) as exc:
                    raise Unauthorized(
                        "signing keys are not available to verify the token"
                    ) from exc
        if kid not in self._keys:
            raise Unauthorized("the token is signed with an unknown key")
        return self._keys[kid]

    async def _refresh_stale_keys(self) -> None:
        async with self._lock:
            if self.clock() - self._fetched_at <= self.key_max_age:
                return  # another request refreshed them meanwhile
            try:
                await self._load_keys()
            except (httpx.HTTPError, OSError, ValueError) as exc:
                # The gateway unreachable for a moment must not lock everyone out: keep the
                # keys held, and try again after refetch_interval.
                self._fetched_at = self.clock() - self.key_max_age + self.refetch_interval
                log.warning("jwks_refresh_failed", url=self.jwks_url, error=str(exc))

    async def verify(self, token: str) -> Principal:
        stale = self._keys and self.clock() - self._fetched_at > self.key_max_age
        if stale and not self._lock.locked():  # one request refreshes, the others go on
            await self._refresh_stale_keys()
        if (known := self.verified.get(token)) is not None:
            return known
        kid = key_id_of(token)
        key = await self._key(kid)
        claims = decode_token(
            token, key, issuer=self.issuer, audience=self.audience, algorithms=SIGNING_ALGORITHMS
        )
        principal = principal_from_claims(claims)
        self.verified.remember(token, principal, float(claims["exp"]), kid)
        return principal


def key_id_of(token: str) -> str:
    """The `kid` a token names, read before its signature is checked (to pick the key)."""
    try:
        return str(jwt.get_unverified_header(token).get("kid", ""))
    except jwt.PyJWTError as exc:
        raise Unauthorized("the token is malformed") from exc


def decode_token(
    token: str, key: Any, *, issuer: str, audience: str, algorithms: list[str]
) -> dict[str, Any]:
    """Check signature, issuer, audience and expiry; answers the token's claims."""
    try:
        return jwt.decode(
            token,
            key,
            algorithms=algorithms,
            audience=audience,
            issuer=issuer,
            options={"require": ["exp", "iat", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("the token has expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("the token is not valid") from exc


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    return Principal(
        id=str(claims["sub"]),
        username=str(claims.get("username", claims["sub"])),
        roles=frozenset(claims.get("roles", [])),
        unit_id=claims.get("unit_id"),
        department=claims.get("department"),
        kind=str(claims.get("kind", "user")),
        name=claims.get("name"),
    )


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("a bearer token is required")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <token>'")
    return token.strip()


async def current_user(request: Request) -> Principal:
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    verifier: BearerTokenVerifier = request.app.state.verifier
    principal = await verifier.verify(bearer_token(request.headers.get("authorization")))
    request.state.principal = principal
    return principal


CurrentUser = Annotated[Principal, Depends(current_user)]


def ensure_role(actor: Principal, roles: Collection[Role | str]) -> None:
    """Refuse `actor` unless they hold one of `roles`: for a rule to check itself, so a job
    or another caller cannot skip what the route's `require_roles` checks."""
    allowed = frozenset(str(role) for role in roles)
    if actor.roles.isdisjoint(allowed):
        raise Forbidden(f"this needs one of the roles: {', '.join(sorted(allowed))}")


def require_roles(*roles: Role | str) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency that lets through only callers holding one of `roles`."""

    async def _check(user: CurrentUser) -> Principal:
        ensure_role(user, roles)
        return user

    return _check
