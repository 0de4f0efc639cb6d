"""A flood of logins cannot take the gateway's memory. Each Argon2 check holds 64 MiB while
it runs; 200 logins at once, from as many addresses as an attacker likes (the per-address
limits are opened wide here, so every one of them reaches the hash), would have held one
such block per thread of the pool. The gateway runs as the real `gateway serve` process,
so that its own resident memory is what is measured."""

import asyncio
import sys
from collections import Counter
from pathlib import Path

import httpx
import pytest

from gateway.database import MIGRATIONS
from gateway.hashing import DEFAULT_MEMORY_KIB
from gateway.testing.harness import (
    ADMIN_PASSWORD,
    ServiceProcess,
    bearer,
    dead_url,
    write_signing_key,
)
from guanjia_shared.errors import PROBLEM_MEDIA_TYPE
from guanjia_shared.nats_server import free_port

HASHING_CONCURRENCY = 2
HASH_MEBIBYTES = DEFAULT_MEMORY_KIB // 1024
FLOOD = 200
# Imports and the first admin's hash take seconds, more on a machine busy with other tests.
READY_TIMEOUT_SECONDS = 45


def peak_resident_mebibytes(process: ServiceProcess) -> float:
    """The process's high-water mark of resident memory (VmHWM), which no sampling misses."""
    assert process.process is not None
    status = Path(f"/proc/{process.process.pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def gateway_process(
    tmp_path: Path, database_url: str, ticket_url: str, nats_url: str, namespace: str
) -> ServiceProcess:
    write_signing_key(tmp_path / "signing-key.pem")
    port = free_port()
    settings = {
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
        "MIGRATE_ON_START": "false",
        "DATA_DIR": str(tmp_path / "data"),
        "SIGNING_KEY_FILE": str(tmp_path / "signing-key.pem"),
        "LOG_JSON": "false",
        "NATS_URL": nats_url,
        "EVENT_NAMESPACE": namespace,
        "TICKET_URL": ticket_url,
        **{f"{name}_URL": dead_url() for name in ("ASSET", "LEDGER", "EMERGENCY")},
        "HASHING_CONCURRENCY": str(HASHING_CONCURRENCY),
        "HASHING_QUEUE": "32",
        # As if the flood came from 200 addresses: no per-address limit stops it.
        "LOGIN_RATE_LIMIT_PER_SECOND": "1000",
        "LOGIN_RATE_LIMIT_BURST": "1000",
        "LOGIN_LOCKOUT_AFTER_PER_ADDRESS": "1000",
    }
    env = {f"GUANJIA_GATEWAY_{name}": value for name, value in settings.items()}
    env["GUANJIA_ADMIN_PASSWORD"] = ADMIN_PASSWORD
    command = [sys.executable, "-m", "gateway", "serve", "--port", str(port)]
    return ServiceProcess(command, env=env, log=tmp_path / "gateway.log", port=port)


@pytest.mark.timeout(150)
@pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True)
async def test_a_login_flood_keeps_the_gateway_within_its_hashing_memory_and_answering(
    fresh_database, fake_ticket, tmp_path, nats_server_url, event_namespace
):
    gateway = gateway_process(
        tmp_path,
        await fresh_database(MIGRATIONS),
        fake_ticket.url,
        nats_server_url,
        event_namespace,
    )
    try:
        await asyncio.to_thread(gateway.start, READY_TIMEOUT_SECONDS)
        limits = httpx.Limits(max_connections=FLOOD, max_keepalive_connections=0)
        async with (
            httpx.AsyncClient(base_url=gateway.url, timeout=120, limits=limits) as flood,
            httpx.AsyncClient(base_url=gateway.url, timeout=10) as caller,
        ):
            answer = await caller.post(
                "/api/v1/auth/token",
                data={"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD},
            )
            assert answer.status_code == 200, answer.text
            headers = bearer(answer.json()["access_token"])
            # Already one hash high: the first admin's, and this login's.
            idle_peak = peak_resident_mebibytes(gateway)

            guesses = [
                asyncio.create_task(
                    flood.post(
                        "/api/v1/auth/token",
                        data={
                            "grant_type": "password",
                            "username": f"nobody-{number}",
                            "password": "wrong-guess",
                        },
                    )
                )
                for number in range(FLOOD)
            ]
            # Meanwhile everyone else is answered, by the gateway and through it.
            for path in ("/healthz", "/api/v1/auth/me", "/api/v1/ticket/echo/x"):
                assert (await caller.get(path, headers=headers)).status_code == 200, path
            assert not all(guess.done() for guess in guesses), "the flood was over already"
            answers = await asyncio.gather(*guesses)

        # The ceiling: the idle peak, which already held one hash, plus one 64 MiB block
        # per hashing thread, leaving one block's worth for the 200 connections. Without
        # the bound, asyncio's default pool (CPUs + 4 threads) hashed 6 at once on 2 CPUs
        # (+320 MiB), and 20 on the 16-CPU nodes, past the pod's 512 MiB limit.
        ceiling = idle_peak + HASHING_CONCURRENCY * HASH_MEBIBYTES
        assert peak_resident_mebibytes(gateway) < ceiling

        statuses = Counter(answer.status_code for answer in answers)
        assert set(statuses) == {401, 503}, statuses
        busy = next(answer for answer in answers if answer.status_code == 503)
        assert busy.headers["content-type"] == PROBLEM_MEDIA_TYPE
        assert busy.json()["type"] == "urn:guanjia:problem:hashing-busy"
        assert int(busy.headers["retry-after"]) >= 1
    finally:
        await asyncio.to_thread(gateway.stop)
