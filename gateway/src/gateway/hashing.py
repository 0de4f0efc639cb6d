"""Argon2 hashes of passwords and client secrets, computed off the event loop so that a
login never stalls the requests the gateway is proxying."""

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Checked when the account is unknown, so that the answer takes as long as for a real one.
_DUMMY_HASH = _hasher.hash("no account has this password")


async def hash_secret(secret: str) -> str:
    return await asyncio.to_thread(_hasher.hash, secret)


def _matches(secret_hash: str, secret: str) -> bool:
    try:
        return _hasher.verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


async def verify_secret(secret_hash: str | None, secret: str) -> bool:
    """Whether `secret` matches `secret_hash`; None (no such account) never matches but
    costs the same time."""
    matched = await asyncio.to_thread(_matches, secret_hash or _DUMMY_HASH, secret)
    return matched and secret_hash is not None


def needs_rehash(secret_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(secret_hash)
