"""PostgreSQL restarted under load: while it is away, asset-svc answers every request at
once with a 503 problem+json that says when to retry (none hangs, none is a 500), and once
it is back the service serves again by itself, the same process, no restart of its own."""

import asyncio
import time
import uuid
from dataclasses import dataclass

import httpx
import pytest

from asset_svc.database import MIGRATIONS
from guanjia_shared.errors import PROBLEM_MEDIA_TYPE
from guanjia_shared.migrations import upgrade_database_async
from guanjia_shared.testing.apps import eventually
from tests.faults.support.fault_harness import (
    READY_TIMEOUT_SECONDS,
    PostgresCluster,
    service_process,
)

UNITS = "/api/v1/asset/units"
# No request may take longer than this, outage or not: a client gives up here.
CLIENT_TIMEOUT_SECONDS = 10
OUTAGE_SECONDS = 3


@dataclass
class Answer:
    started: float
    ended: float
    status: int | None  # None: no answer at all (a timeout or a dropped connection)
    content_type: str
    retry_after: str | None
    problem_type: str | None
    error: str | None = None  # what the client saw when there was no answer


@pytest.fixture
def postgres_cluster():
    cluster = PostgresCluster().initialise()
    cluster.start()
    yield cluster
    cluster.remove()


async def steady_load(client: httpx.AsyncClient, headers: dict, answers: list, stop: asyncio.Event):
    """One writer and one reader, back to back, until told to stop."""

    async def call(method: str, **kwargs) -> None:
        started = time.monotonic()
        try:
            response = await client.request(method, UNITS, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            seen = f"{type(error).__name__} after {time.monotonic() - started:.1f} s"
            answers.append(Answer(started, time.monotonic(), None, "", None, None, seen))
            return
        problem = response.json().get("type") if response.status_code >= 400 else None
        answers.append(
            Answer(
                started,
                time.monotonic(),
                response.status_code,
                response.headers.get("content-type", ""),
                response.headers.get("retry-after"),
                problem,
            )
        )

    async def writer() -> None:
        while not stop.is_set():
            code = f"U{uuid.uuid4().hex[:10]}"
            await call("POST", json={"code": code, "name": "市财政局", "level": "municipal"})
            await asyncio.sleep(0.02)

    async def reader() -> None:
        while not stop.is_set():
            await call("GET")
            await asyncio.sleep(0.02)

    await asyncio.gather(writer(), reader())


@pytest.mark.timeout(90)
async def test_requests_fail_fast_with_503_while_postgresql_restarts_and_succeed_after(
    postgres_cluster, nats_server_url, event_namespace, token_mint, tmp_path
):
    database_url = await postgres_cluster.create_database("asset")
    await upgrade_database_async(MIGRATIONS, database_url)
    asset = service_process(
        "asset",
        directory=tmp_path,
        database_url=database_url,
        nats_url=nats_server_url,
        namespace=event_namespace,
        jwks_url=token_mint.jwks_url,
    )
    await asyncio.to_thread(asset.start, READY_TIMEOUT_SECONDS)
    answers: list[Answer] = []
    stop = asyncio.Event()
    try:
        async with httpx.AsyncClient(base_url=asset.url, timeout=CLIENT_TIMEOUT_SECONDS) as client:
            load = asyncio.create_task(
                steady_load(client, token_mint.headers("admin"), answers, stop)
            )

            async def serving() -> None:
                # A few answered calls first (a fixed wait is not enough on a busy machine,
                # where the first call alone can take seconds).
                assert len(answers) >= 10 and {200, 201} <= {a.status for a in answers}

            await eventually(serving, timeout=30, interval=0.1)
            stopping_at = time.monotonic()
            await asyncio.to_thread(postgres_cluster.stop)
            down_from = time.monotonic()
            await asyncio.sleep(OUTAGE_SECONDS)
            down_until = time.monotonic()
            await asyncio.to_thread(postgres_cluster.start)
            back_at = time.monotonic()

            async def recovered() -> None:
                after = {a.status for a in answers if a.started > back_at}
                assert {200, 201} <= after, "the service did not recover by itself"

            await eventually(recovered, timeout=30, interval=0.1)
            await asyncio.sleep(0.5)  # a few more calls on the recovered service
            stop.set()
            await load
    finally:
        alive = asset.process is not None and asset.process.poll() is None
        await asyncio.to_thread(asset.stop)

    assert alive, "the service must live through the outage, the same process"
    before = [a for a in answers if a.ended < stopping_at]
    during = [a for a in answers if a.started > down_from and a.ended < down_until]
    after = [a for a in answers if a.started > back_at]
    assert before and {a.status for a in before} == {200, 201}

    # During the outage: every call answered, at once, 503 problem+json with Retry-After.
    assert len(during) >= 10, f"too few calls during the outage to judge: {len(during)}"
    assert {a.status for a in during} == {503}, [(a.status, a.problem_type) for a in during]
    assert {a.content_type for a in during} == {PROBLEM_MEDIA_TYPE}
    assert {a.problem_type for a in during} == {"urn:guanjia:problem:database-unavailable"}
    assert all(a.retry_after and int(a.retry_after) >= 1 for a in during)
    assert max(a.ended - a.started for a in during) < 2

    # Around the outage too: never a 500, never a call left without an answer.
    unanswered = [a.error for a in answers if a.status is None]
    assert {a.status for a in answers} <= {200, 201, 503}, ({a.status for a in answers}, unanswered)

    # After it: the same process serves reads and writes again.
    assert {200, 201} <= {a.status for a in after}, "the service did not recover by itself"
    settled = after[len(after) // 2 :]
    assert {a.status for a in settled} <= {200, 201}
