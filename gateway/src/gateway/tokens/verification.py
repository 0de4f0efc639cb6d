"""Local verification of the gateway's own tokens, on the hot path of every proxied call."""

from __future__ import annotations

import time
from collections.abc import Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from guanjia_shared.auth import Principal, decode_token, key_id_of, principal_from_claims
from guanjia_shared.errors import Unauthorized


class TokenVerifier:
    """Checks signature, issuer, audience and expiry against the gateway's own public keys,
    and remembers each verified token until it expires, so that a caller's next requests
    cost one dictionary look-up instead of a signature check."""

    def __init__(
        self,
        keys: Mapping[str, Ed25519PublicKey],
        *,
        issuer: str,
        audience: str,
        cache_size: int = 10_000,
    ) -> None:
        self.keys = dict(keys)
        self.issuer = issuer
        self.audience = audience
        self.cache_size = cache_size
        self._verified: dict[str, tuple[Principal, float]] = {}

    def verify_now(self, token: str) -> Principal:
        cached = self._verified.get(token)
        if cached is not None and cached[1] > time.time():
            return cached[0]
        key = self.keys.get(key_id_of(token))
        if key is None:
            raise Unauthorized("the token is signed with an unknown key")
        claims = decode_token(
            token, key, issuer=self.issuer, audience=self.audience, algorithms=["EdDSA"]
        )
        principal = principal_from_claims(claims)
        self._remember(token, principal, float(claims["exp"]))
        return principal

    async def verify(self, token: str) -> Principal:
        """The shape the shared `current_user` dependency calls."""
        return self.verify_now(token)

    def _remember(self, token: str, principal: Principal, expires_at: float) -> None:
        if len(self._verified) >= self.cache_size:
            moment = time.time()
            self._verified = {
                cached: entry for cached, entry in self._verified.items() if entry[1] > moment
            }
            if len(self._verified) >= self.cache_size:
                self._verified.clear()
        self._verified[token] = (principal, expires_at)
