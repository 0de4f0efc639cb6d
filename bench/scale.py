"""Benchmark: the services at a city's scale (10 000 units, 1 000 000 rooms, 1 000 000 tickets).

Goals (issue 8): one unit's space compliance ≤ 50 ms, the city-wide compliance report
≤ 2 s, a filtered ticket list page ≤ 50 ms, the SLA scheduler's tick ≤ 100 ms.

Each route is called in-process through httpx's ASGITransport with a signed admin token
(an agent's for the agent's own list), so auth, the route's queries and its serialisation
all count; the network and the gateway do not (bench/gateway_overhead.py measures those).
The first call of each is reported apart (cold), then p50 and max of the repeats (warm
cache: PostgreSQL's and the operating system's). Beside each route, "SQL" is the same
statements the route sent, replayed raw on asyncpg: the rest of the route's time is
Python. The baselines in the same run are a `SELECT 1` round trip and an authenticated
read of one row by id on each service; "× base" is a figure over that service's baseline.

The tick is `run_escalations` over the million with the due tickets made by ticket-svc's
own rules (see scale_data.py), put back as they were before each repeat.

    .venv/bin/python bench/scale.py                    # full size: data made, used, dropped
    .venv/bin/python bench/scale.py --scale 0.01       # a quick run on 1% of it
    .venv/bin/python bench/scale.py --reuse city       # make the data once, keep it, reuse it
    .venv/bin/python bench/scale.py --reuse city --profile   # and pyinstrument + EXPLAIN

Data goes into throw-away databases on GUANJIA_BENCH_POSTGRES_URL (default: the local
server); they are dropped afterwards unless --keep or --reuse. `--profile` writes
bench/results/scale_profile.txt: for each figure, a pyinstrument profile of one call and
EXPLAIN (ANALYZE, BUFFERS) of its slowest statement.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from pyinstrument import Profiler
from report import RESULTS, print_table, write_results
from scale_data import (
    AGENT,
    AGENTS_PER_DEPARTMENT,
    AS_OF_PAST,
    DEPARTMENTS,
    TICKET,
    UNIT,
    Meta,
    Sizes,
    bench_id,
    database_names,
    database_url,
    databases_exist,
    drop_databases,
    generate,
    read_meta,
    reset_due_tickets,
)
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from asset_svc.config import Settings as AssetSettings
from asset_svc.main import create_app as create_asset_app
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.nats_server import NatsServerProcess
from guanjia_shared.testing.apps import running_app
from guanjia_shared.testing.tokens import TokenMint
from ticket_svc.config import Settings as TicketSettings
from ticket_svc.escalations.jobs import run_escalations
from ticket_svc.main import create_app as create_ticket_app
from ticket_svc.tickets.clocks import SlaPolicy

DEFAULT_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
UNIT_GOAL_MS = 50
REPORT_GOAL_MS = 2_000
LIST_GOAL_MS = 50
TICK_GOAL_MS = 100
PAGE = 50


@dataclass
class Figure:
    label: str
    goal_ms: float | None
    samples_ms: list[float]
    first_ms: float
    sql_ms: float | None = None
    statements: int | None = None
    baseline_ms: float | None = None
    note: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def worst(self) -> float:
        return max(self.samples_ms)

    @property
    def verdict(self) -> str:
        if self.goal_ms is None:
            return "baseline"
        return "met" if self.p50 <= self.goal_ms else "MISSED"


@dataclass
class StatementLog:
    """The statements an engine sends while recording: what a route asked of the database."""

    engine: AsyncEngine
    recording: bool = False
    statements: list[tuple[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        event.listen(self.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, parameters, _context, executemany) -> None:
        if self.recording and not executemany:
            self.statements.append((statement, parameters))

    @contextlib.asynccontextmanager
    async def record(self) -> AsyncIterator[list[tuple[str, Any]]]:
        self.statements = []
        self.recording = True
        try:
            yield self.statements
        finally:
            self.recording = False


async def replay(engine: AsyncEngine, statements: list[tuple[str, Any]]) -> tuple[float, str]:
    """The statements run raw on asyncpg, read-only ones only (a tick's writes are not
    replayed): their total milliseconds, and the slowest one's text."""
    total, slowest, slowest_ms = 0.0, "", -1.0
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            started = time.perf_counter()
            await driver.fetch(statement, *(parameters or ()))
            spent = (time.perf_counter() - started) * 1000
            total += spent
            if spent > slowest_ms:
                slowest, slowest_ms = statement, spent
        await connection.rollback()
    return total, slowest


async def explain(engine: AsyncEngine, statements: list[tuple[str, Any]], slowest: str) -> str:
    parameters = next((p for s, p in statements if s == slowest), ())
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        rows = await driver.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {slowest}", *(parameters or ()))
        await connection.rollback()
    return "\n".join(row[0] for row in rows)


@dataclass
class Bench:
    repeat: int
    profile: bool
    profile_text: list[str] = field(default_factory=list)

    async def measure(
        self,
        label: str,
        call: Callable[[], Awaitable[Any]],
        *,
        goal_ms: float | None,
        log: StatementLog | None = None,
        repeat: int | None = None,
        reset: Callable[[], Awaitable[None]] | None = None,
    ) -> Figure:
        async def timed() -> float:
            if reset is not None:
                await reset()
            started = time.perf_counter()
            await call()
            return (time.perf_counter() - started) * 1000

        first = await timed()
        samples = [await timed() for _ in range(repeat or self.repeat)]
        figure = Figure(label, goal_ms, samples, first)
        if log is not None:
            if reset is not None:
                await reset()
            async with log.record() as statements:
                await call()
            figure.statements = len(statements)
            runs = [await replay(log.engine, statements) for _ in range(3)]
            figure.sql_ms = statistics.median(ms for ms, _ in runs)
            if self.profile:
                await self._profile(label, call, reset, log.engine, statements, runs[0][1])
        return figure

    async def _profile(self, label, call, reset, engine, statements, slowest) -> None:
        if reset is not None:
            await reset()
        profiler = Profiler(async_mode="enabled", interval=0.0005)
        with profiler:
            await call()
        section = [f"=== {label}", profiler.output_text(unicode=True, show_all=False)]
        if slowest:
            section += [
                "--- slowest statement",
                slowest,
                await explain(engine, statements, slowest),
            ]
        self.profile_text.append("\n".join(section))


async def get_ok(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> httpx.Response:
    response = await client.get(path, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}: {response.text[:300]}")
    return response


def settings_for(settings_class, url: str, nats_url: str, mint: TokenMint):
    return settings_class(
        environment="test",
        database_url=url,
        migrate_on_start=False,
        nats_url=nats_url,
        event_namespace=f"bench{uuid.uuid4().hex[:8]}",
        jwks_url=mint.jwks_url,
        log_json=False,
        log_level="ERROR",
    )


@contextlib.asynccontextmanager
async def service(create_app, settings) -> AsyncIterator[tuple[httpx.AsyncClient, StatementLog]]:
    app = create_app(settings)
    async with running_app(app) as client:
        yield client, StatementLog(app.state.engine)


async def select_one(bench: Bench, url: str) -> Figure:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:

            async def round_trip() -> None:
                await connection.execute(text("SELECT 1"))

            return await bench.measure("SELECT 1 round trip", round_trip, goal_ms=None)
    finally:
        await engine.dispose()


async def asset_figures(bench: Bench, url: str, nats_url: str, mint: TokenMint, sizes: Sizes):
    admin = mint.headers("admin")
    # A township unit in the middle of the tree, with the median building.
    unit = bench_id(UNIT, sizes.units // 2 + 1)
    past = {"as_of": AS_OF_PAST.isoformat()}
    async with service(create_asset_app, settings_for(AssetSettings, url, nats_url, mint)) as (
        client,
        log,
    ):

        def route(label: str, path: str, goal_ms: float | None, repeat: int | None = None):
            return bench.measure(
                label, lambda: get_ok(client, path, admin), goal_ms=goal_ms, log=log, repeat=repeat
            )

        base = await route("asset: one unit by id (baseline)", f"/api/v1/asset/units/{unit}", None)
        report = "/api/v1/asset/reports/space-compliance"
        few = max(3, bench.repeat // 6)
        figures = [
            base,
            await route(
                "unit compliance, today",
                f"/api/v1/asset/units/{unit}/space-compliance",
                UNIT_GOAL_MS,
            ),
            await route(
                f"unit compliance, as of {AS_OF_PAST}",
                f"/api/v1/asset/units/{unit}/space-compliance?{urlencode(past)}",
                UNIT_GOAL_MS,
            ),
            await route("city-wide report, today (json)", report, REPORT_GOAL_MS, few),
            await route(
                f"city-wide report, as of {AS_OF_PAST}",
                f"{report}?{urlencode(past)}",
                REPORT_GOAL_MS,
                few,
            ),
            await route(
                "city-wide report, today (xlsx)", f"{report}?format=xlsx", REPORT_GOAL_MS, few
            ),
        ]
    for figure in figures[1:]:
        figure.baseline_ms = base.p50
    return figures


async def ticket_figures(bench: Bench, url: str, nats_url: str, mint: TokenMint, sizes: Sizes):
    admin = mint.headers("admin")
    department = DEPARTMENTS[0]
    agent = mint.headers(
        "agent", sub=bench_id(AGENT, 1 + AGENTS_PER_DEPARTMENT // 2), department=department
    )
    one_ticket = bench_id(TICKET, sizes.tickets // 2)
    unit = bench_id(UNIT, sizes.units // 2 + 1)
    tickets = "/api/v1/ticket/tickets"
    closed = {"department": department, "status": "closed", "limit": PAGE}
    # About as deep as 2% into the department's closed tickets: page 200 at full size.
    deep_offset = max(PAGE, sizes.tickets // 100)
    lists = [
        ("tickets: all, first page", {"limit": PAGE}, admin),
        (
            "tickets: department + in_progress, first page",
            {"department": department, "status": "in_progress", "limit": PAGE},
            admin,
        ),
        ("tickets: department + closed, first page", closed, admin),
        (
            f"tickets: department + closed, offset {deep_offset}",
            {**closed, "offset": deep_offset},
            admin,
        ),
        ("tickets: one requester unit, first page", {"requester_unit_id": unit}, admin),
        ("tickets: an agent's own view, first page", {"limit": PAGE}, agent),
    ]
    async with service(create_ticket_app, settings_for(TicketSettings, url, nats_url, mint)) as (
        client,
        log,
    ):
        base = await bench.measure(
            "ticket: one ticket by id (baseline)",
            lambda: get_ok(client, f"{tickets}/{one_ticket}", admin),
            goal_ms=None,
            log=log,
        )
        figures = [base]
        for label, query, headers in lists:
            path = f"{tickets}?{urlencode(query)}"
            figures.append(
                await bench.measure(
                    label,
                    lambda path=path, headers=headers: get_ok(client, path, headers),
                    goal_ms=LIST_GOAL_MS,
                    log=log,
                )
            )
    for figure in figures[1:]:
        figure.baseline_ms = base.p50
    return figures


async def tick_figures(bench: Bench, url: str, meta: Meta) -> list[Figure]:
    """`run_escalations` as the service's periodic job calls it, at the data's tick."""
    settings = TicketSettings()
    policy = SlaPolicy.from_settings(settings)
    engine = create_engine(url)
    factory = create_session_factory(engine, service="ticket")
    log = StatementLog(engine)
    batch = settings.scheduler_batch_size
    acted: list[int] = []

    async def reset() -> None:
        async with engine.begin() as connection:
            await reset_due_tickets(connection, meta)

    async def tick() -> None:
        acted.append(await run_escalations(factory, policy, batch_size=batch, at=meta.tick_at))

    async def quiet_tick() -> None:
        # Three days before: the due tickets' checks all lie ahead, so nothing is due.
        at = meta.tick_at - dt.timedelta(days=3)
        acted.append(await run_escalations(factory, policy, batch_size=batch, at=at))
        if acted[-1]:
            raise RuntimeError(f"a tick with nothing due acted {acted[-1]} times")

    try:
        quiet = await bench.measure(
            f"SLA tick: none due of {meta.sizes.tickets:,}",
            quiet_tick,
            goal_ms=TICK_GOAL_MS,
            log=log,
        )
        acted.clear()
        figure = await bench.measure(
            f"SLA tick: {meta.sizes.due} due of {meta.sizes.tickets:,}",
            tick,
            goal_ms=TICK_GOAL_MS,
            log=log,
            repeat=max(3, bench.repeat // 6),
            reset=reset,
        )
        await reset()
    finally:
        await engine.dispose()
    figure.note = f"{acted[-1]} thresholds raised or tickets confirmed per tick"
    return [quiet, figure]


async def run(args: argparse.Namespace) -> None:
    server = os.environ.get("GUANJIA_BENCH_POSTGRES_URL") or DEFAULT_SERVER
    name = args.reuse or uuid.uuid4().hex[:8]
    asset_url, ticket_url = (database_url(server, db) for db in database_names(name))
    generation = None
    if not (args.reuse and await databases_exist(server, name)):
        sizes = Sizes.at_scale(args.scale)
        print(f"making {sizes} in {', '.join(database_names(name))} …", flush=True)
        generation, _ = await generate(server, name, sizes)
        print(f"made in {generation:.0f} s", flush=True)
    try:
        meta = await read_meta(ticket_url)
        bench = Bench(repeat=args.repeat, profile=args.profile)
        with tempfile.TemporaryDirectory() as directory:
            mint = TokenMint(Path(directory))
            nats = NatsServerProcess(Path(directory) / "nats").start()
            try:
                figures = [await select_one(bench, asset_url)]
                figures += await asset_figures(bench, asset_url, nats.url, mint, meta.sizes)
                figures += await ticket_figures(bench, ticket_url, nats.url, mint, meta.sizes)
                figures += await tick_figures(bench, ticket_url, meta)
            finally:
                nats.stop()
    finally:
        if not (args.keep or args.reuse):
            await drop_databases(server, name)
    report(figures, meta, generation, name if (args.keep or args.reuse) else None)
    if args.profile:
        path = RESULTS / "scale_profile.txt"
        path.write_text("\n\n".join(bench.profile_text) + "\n")
        print(f"profiles: {path}")


def report(figures: list[Figure], meta: Meta, generation: float | None, kept: str | None) -> None:
    sizes = meta.sizes
    made = f"made in {generation:.0f} s" if generation is not None else "reused"
    print_table(
        f"scale: {sizes.units:,} units, {sizes.rooms:,} rooms, {sizes.tickets:,} tickets "
        f"(data {made}; ms, warm cache after the first call)",
        ["figure", "first", "p50", "max", "SQL", "stmts", "× base", "goal", "verdict"],
        [
            (
                figure.label,
                figure.first_ms,
                figure.p50,
                figure.worst,
                figure.sql_ms,
                figure.statements,
                figure.p50 / figure.baseline_ms if figure.baseline_ms else None,
                figure.goal_ms,
                figure.verdict,
            )
            for figure in figures
        ],
    )
    for figure in figures:
        if figure.note:
            print(f"  {figure.label}: {figure.note}")
    if kept:
        print(f"  databases kept: {', '.join(database_names(kept))} (--reuse {kept})")
    write_results(
        "scale",
        {
            "units": sizes.units,
            "rooms": sizes.rooms,
            "tickets": sizes.tickets,
            "due_at_tick": sizes.due,
            "generation_seconds": round(generation, 1) if generation is not None else None,
            "runs": [
                {
                    "figure": figure.label,
                    "goal_ms": figure.goal_ms,
                    "first_ms": round(figure.first_ms, 2),
                    "p50_ms": round(figure.p50, 2),
                    "max_ms": round(figure.worst, 2),
                    "sql_ms": round(figure.sql_ms, 2) if figure.sql_ms is not None else None,
                    "statements": figure.statements,
                    "ratio_to_baseline": round(figure.p50 / figure.baseline_ms, 2)
                    if figure.baseline_ms
                    else None,
                    "verdict": figure.verdict,
                    "note": figure.note or None,
                }
                for figure in figures
            ],
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full size")
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per route")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--reuse", metavar="NAME", help="use (or make and keep) data NAME")
    parser.add_argument("--profile", action="store_true", help="pyinstrument and EXPLAIN")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
