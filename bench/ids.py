"""Benchmark: random (UUIDv4) against time-ordered (UUIDv7) row ids on PostgreSQL.

Every table keys its rows by a UUID as text (36 characters). A random id lands anywhere in
the primary-key index, so a growing table splits pages all over it and touches pages that
may have left memory; a time-ordered id lands at the right edge. Measured the way our rows
arrive: a table prefilled with --rows ids, then --inserts single-row transactions from 8
connections (as API writes are), for each kind of id in the same run on the same server.
Reports the inserts' throughput and p99, the primary key's size and the share of its pages
that had to be read from outside PostgreSQL's buffers.

    .venv/bin/python bench/ids.py [--rows N] [--inserts N]

A throw-away database on GUANJIA_BENCH_POSTGRES_URL (default the local server).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Callable

import asyncpg
from report import print_table, write_results
from sqlalchemy.engine import make_url
from stack import postgres_database

from guanjia_shared.ids import new_id

CONNECTIONS = 8
BATCH = 10_000


def random_id() -> str:
    return str(uuid.uuid4())


KINDS: dict[str, Callable[[], str]] = {"uuid4 (random)": random_id, "new_id": new_id}


async def measure(dsn: str, table: str, make_id: Callable[[], str], rows: int, inserts: int):
    connection = await asyncpg.connect(dsn)
    await connection.execute(
        f"CREATE TABLE {table} (id varchar(36) PRIMARY KEY, body text NOT NULL,"
        " created_at timestamptz NOT NULL DEFAULT now())"
    )
    for start in range(0, rows, BATCH):
        await connection.copy_records_to_table(
            table,
            records=[(make_id(), "x" * 60) for _ in range(min(BATCH, rows - start))],
            columns=["id", "body"],
        )
    await connection.execute(f"SELECT pg_stat_reset(); ANALYZE {table}")
    pool = await asyncpg.create_pool(dsn, min_size=CONNECTIONS, max_size=CONNECTIONS)
    latencies: list[float] = []
    per_connection = inserts // CONNECTIONS

    async def writer() -> None:
        async with pool.acquire() as writer_connection:
            statement = await writer_connection.prepare(
                f"INSERT INTO {table} (id, body) VALUES ($1, $2)"
            )
            for _ in range(per_connection):
                started = time.perf_counter()
                await statement.fetch(make_id(), "y" * 60)
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(CONNECTIONS)))
    elapsed = time.perf_counter() - started
    await pool.close()
    index_bytes = await connection.fetchval(f"SELECT pg_relation_size('{table}_pkey')")
    hits, reads = await connection.fetchrow(
        "SELECT idx_blks_hit, idx_blks_read FROM pg_statio_user_indexes"
        f" WHERE indexrelname = '{table}_pkey'"
    )
    await connection.close()
    latencies.sort()
    return {
        "inserts_per_second": round(len(latencies) / elapsed),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
        "primary_key_mib": round(index_bytes / 2**20, 1),
        "index_pages_read_share": round(reads / max(hits + reads, 1), 4),
    }


async def run(dsn: str, rows: int, inserts: int) -> dict[str, dict[str, float]]:
    results = {}
    for number, (kind, make_id) in enumerate(KINDS.items()):
        results[kind] = await measure(dsn, f"ids_{number}", make_id, rows, inserts)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--inserts", type=int, default=40_000)
    arguments = parser.parse_args()
    server = os.environ.get("GUANJIA_BENCH_POSTGRES_URL")
    with postgres_database(server) as url:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        results = asyncio.run(run(dsn, arguments.rows, arguments.inserts))
    baseline = results["uuid4 (random)"]
    rows = [
        [
            kind,
            figures["inserts_per_second"],
            round(figures["inserts_per_second"] / baseline["inserts_per_second"], 2),
            figures["p50_ms"],
            figures["p99_ms"],
            figures["primary_key_mib"],
            round(figures["primary_key_mib"] / baseline["primary_key_mib"], 2),
            figures["index_pages_read_share"],
        ]
        for kind, figures in results.items()
    ]
    print_table(
        f"Row ids: {arguments.inserts} single-row inserts into {arguments.rows} rows",
        ["id", "inserts/s", "× uuid4", "p50 ms", "p99 ms", "pkey MiB", "× uuid4", "pages read"],
        rows,
    )
    write_results("ids", {"rows": arguments.rows, "inserts": arguments.inserts, **results})


if __name__ == "__main__":
    main()
