"""The signature a receiver checks: HMAC-SHA256, keyed by the subscription's secret, over
`<timestamp>.<body>` (the Unix seconds of the attempt, a dot, the exact bytes POSTed),
sent as `Guanjia-Signature: t=<timestamp>,v1=<hex>` with a second `v1=` while the secret
before a rotation still signs. The timestamp lets a receiver refuse old replays."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Guanjia-Signature"
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secrets_in_use: list[str], timestamp: int, body: bytes) -> str:
    return ",".join(
        [
            f"t={timestamp}",
            *(f"v1={signature(secret, timestamp, body)}" for secret in secrets_in_use),
        ]
    )


def verify(header: str, secret: str, body: bytes) -> bool:
    """A receiver's check (also this service's own test of what it sends)."""
    parts = [part.split("=", 1) for part in header.split(",") if "=" in part]
    timestamps = [value for key, value in parts if key == "t"]
    if len(timestamps) != 1 or not timestamps[0].isdigit():
        return False
    expected = signature(secret, int(timestamps[0]), body)
    return any(hmac.compare_digest(expected, value) for key, value in parts if key == "v1")
