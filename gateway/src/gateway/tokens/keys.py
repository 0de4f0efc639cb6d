"""The gateway's Ed25519 signing key, the previous public key kept through a rotation, and
the JWKS that the services fetch to verify tokens."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from gateway.config import Settings
from guanjia_shared.settings import InsecureDefaultError


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _public_members(key: Ed25519PublicKey) -> dict[str, str]:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"crv": "Ed25519", "kty": "OKP", "x": _base64url(raw)}


def key_id(key: Ed25519PublicKey) -> str:
    """The RFC 7638 thumbprint: the same for a key wherever and whenever it is computed."""
    canonical = json.dumps(_public_members(key), separators=(",", ":"), sort_keys=True)
    return _base64url(hashlib.sha256(canonical.encode()).digest())


@dataclass(frozen=True)
class SigningKeys:
    signing_key: Ed25519PrivateKey
    kid: str
    # Every key a token of ours may be signed with, by kid: the current one and the previous.
    verification_keys: dict[str, Ed25519PublicKey]

    def jwks(self) -> dict[str, Any]:
        return {
            "keys": [
                {**_public_members(key), "kid": kid, "use": "sig", "alg": "EdDSA"}
                for kid, key in self.verification_keys.items()
            ]
        }


def load_signing_keys(settings: Settings) -> SigningKeys:
    path = settings.resolved_signing_key_file
    if not path.exists():
        if settings.environment == "production":
            raise InsecureDefaultError(
                f"gateway: no signing key at {path}; production needs the key file named by "
                "GUANJIA_GATEWAY_SIGNING_KEY_FILE"
            )
        _write_new_key(path)
    signing_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(signing_key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    kid = key_id(signing_key.public_key())
    verification_keys = {kid: signing_key.public_key()}
    if settings.previous_public_key_file is not None:
        previous = serialization.load_pem_public_key(settings.previous_public_key_file.read_bytes())
        if not isinstance(previous, Ed25519PublicKey):
            raise ValueError(f"{settings.previous_public_key_file} is not an Ed25519 public key")
        verification_keys.setdefault(key_id(previous), previous)
    return SigningKeys(signing_key=signing_key, kid=kid, verification_keys=verification_keys)


def _write_new_key(path: Path) -> None:
    """A development key, readable by its owner only. Written aside and linked into place, so
    that two gateways starting together end up with one key, complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    try:
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink()
