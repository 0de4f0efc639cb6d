"""Benchmark: the leaders' cockpit (领导驾驶舱) at a city's scale.

Goal (issue 19): the cockpit answers in ≤ 500 ms with the scale bench's data (1 000 000
tickets, 10 000 ledger items).

asset-, ticket-, ledger- and emergency-svc on PostgreSQL behind the gateway (bench/stack.py).
The data: scale_data.py's city (10 000 units, 1 000 000 rooms, 1 000 000 tickets), and what
cockpit_data.py adds — this year's plan of 10 000 ledger items with the exceptions
ledger-svc's own sweep raises on them and leaders' interventions, tickets escalated to the
leadership, renovations awaiting approval, and emergency plans, drills, trainings, stock and
incidents entered through the API. Then VACUUM ANALYZE, as autovacuum would have done.

The cockpit's first view is timed as web/src/views/cockpit/CockpitPage.vue makes it: on
mounting it fires all its calls at once and awaits none before another — the six lists'
first pages of 6 lines (ledger exceptions; escalations to the leadership not done; units over
the office-space standard, largest excess first; renovations requested; incidents not over;
procedures whose review is overdue — the data holds no procedure register, so that one is
an empty list), the readiness report, and the ticket totals for this year to date and the
same days of last year (those two awaited together). One client holding at most six connections,
as a browser does, with a leader's token: the wall time until the last answer is one
sample. Each call is timed alone as well, so the slowest is named. The screens are taken in
turn, round after round (console.py's `time_screens`), the first call of each reported
apart; the baseline in the same run is `GET /healthz` through the gateway.

    .venv/bin/python bench/cockpit.py                   # full size: ~10 min making the data
    .venv/bin/python bench/cockpit.py --scale 0.01      # a quick run on 1% of it
    .venv/bin/python bench/cockpit.py --reuse city      # make the data once, keep it, reuse it
    .venv/bin/python bench/cockpit.py --reuse city --profile   # and pyinstrument + EXPLAIN
    .venv/bin/python bench/cockpit.py --drop city       # drop the kept databases

`--profile` calls each of the cockpit's routes in-process on the kept databases (scale.py's
`Bench`: pyinstrument of one call, EXPLAIN (ANALYZE, BUFFERS) of its slowest statement) and
writes bench/results/cockpit_profile.txt.

This machine has 2 cores shared with PostgreSQL, NATS, the services, the gateway and the
client; the load average and the machine's busy cores during the timed rounds are printed
and kept with the figures, since other work on the machine shows in them.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from cockpit_data import (
    escalate_to_leaders,
    generate_ledger,
    intervene,
    make_emergency,
    request_renovations,
    wait_for,
)
from console import Screen, get, time_screens, wait_for_scheduler
from report import RESULTS, print_table, write_results
from scale_data import (
    BUREAU_ZONE,
    Sizes,
    _admin,
    database_url,
    generate_assets,
    generate_tickets,
    tick_moment,
    vacuum,
)
from stack import Stack, postgres_server, query_scalar, running_stack

GOAL_MS = 500
SERVICES = ("asset", "ticket", "ledger", "emergency")
# CockpitPage.vue's LINES_PER_PAGE: every list asks for its first page of this many.
LINES_PER_PAGE = 6
FIRST_PAGE = {"limit": LINES_PER_PAGE, "offset": 0}
META_TABLE = "bench_cockpit_meta"


# --- the data ------------------------------------------------------------------------------


def database_names(name: str) -> dict[str, str]:
    return {service: f"guanjia_cockpit_{name}_{service}" for service in SERVICES}


async def kept_databases(server: str, name: str) -> tuple[dict[str, str], bool]:
    """The databases of data NAME, and whether they hold the data already (made to the
    end: the meta table is written last). Made empty (again) when they do not."""
    names = database_names(name)
    [rows] = await _admin(server, ["SELECT datname FROM pg_database"])
    urls = {service: database_url(server, db) for service, db in names.items()}
    if set(names.values()) <= {row[0] for row in rows}:
        made = await query_scalar(
            urls["ledger"], f"SELECT count(*) FROM pg_tables WHERE tablename = '{META_TABLE}'"
        )
        if made:
            return urls, True
    await drop_databases(server, name)
    await _admin(server, [f'CREATE DATABASE "{db}"' for db in names.values()])
    return urls, False


async def drop_databases(server: str, name: str) -> None:
    await _admin(
        server,
        [f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)' for db in database_names(name).values()],
    )


async def make_data(stack: Stack, scale: float) -> dict:
    """The city, the ledger and the rest in the stack's (migrated, empty) databases."""
    urls = stack.database_urls
    sizes = Sizes.at_scale(scale)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    today = now.astimezone(BUREAU_ZONE).date()
    tick = tick_moment(now)
    started = time.monotonic()
    print(f"making {sizes} …", flush=True)
    await generate_assets(urls["asset"], sizes, now)
    await generate_tickets(urls["ticket"], sizes, tick)
    # The bulk's next checks lie after scale_data's tick (last Wednesday); moved on by the
    # days since, so that the scheduler finds what a scheduler that had kept up would: the
    # due tickets scale_data made by ticket-svc's rules, not a backlog of a week.
    await _admin_in(
        urls["ticket"],
        "UPDATE tickets SET next_check_at = next_check_at + "
        f"(TIMESTAMPTZ '{now.isoformat()}' - TIMESTAMPTZ '{tick.isoformat()}') "
        f"WHERE next_check_at > TIMESTAMPTZ '{tick.isoformat()}'",
    )
    escalated = await escalate_to_leaders(urls["ticket"], now)
    items = await generate_ledger(urls["ledger"], today.year, today, scale)
    # The exceptions are raised by ledger-svc's own sweep (every 2 s in this stack).
    swept = await wait_for(
        lambda: _swept(urls["ledger"]), "ledger-svc's sweep of the plan", seconds=600
    )
    leader = stack.bearer(stack.token("leader"))
    admin = stack.bearer(stack.token("admin"))
    leader_id = stack.client.get("/api/v1/auth/me", headers=leader).json()["id"]
    limits = httpx.Limits(max_connections=6)
    async with httpx.AsyncClient(base_url=stack.gateway.url, limits=limits, timeout=120) as client:
        interventions = await intervene(client, leader)
        await request_renovations(client, admin, sizes.units)
        emergency = await make_emergency(client, leader, admin, leader_id, today)
    print(f"  data made in {time.monotonic() - started:.0f} s; settling …", flush=True)
    scheduler = await asyncio.to_thread(wait_for_scheduler, stack)
    for url in urls.values():
        await vacuum(url)
    facts = {
        "units": sizes.units,
        "rooms": sizes.rooms,
        "tickets": sizes.tickets,
        "ledger_items": items,
        "leader_alerts": escalated,
        "interventions": interventions,
        **{f"emergency_{name}": count for name, count in emergency.items()},
        "ledger_sweep_seconds": round(swept, 1),
        "scheduler_seconds": round(scheduler, 1),
        "data_seconds": round(time.monotonic() - started, 1),
    }
    columns = ", ".join(f"{value} AS {name}" for name, value in facts.items())
    await _admin_in(urls["ledger"], f"CREATE TABLE {META_TABLE} AS SELECT {columns}")
    return facts


async def _admin_in(url: str, statement: str) -> None:
    await _admin(url, [statement])


async def _swept(url: str) -> bool:
    swept = await query_scalar(url, "SELECT count(*) FROM exception_sweeps")
    waiting = await query_scalar(url, "SELECT count(*) FROM outbox WHERE published_at IS NULL")
    return bool(swept) and not waiting


async def read_facts(url: str) -> dict:
    [rows] = await _admin(url, [f"SELECT row_to_json(meta)::text FROM {META_TABLE} AS meta"])
    return json.loads(rows[0][0])


# --- the calls -----------------------------------------------------------------------------


def year_to_date(today: dt.date) -> tuple[dict[str, str], dict[str, str]]:
    """web/src/cockpit/figures.ts's yearToDate: this year to today, and last year's same
    days (28 February standing in for a 29th last year did not have)."""
    last_day = today.replace(year=today.year - 1) if (today.month, today.day) != (2, 29) else None
    last_day = last_day or dt.date(today.year - 1, 2, 28)
    return (
        {"from": f"{today.year}-01-01", "to": today.isoformat()},
        {"from": f"{today.year - 1}-01-01", "to": last_day.isoformat()},
    )


def cockpit_calls(today: dt.date) -> list[tuple[str, str, dict[str, object]]]:
    """Each of the page's calls as CockpitPage.vue makes it: its name, path and query."""
    current, previous = year_to_date(today)
    return [
        ("ledger exceptions", "/api/v1/ledger/exceptions", FIRST_PAGE),
        (
            "escalations to the leadership, not done",
            "/api/v1/ticket/escalations",
            {**FIRST_PAGE, "escalated_to": "leader", "unresolved": "true"},
        ),
        (
            "units over the standard, largest first",
            "/api/v1/asset/reports/space-compliance",
            {**FIRST_PAGE, "status": "over", "sort": "-difference"},
        ),
        (
            "renovations requested",
            "/api/v1/asset/renovations",
            {**FIRST_PAGE, "status": "requested"},
        ),
        (
            "incidents not over",
            "/api/v1/emergency/incidents",
            {**FIRST_PAGE, "status": ["reported", "active"]},
        ),
        ("readiness report", "/api/v1/emergency/reports/readiness", {}),
        (
            "procedures whose review is overdue",
            "/api/v1/ledger/quality/documents",
            {**FIRST_PAGE, "review_overdue": "true"},
        ),
        ("ticket totals, this year to date", "/api/v1/ticket/reports/totals", current),
        ("ticket totals, last year's same days", "/api/v1/ticket/reports/totals", previous),
    ]


async def _call(client, *, path: str, headers: dict[str, str], query: dict) -> dict:
    return await get(client, path, headers, **query)


def screens(leader: dict[str, str], today: dt.date, seen: dict[str, object]) -> list[Screen]:
    calls = {
        name: functools.partial(_call, path=path, headers=leader, query=query)
        for name, path, query in cockpit_calls(today)
    }

    async def healthz(client):
        answer = await client.get("/healthz")
        answer.raise_for_status()

    async def first_view(client):
        answers = await asyncio.gather(*(load(client) for load in calls.values()))
        # What was shown: a list's total, the readiness report's gaps, a report's tickets.
        for name, answer in zip(calls, answers, strict=True):
            if "total" in answer:
                seen[name] = answer["total"]
            elif "ready" in answer:
                seen[name] = sum(len(value) for value in answer.values() if isinstance(value, list))
            else:
                seen[name] = answer["tickets"]

    return [
        Screen("GET /healthz (baseline)", "1", healthz, goal_ms=None),
        Screen("the cockpit's first view", f"{len(calls)} at once", first_view, goal_ms=GOAL_MS),
        *(Screen(f"  alone: {name}", "1", load, goal_ms=None) for name, load in calls.items()),
    ]


# --- profiling -----------------------------------------------------------------------------


async def profile(urls: dict[str, str], today: dt.date, repeat: int) -> Path:
    """Each call in-process on its service (scale.py's Bench: pyinstrument and EXPLAIN)."""
    from scale import Bench, get_ok, service, settings_for

    from asset_svc.config import Settings as AssetSettings
    from asset_svc.main import create_app as create_asset_app
    from emergency_svc.config import Settings as EmergencySettings
    from emergency_svc.main import create_app as create_emergency_app
    from guanjia_shared.nats_server import NatsServerProcess
    from guanjia_shared.testing.tokens import TokenMint
    from ledger_svc.config import Settings as LedgerSettings
    from ledger_svc.main import create_app as create_ledger_app
    from ticket_svc.config import Settings as TicketSettings
    from ticket_svc.main import create_app as create_ticket_app

    apps = {
        "asset": (create_asset_app, AssetSettings),
        "ticket": (create_ticket_app, TicketSettings),
        "ledger": (create_ledger_app, LedgerSettings),
        "emergency": (create_emergency_app, EmergencySettings),
    }
    # The owning service is the path's third part: /api/v1/<service>/…
    paths: dict[str, list[tuple[str, str]]] = {name: [] for name in apps}
    for label, path, query in cockpit_calls(today):
        paths[path.split("/")[3]].append((label, f"{path}?{httpx.QueryParams(query)}"))
    bench = Bench(repeat=repeat, profile=True)
    figures = []
    with tempfile.TemporaryDirectory() as directory:
        mint = TokenMint(Path(directory))
        leader = mint.headers("leader", sub=str(uuid.uuid4()))
        nats = NatsServerProcess(Path(directory) / "nats").start()
        try:
            for name, (create_app, settings_class) in apps.items():
                settings = settings_for(settings_class, urls[name], nats.url, mint)
                async with service(create_app, settings) as (client, log):
                    for label, path in paths[name]:
                        figures.append(
                            await bench.measure(
                                label,
                                lambda path=path: get_ok(client, path, leader),
                                goal_ms=None,
                                log=log,
                            )
                        )
        finally:
            nats.stop()
    print_table(
        "cockpit routes in-process (ms; SQL: the route's statements replayed raw)",
        ["route", "first", "p50", "max", "SQL", "stmts"],
        [(f.label, f.first_ms, f.p50, f.worst, f.sql_ms, f.statements) for f in figures],
    )
    path = RESULTS / "cockpit_profile.txt"
    path.write_text("\n\n".join(bench.profile_text) + "\n")
    return path


# --- the run -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full size")
    parser.add_argument("--rounds", type=int, default=40, help="timed rounds over the screens")
    parser.add_argument("--reuse", metavar="NAME", help="use (or make and keep) data NAME")
    parser.add_argument("--drop", metavar="NAME", help="drop the kept data NAME and stop")
    parser.add_argument("--profile", action="store_true", help="pyinstrument and EXPLAIN")
    options = parser.parse_args()
    server = postgres_server()
    if options.drop:
        asyncio.run(drop_databases(server, options.drop))
        print(f"dropped {', '.join(database_names(options.drop).values())}")
        return
    name = options.reuse or uuid.uuid4().hex[:8]
    urls, made = asyncio.run(kept_databases(server, name))
    try:
        run(options, urls, made)
    finally:
        if not options.reuse:
            asyncio.run(drop_databases(server, name))
    if options.reuse:
        print(f"  databases kept: {', '.join(database_names(name).values())} (--drop {name})")


def run(options: argparse.Namespace, urls: dict[str, str], made: bool) -> None:
    rate_limit = {"rate_limit_per_second": 1_000_000, "rate_limit_burst": 1_000_000}
    with running_stack(
        list(SERVICES),
        gateway_env=rate_limit,
        service_env={
            "ledger": {"exception_scan_interval_seconds": 2},
            "ticket": {"scheduler_interval_seconds": 1},
        },
        databases=urls,
    ) as stack:
        if made:
            facts = asyncio.run(read_facts(urls["ledger"]))
            facts["data_seconds"] = None  # reused
            wait_for_scheduler(stack)
        else:
            facts = asyncio.run(make_data(stack, options.scale))
        today = dt.datetime.now(BUREAU_ZONE).date()
        leader = stack.bearer(stack.token("leader"))
        seen: dict[str, object] = {}
        all_screens = screens(leader, today, seen)
        machine = asyncio.run(time_screens(stack.gateway.url, all_screens, options.rounds))
    report(all_screens, machine, facts, seen)
    if options.profile:
        path = asyncio.run(profile(urls, today, repeat=10))
        print(f"profiles: {path}")


def report(all_screens: list[Screen], machine: dict, facts: dict, seen: dict) -> None:
    baseline = statistics.median(all_screens[0].samples)
    print_table(
        f"the cockpit through the gateway: {facts['tickets']:,} tickets, "
        f"{facts['ledger_items']:,} ledger items, {facts['rooms']:,} rooms, PostgreSQL, "
        f"{len(all_screens[0].samples)} rounds (ms)",
        ["screen", "calls", "first", "p50", "p95", "max", "× base", "goal", "verdict"],
        [
            (
                screen.name,
                screen.calls,
                screen.first_ms,
                statistics.median(screen.samples),
                screen.quantile(0.95),
                max(screen.samples),
                statistics.median(screen.samples) / baseline,
                screen.goal_ms,
                screen.verdict if screen.goal_ms or screen is all_screens[0] else "",
            )
            for screen in all_screens
        ],
    )
    alone = all_screens[2:]
    slowest = max(alone, key=lambda screen: statistics.median(screen.samples))
    print(f"  slowest call alone: {slowest.name.strip()}")
    print(f"  what the cockpit showed (totals, readiness gaps, tickets): {seen}")
    print(
        f"  machine during the rounds: {machine['machine_busy_cores']} of 2 cores busy, "
        f"load average {machine['load_average_1min_before']} → "
        f"{machine['load_average_1min_after']}"
    )
    print(f"  data: {facts}")
    write_results(
        "cockpit",
        {
            "data": facts,
            "lists": seen,
            "machine_during_rounds": machine,
            "slowest_call": slowest.name.strip(),
            "runs": [
                {
                    "screen": screen.name.strip(),
                    "calls": screen.calls,
                    "first_ms": round(screen.first_ms, 2),
                    "p50_ms": round(statistics.median(screen.samples), 2),
                    "p95_ms": round(screen.quantile(0.95), 2),
                    "max_ms": round(max(screen.samples), 2),
                    "ratio_to_baseline": round(statistics.median(screen.samples) / baseline, 2),
                    "goal_ms": screen.goal_ms,
                    "verdict": screen.verdict if screen.goal_ms else None,
                }
                for screen in all_screens
            ],
        },
    )


if __name__ == "__main__":
    main()
