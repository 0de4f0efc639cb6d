"""Running the gateway and the services behind it for real: the gateway as a uvicorn
server in the test's event loop, services as uvicorn processes, all over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.app import GatewayApp
from gateway.config import Settings
from gateway.events import EVENT_SOURCE
from gateway.main import create_app
from gateway.tokens.keys import key_id
from guanjia_shared.nats_server import free_port
from guanjia_shared.processes import stop_process
from guanjia_shared.testing.streams import published_events

ADMIN_PASSWORD = "admin-password-for-tests"
# Argon2 at a small cost for test gateways: their hashes protect nothing, and at the product's
# (64 MiB, 3 passes: 0.1 s and more on a busy machine) each gateway test paid for several.
# The tests of hashing itself (the login flood) keep the product's.
TEST_HASHING_COST = {"password_hash_memory_kib": 1024, "password_hash_time_cost": 1}


def write_signing_key(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return key


def sign(key: Ed25519PrivateKey, *, kid: str | None = None, **claims: Any) -> str:
    """A token as the gateway would sign it with `key`, with `claims` changed."""
    issued = datetime.now(UTC)  # checked by PyJWT against the wall clock, frozen tests or not
    body = {
        "sub": str(uuid.uuid4()),
        "username": "someone",
        "roles": ["admin"],
        "unit_id": None,
        "department": None,
        "kind": "user",
        "iss": "guanjia-gateway",
        "aud": "guanjia",
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(minutes=5)).timestamp()),
        "jti": uuid.uuid4().hex,
        **claims,
    }
    headers = {"kid": kid or key_id(key.public_key())}
    return jwt.encode(body, key, algorithm="EdDSA", headers=headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class RunningGateway:
    app: GatewayApp
    settings: Settings
    url: str
    client: httpx.AsyncClient

    async def token(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> str:
        answer = await self.client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]

    async def headers(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> dict:
        return bearer(await self.token(username, password))

    async def create_user(self, admin: dict, *roles: str, **fields: Any) -> dict:
        body = {
            "username": f"u{uuid.uuid4().hex[:10]}",
            "password": "a-long-password",
            "display_name": "张三",
            "roles": list(roles),
            **fields,
        }
        answer = await self.client.post("/api/v1/auth/users", json=body, headers=admin)
        assert answer.status_code == 201, answer.text
        return {**answer.json(), "password": body["password"]}

    async def published(self, short_type: str, subject: str) -> list[dict]:
        """The data of the gateway's events of `short_type` about `subject` on NATS so far."""
        events = await published_events(
            self.settings.nats_url, self.settings.event_namespace, EVENT_SOURCE
        )
        return [
            event.data
            for event in events
            if event.short_type == short_type and event.subject == subject
        ]

    async def client_headers(self, admin: dict, **fields: Any) -> dict:
        """Bearer headers of a new API client made with `fields` (name, roles, unit_id)."""
        created = await self.client.post("/api/v1/auth/clients", json=fields, headers=admin)
        assert created.status_code == 201, created.text
        token = await self.client.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": created.json()["client_id"],
                "client_secret": created.json()["client_secret"],
            },
        )
        assert token.status_code == 200, token.text
        return bearer(token.json()["access_token"])


@contextlib.asynccontextmanager
async def serving(
    app: Any, port: int, *, forwarded_allow_ips: str = "127.0.0.1"
) -> AsyncIterator[None]:
    """`app` as a real uvicorn server on `port`, for the length of the block, believing
    X-Forwarded-For from `forwarded_allow_ips` as `serve` does."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the gateway stopped while starting")
            await asyncio.sleep(0.01)
        yield
    finally:
        server.should_exit = True
        await task


@contextlib.asynccontextmanager
async def running_gateway(settings: Settings) -> AsyncIterator[RunningGateway]:
    """A gateway serving real HTTP on `settings.port`."""
    app = create_app(settings)
    url = f"http://127.0.0.1:{settings.port}"
    async with (
        serving(app, settings.port, forwarded_allow_ips=settings.forwarded_allow_ips),
        httpx.AsyncClient(base_url=url, timeout=20) as client,
    ):
        yield RunningGateway(app=app, settings=settings, url=url, client=client)


def dead_url() -> str:
    """An address where nothing listens."""
    return f"http://127.0.0.1:{free_port()}"


class ServiceProcess:
    """A service behind the gateway, in a uvicorn process of its own; it can be stopped and
    started again on the same port, as when a pod restarts."""

    def __init__(self, command: list[str], *, env: dict[str, str], log: Path, port: int) -> None:
        self.command = command
        self.env = {**os.environ, **env}
        self.log = log
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    @classmethod
    def real_service(
        cls, service: str, *, directory: Path, nats_url: str, namespace: str, jwks_url: str
    ) -> ServiceProcess:
        """The real `service`-svc, on a SQLite file of its own."""
        port = free_port()
        prefix = f"GUANJIA_{service.upper()}_"
        env = {
            f"{prefix}DATABASE_URL": f"sqlite+aiosqlite:///{directory / f'{service}.db'}",
            f"{prefix}NATS_URL": nats_url,
            f"{prefix}EVENT_NAMESPACE": namespace,
            f"{prefix}JWKS_URL": jwks_url,
            f"{prefix}LOG_JSON": "false",
        }
        command = [sys.executable, "-m", f"{service}_svc", "serve", "--port", str(port)]
        return cls(command, env=env, log=directory / f"{service}.log", port=port)

    @classmethod
    def fake(cls, service: str, log: Path) -> ServiceProcess:
        port = free_port()
        command = [sys.executable, "-m", "uvicorn", "gateway.testing.fake_service:app"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
        return cls(command, env={"FAKE_SERVICE": service}, log=log, port=port)

    def start(self, timeout: float = 30.0) -> ServiceProcess:
        return self.launch().wait_until_ready(timeout)

    def launch(self) -> ServiceProcess:
        """Start the process without waiting for it (several can then start together)."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def wait_until_ready(self, timeout: float = 30.0) -> ServiceProcess:
        assert self.process is not None, "launch() first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command} exited; see {self.log}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"{self.command} did not answer within {timeout}s; see {self.log}")

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None


class DroppingService:
    """A raw TCP service that reads each request and hangs up without answering on its
    first `drops` connections, then answers 200: a service dying or restarting mid-call."""

    def __init__(self, drops: int) -> None:
        self.drops = drops
        self.connections = 0
        self.server: asyncio.Server | None = None
        self.url = ""

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            await reader.readuntil(b"\r\n\r\n")
            if self.connections > self.drops:
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n"
                    b"connection: close\r\n\r\nok"
                )
                await writer.drain()
        writer.close()

    async def __aenter__(self) -> DroppingService:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()
