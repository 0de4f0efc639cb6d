"""Benchmark: events, from the outbox relay alone to commit-to-commit across two services.

Goals (issue 8): the relay alone publishes ≥ 5 000 events/s; at 200 events/s sustained, an
event committed in one service is committed by its consumer in another within 200 ms at p99.

relay     N pending rows in asset-svc's outbox (a throw-away PostgreSQL database migrated
          with its migrations, envelopes as `record_event` writes them) published to
          JetStream by OutboxRelay. Baselines in the same run: raw nats-py publishes of the
          same messages, awaited one by one and pipelined in windows of the relay's batch
          size, so the ratios say what the relay's claiming and marking cost.
latency   Real asset-svc and ticket-svc processes (and the gateway, for a token; see
          bench/stack.py). A rate-paced load generator in this
          process updates units over HTTP (PATCH with If-Match); every update's event is
          applied to ticket-svc's unit replica. Latency is the consumer's inbox
          `processed_at` minus the producer's outbox `created_at`: both are read from
          Python's clock (`guanjia_shared.clock.now`) on this one machine, inside each
          transaction just before its commit. Verified: every event arrived exactly once
          (inbox = outbox, stream = outbox, no redelivery) and the replica ends at asset-svc's
          versions.

    make bench      # or: .venv/bin/python bench/events.py [--events N] [--rate R] [--seconds S]

About 1½ minutes with the defaults (20 000 relayed events; 200/s for 30 s). Throw-away
PostgreSQL databases on GUANJIA_BENCH_POSTGRES_URL (default the local server); the NATS at
NATS_URL when one answers (streams of the run's own namespace, deleted after), else a
private nats-server (see bench/stack.py).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp
import nats
import uvloop
from report import print_table, write_results
from sqlalchemy import func, insert, select
from stack import Stack, cpu_seconds, postgres_database, running_stack
from stack import nats as nats_to_use

from asset_svc.database import MIGRATIONS as ASSET_MIGRATIONS
from guanjia_shared.broker import Broker
from guanjia_shared.clock import now
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.events import build_event, ensure_stream, nats_subject, stream_name
from guanjia_shared.migrations import upgrade_database_async
from guanjia_shared.outbox import OutboxRelay
from guanjia_shared.platform_tables import inbox, outbox
from guanjia_shared.replicas import unit_replica
from guanjia_shared.testing.streams import delete_namespace_streams

SERVICES = ("asset", "ticket")
RELAY_GOAL_PER_SECOND = 5_000
LATENCY_GOAL_P99_MS = 200.0
UNIT_EVENT = "asset.unit.updated"
# ticket-svc's durable consumer of `asset.unit.>`: `<service>-<subscription name>`.
REPLICA_CONSUMER = "ticket-unit-replica"


# ---------------------------------------------------------------- shared set-up


def percentile(sorted_values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, round(share * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def unit_update_data(number: int, version: int) -> dict[str, Any]:
    """What asset-svc's `asset.unit.updated` carries: the whole unit as it now stands."""
    stamp = now().isoformat()
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-unit-{number}")),
        "code": f"BENCH-{number:05d}",
        "name": f"市直基准单位{number}（第{version}次更名）",
        "parent_id": None,
        "level": "municipal",
        "version": version,
        "created_at": stamp,
        "updated_at": stamp,
        "actor": str(uuid.uuid4()),
    }


# ---------------------------------------------------------------- (a) the relay alone


async def fill_outbox(url: str, events: int) -> list[dict[str, Any]]:
    """`events` pending rows as `record_event` writes them; answers the rows."""
    rows = []
    for number in range(events):
        data = unit_update_data(number % 500, version=number // 500 + 2)
        event = build_event(
            service="asset", short_type=UNIT_EVENT, subject=data["id"], data=data, time=now()
        )
        rows.append(
            {
                "event_id": event.id,
                "event_type": UNIT_EVENT,
                "envelope": event.model_dump_json(),
                "created_at": event.time,
            }
        )
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for start in range(0, len(rows), 5_000):
                await connection.execute(insert(outbox), rows[start : start + 5_000])
    finally:
        await engine.dispose()
    return rows


async def publish_sequentially(js: Any, namespace: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        await js.publish(
            nats_subject(namespace, row["event_type"]),
            row["envelope"].encode(),
            headers={"Nats-Msg-Id": row["event_id"]},
        )


async def publish_pipelined(
    js: Any, namespace: str, rows: list[dict[str, Any]], window: int
) -> None:
    for start in range(0, len(rows), window):
        await asyncio.gather(
            *(
                js.publish(
                    nats_subject(namespace, row["event_type"]),
                    row["envelope"].encode(),
                    headers={"Nats-Msg-Id": row["event_id"]},
                )
                for row in rows[start : start + window]
            )
        )


async def stream_messages(js: Any, namespace: str) -> int:
    return (await js.stream_info(stream_name(namespace, "asset"))).state.messages


async def relay_benchmark(
    url: str, nats_url: str, events: int, batch_size: int
) -> list[dict[str, Any]]:
    """Times the raw baselines and the relay on the same messages, each into a stream of
    its own (so de-duplication by id does not drop the later runs' messages); `url` is
    an empty database, given asset-svc's schema here."""
    await upgrade_database_async(ASSET_MIGRATIONS, url)
    rows = await fill_outbox(url, events)
    baselines = (
        ("nats-py, awaited one by one (baseline)", publish_sequentially, {}),
        (f"nats-py, pipelined {batch_size} at a time", publish_pipelined, {"window": batch_size}),
    )
    runs: list[dict[str, Any]] = []
    namespaces: list[str] = []
    connection = await nats.connect(nats_url)
    js = connection.jetstream()
    try:
        for label, publish, options in baselines:
            namespaces.append(f"bench{uuid.uuid4().hex[:10]}")
            await ensure_stream(js, namespaces[-1], "asset")
            started = time.perf_counter()
            await publish(js, namespaces[-1], rows, **options)
            runs.append({"run": label, "seconds": time.perf_counter() - started})
            runs[-1]["in_stream"] = await stream_messages(js, namespaces[-1])
        namespaces.append(f"bench{uuid.uuid4().hex[:10]}")
        runs.append(
            {
                "run": f"OutboxRelay, batch {batch_size}",
                **await time_relay(url, nats_url, namespaces[-1], batch_size),
                "in_stream": await stream_messages(js, namespaces[-1]),
            }
        )
    finally:
        await connection.close()
        for namespace in namespaces:
            await delete_namespace_streams(nats_url, namespace)
    return runs


async def time_relay(url: str, nats_url: str, namespace: str, batch_size: int) -> dict[str, Any]:
    """Publishes every pending row as the relay's loop does (batch after batch while
    there are any); answers the time and how many rows are left pending."""
    engine = create_engine(url)
    broker = Broker(nats_url, name="bench-relay")
    broker.start()
    await asyncio.wait_for(broker.wait_connected(), 10)
    relay = OutboxRelay(
        session_factory=create_session_factory(engine, service="asset"),
        broker=broker,
        namespace=namespace,
        service="asset",
        batch_size=batch_size,
    )
    try:
        started = time.perf_counter()
        while await relay.publish_pending_batch() > 0:
            pass
        seconds = time.perf_counter() - started
        async with engine.connect() as connection:
            pending = await connection.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            )
        return {"seconds": seconds, "left_pending": pending}
    finally:
        await broker.close()
        await engine.dispose()


# ---------------------------------------------------------------- (b) end to end


class UnitLoad:
    """Units created in asset-svc, then updated at a steady rate, one request at a time
    per unit (each carries the version it read as If-Match, so no update is lost)."""

    def __init__(self, http: aiohttp.ClientSession, asset_url: str, token: str) -> None:
        self.http = http
        self.url = f"{asset_url}/api/v1/asset/units"
        self.headers = {"Authorization": f"Bearer {token}"}
        self.versions: dict[str, int] = {}
        self.locks: dict[str, asyncio.Lock] = {}
        self.response_ms: list[float] = []
        self.failures: list[str] = []

    async def create_units(self, count: int, concurrency: int = 16) -> None:
        limit = asyncio.Semaphore(concurrency)
        run = uuid.uuid4().hex[:6]

        async def create(number: int) -> None:
            async with limit:
                body = {"code": f"B{run}-{number:05d}", "name": f"基准单位{number}"}
                async with self.http.post(
                    self.url, json={**body, "level": "municipal"}, headers=self.headers
                ) as response:
                    if response.status != 201:
                        problem = await response.text()
                        raise RuntimeError(f"unit creation: {response.status} {problem}")
                    unit = await response.json()
            self.versions[unit["id"]] = unit["version"]
            self.locks[unit["id"]] = asyncio.Lock()

        await asyncio.gather(*(create(number) for number in range(count)))

    async def update(self, unit_id: str, number: int) -> None:
        async with self.locks[unit_id]:
            started = time.perf_counter()
            try:
                async with self.http.patch(
                    f"{self.url}/{unit_id}",
                    json={"name": f"基准单位 更新{number}"},
                    headers={**self.headers, "If-Match": f'"{self.versions[unit_id]}"'},
                ) as response:
                    body = await response.json()
                    if response.status != 200:
                        self.failures.append(f"{response.status} {body}")
                        return
            except aiohttp.ClientError as exc:
                self.failures.append(repr(exc))
                return
            self.response_ms.append((time.perf_counter() - started) * 1000)
            self.versions[unit_id] = body["version"]

    async def updates_at(self, rate: float, seconds: float) -> tuple[int, float]:
        """Open loop: update number i is sent at start + i/rate whether or not earlier
        ones have answered. Answers how many were sent and the achieved rate."""
        units = list(self.versions)
        total = round(rate * seconds)
        tasks = []
        started = time.perf_counter()
        for number in range(total):
            delay = started + number / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self.update(units[number % len(units)], number)))
        sent_seconds = time.perf_counter() - started
        await asyncio.gather(*tasks)
        return total, total / sent_seconds


async def wait_for_inbox(url: str, expected: int, timeout: float) -> int:
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + timeout
        while True:
            async with engine.connect() as connection:
                count = await connection.scalar(
                    select(func.count())
                    .select_from(inbox)
                    .where(inbox.c.consumer == REPLICA_CONSUMER)
                )
            if count >= expected or time.monotonic() > deadline:
                return count
            await asyncio.sleep(0.2)
    finally:
        await engine.dispose()


async def read_rows(url: str, query: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(query)).all()
    finally:
        await engine.dispose()


async def latency_benchmark(
    stack: Stack, token: str, nats_url: str, namespace: str, rate: float, seconds: float, units: int
) -> dict[str, Any]:
    """`stack` runs asset-svc and ticket-svc on `nats_url` under `namespace`; `token` is an
    admin's. Answers the figures and the checks of `latency_figures`."""
    ticket_db = stack.database_urls["ticket"]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256)) as http:
        load = UnitLoad(http, stack.services["asset"].url, token)
        await load.create_units(units)
        arrived = await wait_for_inbox(ticket_db, units, timeout=60)
        if arrived < units:
            raise RuntimeError(f"only {arrived} of {units} unit creations reached ticket-svc")
        pids = {name: stack.services[name].pid for name in SERVICES}
        cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        sent, achieved_rate = await load.updates_at(rate, seconds)
        await wait_for_inbox(ticket_db, units + sent - len(load.failures), timeout=60)
        cpu_ms = {
            name: (cpu_seconds(pid) - cpu_before[name]) * 1000 / max(sent, 1)
            for name, pid in pids.items()
        }
    figures = await latency_figures(
        stack.database_urls["asset"], ticket_db, nats_url, namespace, load, sent, achieved_rate
    )
    return {**figures, "cpu_ms_per_event": cpu_ms}


async def latency_figures(
    asset_db: str,
    ticket_db: str,
    nats_url: str,
    namespace: str,
    load: UnitLoad,
    sent: int,
    achieved_rate: float,
) -> dict[str, Any]:
    produced = await read_rows(
        asset_db,
        select(outbox.c.event_id, outbox.c.event_type, outbox.c.created_at, outbox.c.published_at),
    )
    consumed = await read_rows(
        ticket_db,
        select(inbox.c.event_id, inbox.c.processed_at).where(inbox.c.consumer == REPLICA_CONSUMER),
    )
    replica = dict(
        (row.id, row.version)
        for row in await read_rows(ticket_db, select(unit_replica.c.id, unit_replica.c.version))
    )
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        in_stream = await stream_messages(js, namespace)
        consumer = await js.consumer_info(stream_name(namespace, "asset"), REPLICA_CONSUMER)
    finally:
        await connection.close()

    processed_at = {row.event_id: row.processed_at for row in consumed}
    updates = [row for row in produced if row.event_type == UNIT_EVENT]
    missing = [row.event_id for row in produced if row.event_id not in processed_at]
    end_to_end = sorted(
        (processed_at[row.event_id] - row.created_at).total_seconds() * 1000
        for row in updates
        if row.event_id in processed_at
    )
    relay_part = sorted(
        (row.published_at - row.created_at).total_seconds() * 1000
        for row in updates
        if row.published_at is not None
    )
    checks = {
        "updates_sent": sent,
        "updates_failed": len(load.failures),
        "update_events_recorded": len(updates),
        "events_in_stream": in_stream,
        "events_recorded": len(produced),
        "events_applied": len(consumed),
        "events_missing": len(missing),
        "events_not_produced": len(set(processed_at) - {row.event_id for row in produced}),
        "redelivered": consumer.num_redelivered,
        "ack_pending": consumer.num_ack_pending,
        "replica_versions_match": replica == load.versions,
    }
    checks["exactly_once"] = (
        checks["updates_failed"] == 0
        and len(updates) == sent
        and in_stream == len(produced) == len(consumed)
        and not missing
        and checks["events_not_produced"] == 0
        and checks["redelivered"] == 0
        and checks["replica_versions_match"]
    )
    response_ms = sorted(load.response_ms)
    return {
        "achieved_rate": achieved_rate,
        "latency_ms": summary(end_to_end),
        "commit_to_published_ms": summary(relay_part),
        "http_update_ms": summary(response_ms),
        "checks": checks,
        "first_failures": load.failures[:5],
    }


def summary(sorted_ms: Sequence[float]) -> dict[str, float]:
    if not sorted_ms:
        return {"count": 0}
    return {
        "count": len(sorted_ms),
        "p50": percentile(sorted_ms, 0.50),
        "p95": percentile(sorted_ms, 0.95),
        "p99": percentile(sorted_ms, 0.99),
        "max": sorted_ms[-1],
        "mean": statistics.fmean(sorted_ms),
    }


# ---------------------------------------------------------------- report


def report_relay(runs: list[dict[str, Any]], events: int) -> None:
    baseline = events / runs[0]["seconds"]
    rows = []
    for run in runs:
        per_second = events / run["seconds"]
        is_relay = run["run"].startswith("OutboxRelay")
        rows.append(
            (
                run["run"],
                run["in_stream"],
                run.get("left_pending", ""),
                run["seconds"],
                per_second,
                per_second / baseline,
                ("met" if per_second >= RELAY_GOAL_PER_SECOND else "MISSED") if is_relay else "",
            )
        )
        run["events_per_second"] = round(per_second, 1)
        run["ratio_to_baseline"] = round(per_second / baseline, 3)
    print_table(
        f"events: relay publishing {events} pending outbox rows (PostgreSQL → JetStream)",
        ["run", "in stream", "left pending", "seconds", "events/s", "× baseline", "goal ≥ 5 000/s"],
        rows,
    )


def report_latency(result: dict[str, Any], rate: float, seconds: float) -> None:
    rows = []
    for label, key in (
        ("asset commit → ticket commit", "latency_ms"),
        ("asset commit → relay marked it sent", "commit_to_published_ms"),
        ("HTTP PATCH answered (load generator)", "http_update_ms"),
    ):
        figures = result[key]
        rows.append(
            (
                label,
                figures["count"],
                figures.get("p50"),
                figures.get("p95"),
                figures.get("p99"),
                figures.get("max"),
            )
        )
    print_table(
        f"events: end to end at {rate:g}/s for {seconds:g} s "
        f"(achieved {result['achieved_rate']:.1f}/s), milliseconds",
        ["measure", "events", "p50", "p95", "p99", "max"],
        rows,
    )
    p99 = result["latency_ms"].get("p99", float("inf"))
    met = p99 <= LATENCY_GOAL_P99_MS
    checks = result["checks"]
    print(
        f"goal p99 ≤ {LATENCY_GOAL_P99_MS:g} ms: {'met' if met else 'MISSED'}"
        f"; exactly once: {'yes' if checks['exactly_once'] else 'NO'} {checks}"
    )
    cpu = ", ".join(f"{name}-svc {ms:.2f}" for name, ms in result["cpu_ms_per_event"].items())
    print(f"CPU ms per update event (steadier than latency on a shared machine): {cpu}")
    if result["first_failures"]:
        print("first failed updates:", *result["first_failures"], sep="\n  ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="outbox rows for the relay")
    parser.add_argument("--batch-size", type=int, default=200, help="the relay's batch")
    parser.add_argument("--rate", type=float, default=200, help="events/s, end to end")
    parser.add_argument("--seconds", type=float, default=30, help="duration, end to end")
    parser.add_argument("--units", type=int, default=200, help="units the updates cycle over")
    parser.add_argument("--only", choices=["relay", "latency"], help="run one part")
    args = parser.parse_args()

    payload: dict[str, Any] = {
        "goals": {
            "relay_events_per_second": RELAY_GOAL_PER_SECOND,
            "latency_p99_ms": LATENCY_GOAL_P99_MS,
        }
    }
    with (
        tempfile.TemporaryDirectory(prefix="bench-events-") as directory,
        nats_to_use(Path(directory)) as nats_url,
    ):
        if args.only in (None, "relay"):
            with postgres_database() as url:
                runs = uvloop.run(relay_benchmark(url, nats_url, args.events, args.batch_size))
            report_relay(runs, args.events)
            payload["relay"] = {"events": args.events, "batch_size": args.batch_size, "runs": runs}
        if args.only in (None, "latency"):
            namespace = f"bench{uuid.uuid4().hex[:10]}"
            settings = {"nats_url": nats_url, "event_namespace": namespace, "log_level": "WARNING"}
            try:
                with running_stack(
                    SERVICES, service_env=dict.fromkeys(SERVICES, settings)
                ) as stack:
                    token = stack.token("admin")
                    result = uvloop.run(
                        latency_benchmark(
                            stack, token, nats_url, namespace, args.rate, args.seconds, args.units
                        )
                    )
            finally:
                uvloop.run(delete_namespace_streams(nats_url, namespace))
            report_latency(result, args.rate, args.seconds)
            payload["latency"] = {"rate": args.rate, "seconds": args.seconds, **result}
    write_results("events", payload)


if __name__ == "__main__":
    main()
