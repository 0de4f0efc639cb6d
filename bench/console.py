"""Benchmark: the web console's speed goals, on the built console and the real stack.

Goals (the console issue): the first load of the sign-in page fetches ≤ 250 kB of
compressed JavaScript (routes and charts load lazily); each screen's data arrives in
≤ 300 ms on this machine with 10 000 tickets.

1. Bundle. `make console` builds web/dist with Vite's manifest (dist/.vite/manifest.json).
   What a browser fetches for `/` signed out is index.html's entry script with its static
   imports (transitively, as Vite's modulepreload links name them) and the sign-in route's
   chunk with its own; each file is gzipped as the gateway serves it (Starlette's
   GZipMiddleware: level 9, files under 512 bytes as they are) and summed. Beside it: what
   each other route adds when opened (the ratings page counted with its lazily loaded
   chart), and all the JavaScript of the build. The baseline, built by the same Vite in
   the same run, is the smallest app of the same kind: Vue with vue-router, one route, no
   UI library — what any Vue console pays before its own code. The first-load files are
   also fetched through the running gateway with `Accept-Encoding: gzip` and the bytes on
   the wire counted, as a cross-check of the computation.
2. Screens. asset-svc and ticket-svc on PostgreSQL behind the gateway (bench/stack.py),
   10 000 tickets made by scale_data.py (its 1% city: 100 units, 10 000 rooms, 10 000
   tickets over 10 departments, its due tickets left to ticket-svc's own scheduler). One
   agent's share of tickets is given to the benchmark's agent and the
   new requests of its department are left untaken, so that the desk has both lists. Then
   each screen's first view is timed as web/src/views calls it: the same paths and queries,
   concurrent where the screen awaits them together, sequential where it awaits one first
   (the ticket page reads the ticket, then its history, parts, alerts and place at once).
   The wall time of all of a screen's calls is one sample; screens are taken in turn, round
   after round, so that the machine's drift hits them alike. The baseline in the same run is
   `GET /healthz` through the gateway.

    .venv/bin/python bench/console.py [--rounds 40]      # ~3 min

This machine has 2 cores shared with the database, NATS, the services, the gateway and the
client; the load average and the machine's busy cores during the timed rounds are printed
and kept with the figures, since other work on the machine shows in them.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gzip
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
from report import print_table, write_results
from scale_data import (
    AGENT,
    AGENTS_PER_DEPARTMENT,
    DEPARTMENTS,
    UNIT,
    Sizes,
    bench_id,
    generate_assets,
    generate_tickets,
    tick_moment,
    vacuum,
)
from stack import Stack, _admin_statement, _run_async, machine_cpu_seconds, running_stack, scalar

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
DIST = WEB / "dist"
FIRST_LOAD_GOAL_KB = 250
SCREEN_GOAL_MS = 300
# As the gateway's GZipMiddleware compresses (gateway/console/files.py; Starlette's level).
GZIP_LEVEL = 9
GZIP_MINIMUM_BYTES = 512
SCALE = 0.01  # scale_data's city at 1%: 10 000 tickets
BUREAU_ZONE = ZoneInfo("Asia/Shanghai")
SCHEDULER_WAIT_SECONDS = 180
# The screens' page sizes (web/src/components/tickets/usePagedTickets.ts, the views).
TICKET_PAGE = 20
EVENTS_PAGE = 50
ESCALATIONS_PAGE = 20
BOARD_PAGE = 500
COMMENTS_PAGE = 10


# --- 1. the bundle -------------------------------------------------------------------------


def served_size(path: Path) -> int:
    data = path.read_bytes()
    if len(data) < GZIP_MINIMUM_BYTES:
        return len(data)
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL))


def static_closure(manifest: dict, keys: Iterable[str]) -> set[str]:
    """The manifest keys of `keys` and everything they import statically, transitively."""
    seen: set[str] = set()
    pending = list(keys)
    while pending:
        key = pending.pop()
        if key not in seen:
            seen.add(key)
            pending += manifest[key].get("imports", [])
    return seen


def js_files(manifest: dict, keys: Iterable[str]) -> set[str]:
    return {manifest[key]["file"] for key in keys if manifest[key]["file"].endswith(".js")}


def kilobytes(files: Iterable[str], directory: Path = DIST) -> float:
    return sum(served_size(directory / name) for name in files) / 1000


def node() -> str:
    found = shutil.which("node") or str(ROOT / ".tools" / "node" / "bin" / "node")
    return found


BASELINE_APP = {
    "index.html": '<!doctype html><div id="app"></div><script type="module" src="/main.js">'
    "</script>\n",
    "main.js": """import { createApp, h } from 'vue'
import { createRouter, createWebHistory, RouterView } from 'vue-router'

const router = createRouter({
  history: createWebHistory(),
  routes: [{ path: '/', component: { render: () => h('p', '登录') } }],
})
createApp({ render: () => h(RouterView) }).use(router).mount('#app')
""",
}
BUILD_SCRIPT = """import { build } from 'vite'
await build({ root: process.argv[1], configFile: false, logLevel: 'warn',
              build: { outDir: 'dist', emptyOutDir: true } })
"""


def baseline_kilobytes() -> float:
    """The smallest Vue + vue-router app, built by web's own Vite and packages (inside
    web/node_modules/.cache so that its imports resolve to them)."""
    cache = WEB / "node_modules" / ".cache"
    cache.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="console-bench-baseline-", dir=cache) as root:
        for name, text in BASELINE_APP.items():
            (Path(root) / name).write_text(text)
        subprocess.run(
            [node(), "--input-type=module", "-e", BUILD_SCRIPT, root], cwd=WEB, check=True
        )
        built = Path(root) / "dist"
        return kilobytes([str(p.relative_to(built)) for p in built.rglob("*.js")], built)


@dataclass
class Bundle:
    first_load: set[str]
    first_load_kb: float
    css_kb: float
    routes: dict[str, float]  # what opening each lazily loaded route adds, kB
    total_kb: float
    baseline_kb: float
    files: int


def measure_bundle() -> Bundle:
    subprocess.run(["make", "console"], cwd=ROOT, check=True)
    manifest = json.loads((DIST / ".vite" / "manifest.json").read_text())
    entry = next(key for key, chunk in manifest.items() if chunk.get("isEntry"))
    sign_in = "src/views/SignIn.vue"
    first_keys = static_closure(manifest, [entry, sign_in])
    first_load = js_files(manifest, first_keys)
    css = {name for key in first_keys for name in manifest[key].get("css", [])}
    # The ratings page draws its chart from a chunk it asks for as it renders.
    chart = "src/components/public/ScoreChart.vue"
    riders = {"src/views/public/RatingsPage.vue": [chart]}
    routes = {}
    for key, chunk in manifest.items():
        if chunk.get("isDynamicEntry") and key.startswith(("src/views/", "src/layouts/")):
            if key in first_keys or key == chart:
                continue
            keys = static_closure(manifest, [key, *riders.get(key, [])])
            routes[key.removeprefix("src/")] = kilobytes(js_files(manifest, keys) - first_load)
    every_js = [str(p.relative_to(DIST)) for p in (DIST / "static").glob("*.js")]
    return Bundle(
        first_load=first_load,
        first_load_kb=kilobytes(first_load),
        css_kb=kilobytes(css),
        routes=dict(sorted(routes.items(), key=lambda item: -item[1])),
        total_kb=kilobytes(every_js),
        baseline_kb=baseline_kilobytes(),
        files=len(every_js),
    )


def wire_kilobytes(stack: Stack, files: Iterable[str]) -> float:
    """The first-load files as the gateway sends them, compressed bytes on the wire."""
    total = 0
    for name in files:
        answer = stack.client.get("/" + name, headers={"Accept-Encoding": "gzip"})
        answer.raise_for_status()
        total += answer.num_bytes_downloaded
    return total / 1000


# --- 2. the screens ------------------------------------------------------------------------


@dataclass
class People:
    agent: dict[str, str]
    head: dict[str, str]
    unit_staff: dict[str, str]
    department: str
    ticket_id: str


@dataclass
class Screen:
    name: str
    calls: str
    load: Callable[[httpx.AsyncClient], Awaitable[None]]
    goal_ms: float | None = SCREEN_GOAL_MS
    samples: list[float] = field(default_factory=list)
    first_ms: float = 0.0

    def quantile(self, q: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    @property
    def verdict(self) -> str:
        if self.goal_ms is None:
            return "baseline"
        return "met" if self.quantile(0.95) <= self.goal_ms else "MISSED"


async def get(client: httpx.AsyncClient, path: str, headers: dict[str, str], **query) -> dict:
    answer = await client.get(
        path + (f"?{urlencode(query, doseq=True)}" if query else ""), headers=headers
    )
    if answer.status_code != 200:
        raise RuntimeError(f"GET {path} answered {answer.status_code}: {answer.text[:300]}")
    return answer.json()


def screens(people: People, today: dt.date) -> list[Screen]:
    agent, head, staff = people.agent, people.head, people.unit_staff
    tickets = "/api/v1/ticket/tickets"
    ticket = f"{tickets}/{people.ticket_id}"
    page = {"limit": TICKET_PAGE, "offset": 0}

    async def healthz(client):
        answer = await client.get("/healthz")
        answer.raise_for_status()

    async def me(client):
        await get(client, "/api/v1/auth/me", agent)

    async def colleagues(client):
        # Names for the people on the screen: the department's colleagues, once per reader.
        await get(client, "/api/v1/auth/colleagues", agent, limit=500, offset=0)

    async def desk(client):
        await asyncio.gather(
            get(client, tickets, agent, owner="me", sort="due", **page),
            get(client, tickets, agent, unassigned="true", department=people.department, **page),
            colleagues(client),
        )

    async def unit_requests(client):
        await get(client, tickets, staff, **page)

    async def ticket_page(client):
        found = await get(client, ticket, agent)
        place = [
            get(client, f"/api/v1/asset/{kind}s/{found[f'{kind}_id']}", agent)
            for kind in ("building", "room")
            if found.get(f"{kind}_id")
        ]
        await asyncio.gather(
            colleagues(client),
            get(client, f"{ticket}/events", agent, limit=EVENTS_PAGE, offset=0),
            get(client, f"{ticket}/coordinations", agent),
            get(client, f"{ticket}/escalations", agent),
            *place,
        )

    async def escalations(client):
        query = {"unresolved": "true", "limit": ESCALATIONS_PAGE, "offset": 0}
        await get(client, "/api/v1/ticket/escalations", head, **query)

    async def department_report(client):
        period = {"from": today.replace(day=1).isoformat(), "to": today.isoformat()}
        await get(client, "/api/v1/ticket/reports/departments", head, **period)

    async def board(client):
        shown = 0
        while True:
            answer = await get(client, "/public/v1/commitments", {}, limit=BOARD_PAGE, offset=shown)
            shown += len(answer["items"])
            if not answer["items"] or shown >= answer["total"]:
                return

    async def ratings(client):
        await asyncio.gather(
            get(client, "/public/v1/ratings/summary", {}),
            get(client, "/public/v1/ratings/comments", {}, limit=COMMENTS_PAGE, offset=0),
        )

    return [
        Screen("GET /healthz (baseline)", "1", healthz, goal_ms=None),
        Screen("signed in: /auth/me", "1", me),
        Screen("desk: mine + unassigned + colleagues", "3 at once", desk),
        Screen("a unit's requests", "1", unit_requests),
        Screen("ticket page", "1, then 6 at once", ticket_page),
        Screen("escalations", "1", escalations),
        Screen("department report", "1", department_report),
        Screen("board: commitments", "1", board),
        Screen("ratings: summary + comments", "2 at once", ratings),
    ]


def make_tickets(stack: Stack) -> Sizes:
    """scale_data's 1% city in the stack's own (migrated) databases. Its tick is last
    Wednesday's: ticket-svc's scheduler finds those due then (and the open ones due since)
    and raises their alerts."""
    sizes = Sizes.at_scale(SCALE)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    _run_async(generate_assets(stack.database_urls["asset"], sizes, now))
    _run_async(generate_tickets(stack.database_urls["ticket"], sizes, tick_moment(now)))
    return sizes


def wait_for_scheduler(stack: Stack) -> float:
    """Until ticket-svc's scheduler has handled every ticket due (the alerts the escalations
    screen lists); answers how long that took."""
    started = time.monotonic()
    url = stack.database_urls["ticket"]
    while scalar(url, "SELECT count(*) FROM tickets WHERE next_check_at <= now()"):
        if time.monotonic() - started > SCHEDULER_WAIT_SECONDS:
            raise TimeoutError("ticket-svc's scheduler left tickets due")
        time.sleep(1)
    return time.monotonic() - started


def prepare_people(stack: Stack, sizes: Sizes) -> People:
    url = stack.database_urls["ticket"]
    department = scalar(url, "SELECT department FROM commitments WHERE code = 'C01'")
    agent = stack.bearer(stack.token("agent", department=department))
    me = stack.client.get("/api/v1/auth/me", headers=agent).json()["id"]
    first_agent = bench_id(AGENT, DEPARTMENTS.index(department) * AGENTS_PER_DEPARTMENT + 1)
    # One bench agent's tickets become ours; the department's new requests wait to be taken.
    for statement in (
        f"UPDATE tickets SET owner = '{me}' WHERE owner = '{first_agent}'",
        f"UPDATE tickets SET owner = NULL WHERE department = '{department}' AND status = 'new'",
    ):
        _run_async(_admin_statement(url, statement))
    ticket_id = scalar(
        url,
        f"SELECT ticket_id FROM ticket_events JOIN tickets ON tickets.id = ticket_id "
        f"WHERE owner = '{me}' AND room_id IS NOT NULL "
        "GROUP BY ticket_id ORDER BY count(*) DESC, ticket_id LIMIT 1",
    )
    for database in stack.database_urls.values():
        _run_async(vacuum(database))
    unit = bench_id(UNIT, sizes.units // 2)
    return People(
        agent=agent,
        head=stack.bearer(stack.token("dept_head", department=department)),
        unit_staff=stack.bearer(stack.token("unit_staff", unit_id=unit)),
        department=department,
        ticket_id=ticket_id,
    )


async def time_screens(gateway_url: str, all_screens: list[Screen], rounds: int) -> dict:
    # A browser keeps up to six connections to one origin over HTTP/1.1.
    limits = httpx.Limits(max_connections=6, max_keepalive_connections=6)
    async with httpx.AsyncClient(base_url=gateway_url, limits=limits, timeout=30) as client:

        async def timed(screen: Screen) -> float:
            started = time.perf_counter()
            await screen.load(client)
            return (time.perf_counter() - started) * 1000

        for screen in all_screens:
            screen.first_ms = await timed(screen)
        load_before = os.getloadavg()[0]
        busy_before, stolen_before = machine_cpu_seconds()
        started = time.monotonic()
        for _ in range(rounds):
            for screen in all_screens:
                screen.samples.append(await timed(screen))
        wall = time.monotonic() - started
        busy_after, stolen_after = machine_cpu_seconds()
    return {
        "load_average_1min_before": round(load_before, 2),
        "load_average_1min_after": round(os.getloadavg()[0], 2),
        "machine_busy_cores": round((busy_after - busy_before) / wall, 2),
        "stolen_cores": round((stolen_after - stolen_before) / wall, 3),
        "seconds": round(wall, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="timed rounds over the screens")
    options = parser.parse_args()

    bundle = measure_bundle()
    rate_limit = {
        "rate_limit_per_second": 1_000_000,
        "rate_limit_burst": 1_000_000,
        "public_rate_limit_per_second": 1_000_000,
        "public_rate_limit_burst": 1_000_000,
        "console_dir": DIST,
    }
    with running_stack(
        ["asset", "ticket"],
        gateway_env=rate_limit,
        service_env={"ticket": {"scheduler_interval_seconds": 1}},
    ) as stack:
        wire_kb = wire_kilobytes(stack, sorted(bundle.first_load))
        made = time.monotonic()
        sizes = make_tickets(stack)
        made_seconds = time.monotonic() - made
        scheduler_seconds = wait_for_scheduler(stack)
        people = prepare_people(stack, sizes)
        today = dt.datetime.now(BUREAU_ZONE).date()
        all_screens = screens(people, today)
        machine = asyncio.run(time_screens(stack.gateway.url, all_screens, options.rounds))
        alerts = scalar(stack.database_urls["ticket"], "SELECT count(*) FROM ticket_alerts")

    report(bundle, wire_kb, all_screens, machine, sizes, made_seconds, scheduler_seconds, alerts)


def report(bundle, wire_kb, all_screens, machine, sizes, made_seconds, scheduler_seconds, alerts):
    first_met = bundle.first_load_kb <= FIRST_LOAD_GOAL_KB
    biggest_route, biggest_kb = next(iter(bundle.routes.items()))
    print_table(
        "console bundle: gzipped JavaScript (kB, level 9 as the gateway serves it)",
        ["figure", "kB", "× baseline", "goal", "verdict"],
        [
            ("minimal Vue + vue-router app (baseline)", bundle.baseline_kb, 1.0, None, "baseline"),
            (
                f"first load of / signed out ({len(bundle.first_load)} files)",
                bundle.first_load_kb,
                bundle.first_load_kb / bundle.baseline_kb,
                FIRST_LOAD_GOAL_KB,
                "met" if first_met else "MISSED",
            ),
            ("  the same, bytes on the wire from the gateway", wire_kb, None, None, "cross-check"),
            ("  its CSS (not counted in the goal)", bundle.css_kb, None, None, ""),
            (f"biggest route added: {biggest_route}", biggest_kb, None, None, ""),
            (
                f"all JavaScript of the build ({bundle.files} files)",
                bundle.total_kb,
                None,
                None,
                "",
            ),
        ],
    )
    print_table(
        "console bundle: what opening each lazily loaded route adds (kB gzipped)",
        ["route", "kB"],
        list(bundle.routes.items()),
    )
    baseline = statistics.median(all_screens[0].samples)
    print_table(
        f"console screens through the gateway: {sizes.tickets:,} tickets, PostgreSQL, "
        f"{len(all_screens[0].samples)} rounds (ms, wall time of all of a screen's calls)",
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
                screen.verdict,
            )
            for screen in all_screens
        ],
    )
    print(
        f"  machine during the rounds: {machine['machine_busy_cores']} of 2 cores busy, "
        f"load average {machine['load_average_1min_before']} → "
        f"{machine['load_average_1min_after']}; data made in {made_seconds:.0f} s, "
        f"scheduler settled in {scheduler_seconds:.0f} s ({alerts} alerts)"
    )
    write_results(
        "console",
        {
            "bundle": {
                "gzip_level": GZIP_LEVEL,
                "baseline_kb": round(bundle.baseline_kb, 1),
                "first_load_kb": round(bundle.first_load_kb, 1),
                "first_load_wire_kb": round(wire_kb, 1),
                "first_load_files": sorted(bundle.first_load),
                "first_load_css_kb": round(bundle.css_kb, 1),
                "ratio_to_baseline": round(bundle.first_load_kb / bundle.baseline_kb, 2),
                "routes_added_kb": {name: round(kb, 1) for name, kb in bundle.routes.items()},
                "total_js_kb": round(bundle.total_kb, 1),
                "goal_kb": FIRST_LOAD_GOAL_KB,
                "verdict": "met" if first_met else "missed",
            },
            "screens": {
                "tickets": sizes.tickets,
                "units": sizes.units,
                "rooms": sizes.rooms,
                "alerts": alerts,
                "data_seconds": round(made_seconds, 1),
                "machine": machine,
                "runs": [
                    {
                        "screen": screen.name,
                        "calls": screen.calls,
                        "first_ms": round(screen.first_ms, 2),
                        "p50_ms": round(statistics.median(screen.samples), 2),
                        "p95_ms": round(screen.quantile(0.95), 2),
                        "max_ms": round(max(screen.samples), 2),
                        "ratio_to_baseline": round(statistics.median(screen.samples) / baseline, 2),
                        "goal_ms": screen.goal_ms,
                        "verdict": screen.verdict,
                    }
                    for screen in all_screens
                ],
            },
        },
    )


if __name__ == "__main__":
    main()
