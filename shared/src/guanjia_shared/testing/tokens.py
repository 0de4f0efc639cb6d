"""Signed tokens for service tests: a real Ed25519 key and a JWKS file the service reads,
so the service's own verification runs exactly as behind the gateway."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

TEST_ISSUER = "guanjia-gateway"
TEST_AUDIENCE = "guanjia"


class TokenMint:
    def __init__(self, directory: Path) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.kid = uuid.uuid4().hex[:16]
        jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "alg": "EdDSA"})
        self.jwks_path = directory / "jwks.json"
        self.jwks_path.write_text(json.dumps({"keys": [jwk]}))
        self.jwks_url = f"file://{self.jwks_path}"

    def token(
        self,
        *roles: str,
        sub: str | None = None,
        username: str | None = None,
        name: str | None = None,
        unit_id: str | None = None,
        department: str | None = None,
        expires_in: timedelta = timedelta(minutes=5),
        issuer: str = TEST_ISSUER,
    ) -> str:
        # The wall clock, not the injectable one: services check a token's times with PyJWT
        # against the wall clock, also while a test has frozen `now()` on another day.
        issued = datetime.now(UTC)
        subject = sub or str(uuid.uuid4())
        claims = {
            "sub": subject,
            "username": username or f"user-{subject[:8]}",
            "name": name,
            "roles": list(roles),
            "unit_id": unit_id,
            "department": department,
            "kind": "user",
            "iss": issuer,
            "aud": TEST_AUDIENCE,
            "iat": int(issued.timestamp()),
            "exp": int((issued + expires_in).timestamp()),
        }
        return jwt.encode(claims, self.key, algorithm="EdDSA", headers={"kid": self.kid})

    def headers(self, *roles: str, **claims: object) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(*roles, **claims)}"}


class Person:
    """Someone with a fixed id and their token's headers, minted at once: on the wall clock,
    which is what a service checks a token's times against, also while a test has frozen
    `now()` on another day."""

    def __init__(self, mint: TokenMint, *roles: str, **claims: object) -> None:
        self.id = str(uuid.uuid4())
        self.roles = roles
        self.department = claims.get("department")
        self.headers = mint.headers(*roles, sub=self.id, **claims)
