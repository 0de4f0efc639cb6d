"""The NATS connection: made in the background, retried while NATS is away, so a service
starts and serves (events wait in its outbox) whether or not the broker is up."""

from __future__ import annotations

import asyncio
import contextlib

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from pydantic import SecretStr

from guanjia_shared.logging import get_logger
from guanjia_shared.nats_auth import inbox_prefix

log = get_logger("guanjia.broker")


class Broker:
    """`user` and `password`: the process's own NATS user (none: connect without)."""

    def __init__(
        self,
        url: str,
        *,
        name: str,
        user: str = "",
        password: SecretStr | None = None,
        max_backoff: float = 5.0,
    ) -> None:
        self.url = url
        self.name = name
        self.max_backoff = max_backoff
        self._credentials: dict[str, str] = {}
        if user and password is not None:
            self._credentials = {
                "user": user,
                "password": password.get_secret_value(),
                # Replies come to an inbox only this user may read.
                "inbox_prefix": inbox_prefix(user),
            }
        self._client: Client | None = None
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def is_connected(self) -> bool:
        return self._client is not None and self._client.is_connected

    @property
    def jetstream(self) -> JetStreamContext:
        if self._client is None:
            raise ConnectionError("not connected to NATS")
        return self._client.jetstream()

    async def wait_connected(self) -> None:
        """Wait until connected (again, after a disconnection)."""
        await self._connected.wait()

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect_until_done(), name=f"{self.name}-nats")

    async def _connect_until_done(self) -> None:
        delay = 0.1
        while True:
            try:
                self._client = await nats.connect(
                    self.url,
                    name=self.name,
                    connect_timeout=2,
                    allow_reconnect=True,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=0.5,
                    disconnected_cb=self._on_disconnected,
                    reconnected_cb=self._on_reconnected,
                    error_cb=self._on_error,
                    **self._credentials,
                )
            except (OSError, TimeoutError, nats.errors.Error) as exc:
                log.warning("nats_connect_failed", url=self.url, error=str(exc), retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff)
                continue
            log.info("nats_connected", url=self.url)
            self._connected.set()
            return

    async def _on_disconnected(self) -> None:
        self._connected.clear()
        log.warning("nats_disconnected", url=self.url)

    async def _on_reconnected(self) -> None:
        self._connected.set()
        log.info("nats_reconnected", url=self.url)

    async def _on_error(self, exc: Exception) -> None:
        if "permissions violation" in str(exc).lower():
            # Something of ours does what its NATS user may not: a bug or a wrong deployment.
            log.error("nats_permission_denied", user=self._credentials.get("user"), error=str(exc))
            return
        log.debug("nats_error", error=str(exc))

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._client is not None and not self._client.is_closed:
            # Every publish of ours awaited its ack and consumers have stopped fetching, so
            # there is nothing to drain; drain would wait out its timeout on pull consumers.
            await self._client.close()
        self._client = None
        self._connected.clear()
