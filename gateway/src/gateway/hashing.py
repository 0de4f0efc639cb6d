"""Argon2 hashes of passwords and client secrets, computed off the event loop so that a
login never stalls the requests the gateway is proxying, and a few at a time so that a
flood of logins cannot take the gateway's memory."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

from guanjia_shared.errors import ServiceUnavailable

T = TypeVar("T")

# RFC 9106's recommendation for machines short of memory: 64 MiB, 3 passes.
DEFAULT_MEMORY_KIB = RFC_9106_LOW_MEMORY.memory_cost
DEFAULT_TIME_COST = RFC_9106_LOW_MEMORY.time_cost


class HashingBusy(ServiceUnavailable):
    """Every hashing slot is taken and the queue before them is full."""

    slug, title = "hashing-busy", "Too many logins at once"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class SecretHasher:
    """Runs every Argon2 hash of the process on `concurrency` threads of its own, so that
    at most `concurrency` × `memory_kib` is taken by hashing whatever the number of callers.
    Up to `queue` more callers wait their turn; beyond that a caller is refused at once
    (503 with Retry-After) rather than held, which would only grow the queue."""

    def __init__(
        self,
        *,
        concurrency: int,
        queue: int,
        memory_kib: int = DEFAULT_MEMORY_KIB,
        time_cost: int = DEFAULT_TIME_COST,
    ) -> None:
        self._hasher = PasswordHasher(memory_cost=memory_kib, time_cost=time_cost)
        # Checked when the account is unknown, so that the answer takes as long as for a
        # real one.
        self._dummy_hash = self._hasher.hash("no account has this password")
        self._threads = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="argon2")
        self._capacity = concurrency + queue
        self._admitted = 0  # hashing or waiting to; only touched on the event loop

    async def _run(self, work: Callable[..., T], *arguments: str) -> T:
        if self._admitted >= self._capacity:
            raise HashingBusy("too many logins are being checked at once", retry_after=1)
        self._admitted += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._threads, work, *arguments)
        finally:
            self._admitted -= 1

    async def hash(self, secret: str) -> str:
        return await self._run(self._hasher.hash, secret)

    async def verify(self, secret_hash: str | None, secret: str) -> bool:
        """Whether `secret` matches `secret_hash`; None (no such account) never matches but
        costs the same time."""
        matched = await self._run(self._matches, secret_hash or self._dummy_hash, secret)
        return matched and secret_hash is not None

    def needs_rehash(self, secret_hash: str) -> bool:
        """Whether the hash was made with other parameters than today's."""
        return self._hasher.check_needs_rehash(secret_hash)

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)

    def _matches(self, secret_hash: str, secret: str) -> bool:
        try:
            return self._hasher.verify(secret_hash, secret)
        except (VerificationError, InvalidHashError):
            return False
