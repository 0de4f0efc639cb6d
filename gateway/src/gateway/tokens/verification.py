"""Local verification of the gateway's own tokens, on the hot path of every proxied call and
of the gateway's own routes."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from gateway.revocations.service import RevokedSubjects
from guanjia_shared.auth import (
    Principal,
    VerifiedTokens,
    decode_token,
    key_id_of,
    principal_from_claims,
)
from guanjia_shared.errors import Unauthorized


class TokenVerifier:
    """Checks signature, issuer, audience and expiry against the gateway's own public keys,
    and remembers each verified token until it expires (VerifiedTokens); refuses, at every
    call, the tokens of deactivated users and revoked clients (RevokedSubjects)."""

    def __init__(
        self,
        keys: Mapping[str, Ed25519PublicKey],
        *,
        issuer: str,
        audience: str,
        revoked: RevokedSubjects,
        cache_size: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.keys = dict(keys)
        self.revoked = revoked
        self.issuer = issuer
        self.audience = audience
        # `clock`: the wall clock in seconds, as a token's `exp` (injectable for tests).
        self._verified = VerifiedTokens(cache_size, clock=clock)

    def verify_now(self, token: str) -> Principal:
        principal = self._verified.get(token) or self._verify_signed(token)
        if principal.id in self.revoked:
            raise Unauthorized("the account this token was issued to is no longer active")
        return principal

    def _verify_signed(self, token: str) -> Principal:
        key = self.keys.get(key_id_of(token))
        if key is None:
            raise Unauthorized("the token is signed with an unknown key")
        claims = decode_token(
            token, key, issuer=self.issuer, audience=self.audience, algorithms=["EdDSA"]
        )
        principal = principal_from_claims(claims)
        self._verified.remember(token, principal, float(claims["exp"]))
        return principal

    async def verify(self, token: str) -> Principal:
        """The shape the shared `current_user` dependency calls."""
        return self.verify_now(token)
