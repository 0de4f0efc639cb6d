"""Benchmark: the property register's console screens at a city's scale.

Goals (the register issue): with 1 000 000 rooms (the scale bench's data) the city-wide
compliance page answers in ≤ 2 s and a unit's page in ≤ 300 ms on this machine.

asset-svc on PostgreSQL behind the gateway (bench/stack.py), with scale_data.py's city made
in asset-svc's own (migrated) database: 10 000 units in a tree, 1 000 000 rooms with their
change register, occupancy and staffing; no tickets (ticket-svc is not started), then
VACUUM ANALYZE as autovacuum would have done by the time tables this size are read. Each
screen's data is fetched as web/src/views calls it: the same paths, queries and page sizes,
concurrent where the page awaits calls together, one after another where it awaits one
first, by one client holding at most six connections to the gateway as a browser does,
with an admin's token (the city-wide report is the bureau's). The wall time of all of a
screen's calls is one sample; the screens are taken in turn, round after round, so that
the machine's drift hits them alike (console.py's `time_screens`); the first call of each
is reported apart. The baseline in the same run is `GET /healthz` through the gateway.

- The compliance page (register/CompliancePage.vue): the first page (50 units by code)
  today; the same sorted by the difference, largest first (a header clicked); filtered to
  county units over their standard; as of a past day (AS_OF_PAST: the change register
  replayed to it); and its download, every unit of the city as xlsx. Goal 2 s each.
- A unit's page (register/UnitPage.vue), a township unit in the middle of the city, today
  and as of the past day: loadUnit (the unit, its staffing and the buildings it owns at
  once, then the unit above it) beside loadDay (its compliance, its rooms and who sat in
  them on the day at once, then, at once, each building its rooms are in that the page has
  not learnt yet — the owned list may or may not have answered by then, as in the
  browser). Goal 300 ms.
- A room's page (register/RoomPage.vue), the office-space room of that unit's building with
  the longest history: the room and its history at once, then at once its building, the
  units its history names, and for RoomSeats who sits in it and its unit's staffing (the
  ranks). Goal 300 ms.
- The unit's presentation (present/UnitPresentation.vue): the unit, then at once its
  compliance, rooms, buildings, renovations and homes, the unit above it and the city
  slide's counts (the report with limit=1: its totals and its counts by level); the ticket
  counts are left out (no ticket-svc). Goal 2 s: it carries the city slide.

    .venv/bin/python bench/register.py                 # ~1 min making the data, 8–12 min timing
    .venv/bin/python bench/register.py --scale 0.01    # a quick run on 1% of the city
    .venv/bin/python bench/register.py --rounds 20

This machine has 2 cores shared with PostgreSQL, the service, the gateway and the client;
the load average and the machine's busy cores during the timed rounds are printed and kept
with the figures, since other work on the machine shows in them.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import time
from urllib.parse import urlencode

from console import Screen, get, time_screens
from report import print_table, write_results
from scale_data import (
    AS_OF_PAST,
    BUILDING,
    BUREAU_ZONE,
    UNIT,
    Sizes,
    bench_id,
    generate_assets,
    vacuum,
)
from stack import Stack, _run_async, running_stack, scalar

from asset_svc.register.models import OFFICE_SPACE_KINDS

CITY_GOAL_MS = 2_000
UNIT_GOAL_MS = 300
ASSET = "/api/v1/asset"
REPORT = f"{ASSET}/reports/space-compliance"
# The pages' sizes (CompliancePage.vue's PAGE_SIZE, UnitPage.vue's BUILDINGS_LIMIT,
# UnitPresentation.vue's LISTED).
COMPLIANCE_PAGE = 50
UNIT_BUILDINGS = 100
PRESENTATION_LISTED = 500
# loadUnit beside loadDay; n: the buildings of its rooms the page has not learnt yet.
UNIT_CALLS = "3 at once then 1, beside 3 at once then n"
# The kinds of room people take a seat in (web/src/register/rooms.ts, asset-svc's own list).
OFFICE_SPACE = {kind.value for kind in OFFICE_SPACE_KINDS}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def screens(
    headers: dict[str, str],
    unit_id: str,
    room_id: str,
    today: dt.date,
    facts: dict[str, object],
) -> list[Screen]:
    """The screens, each loading its data as the page does; `facts` keeps what the last
    load saw (sizes of answers), to show what was timed."""

    async def healthz(client):
        answer = await client.get("/healthz")
        answer.raise_for_status()

    def compliance_page(as_of: dt.date, sort: str = "code", **chosen: str):
        # The page's query: the day, the filters chosen, the order, then the page.
        query = {"as_of": as_of.isoformat(), **chosen, "sort": sort}
        query |= {"limit": COMPLIANCE_PAGE, "offset": 0}

        shown = urlencode({name: query[name] for name in ("as_of", *chosen, "sort")})

        async def load(client):
            report = await get(client, REPORT, headers, **query)
            facts[f"report {shown}: total, units_over"] = [report["total"], report["units_over"]]

        return load

    async def download(client):
        query = f"as_of={today.isoformat()}&sort=code&format=xlsx"
        answer = await client.get(f"{REPORT}?{query}", headers=headers)
        if answer.status_code != 200 or answer.headers["content-type"] != XLSX:
            raise RuntimeError(f"xlsx answered {answer.status_code}: {answer.text[:300]}")
        facts["xlsx_bytes"] = len(answer.content)

    def unit_page(as_of: dt.date):
        async def load(client):
            # useBuildingNames: a building is asked for once, if not known yet.
            names: dict[str, str | None] = {}

            async def load_unit():
                unit, _, owned = await asyncio.gather(
                    get(client, f"{ASSET}/units/{unit_id}", headers),
                    get(client, f"{ASSET}/units/{unit_id}/staffing", headers),
                    get(
                        client,
                        f"{ASSET}/buildings",
                        headers,
                        owner_unit_id=unit_id,
                        limit=UNIT_BUILDINGS,
                    ),
                )
                names.update((building["id"], building["name"]) for building in owned["items"])
                if unit["parent_id"]:
                    await get(client, f"{ASSET}/units/{unit['parent_id']}", headers)

            async def load_day():
                day = {"as_of": as_of.isoformat()}
                _, occupancy, _ = await asyncio.gather(
                    get(client, f"{ASSET}/units/{unit_id}/space-compliance", headers, **day),
                    get(client, f"{ASSET}/units/{unit_id}/occupancy", headers, **day),
                    get(client, f"{ASSET}/units/{unit_id}/seats", headers, **day),
                )
                wanted = {room["building_id"] for room in occupancy["rooms"]} - names.keys()
                names.update(dict.fromkeys(wanted))
                await asyncio.gather(
                    *(get(client, f"{ASSET}/buildings/{building}", headers) for building in wanted)
                )
                facts[f"unit_rooms_{as_of}"] = occupancy["room_count"]
                facts[f"unit_buildings_asked_{as_of}"] = len(wanted)

            await asyncio.gather(load_unit(), load_day())

        return load

    async def room_page(client):
        room, history = await asyncio.gather(
            get(client, f"{ASSET}/rooms/{room_id}", headers),
            get(client, f"{ASSET}/rooms/{room_id}/history", headers),
        )
        units = {room["occupant_unit_id"]} | {
            entry[name]
            for entry in history
            if entry["kind"] == "change"
            for name in ("unit_id", "from_unit_id", "occupant_after")
        }
        units.discard(None)
        # RoomSeats, shown for office space as soon as the room is known: who sits in it,
        # and the ranks of its unit's level.
        seating = []
        if room["kind"] in OFFICE_SPACE:
            seating.append(get(client, f"{ASSET}/rooms/{room_id}/seats", headers))
            if room["occupant_unit_id"]:
                holder = room["occupant_unit_id"]
                seating.append(get(client, f"{ASSET}/units/{holder}/staffing", headers))
        await asyncio.gather(
            get(client, f"{ASSET}/buildings/{room['building_id']}", headers),
            *(get(client, f"{ASSET}/units/{unit}", headers) for unit in units),
            *seating,
        )
        facts["room_kind"], facts["room_history_entries"] = room["kind"], len(history)
        facts["room_units_asked"] = len(units)

    async def presentation(client):
        unit = await get(client, f"{ASSET}/units/{unit_id}", headers)
        listed = {"limit": PRESENTATION_LISTED}
        parent = unit["parent_id"]
        await asyncio.gather(
            get(client, f"{ASSET}/units/{unit_id}/space-compliance", headers),
            get(client, f"{ASSET}/units/{unit_id}/occupancy", headers),
            get(client, f"{ASSET}/buildings", headers, owner_unit_id=unit_id, **listed),
            get(client, f"{ASSET}/renovations", headers, unit_id=unit_id, **listed),
            get(client, f"{ASSET}/housing", headers, occupant_unit_id=unit_id, **listed),
            *([get(client, f"{ASSET}/units/{parent}", headers)] if parent else []),
            get(client, REPORT, headers, limit=1),
        )

    past = AS_OF_PAST
    return [
        Screen("GET /healthz (baseline)", "1", healthz, goal_ms=None),
        Screen("compliance page, today, by code", "1", compliance_page(today), CITY_GOAL_MS),
        Screen(
            "compliance page, today, sort=-difference",
            "1",
            compliance_page(today, sort="-difference"),
            CITY_GOAL_MS,
        ),
        Screen(
            "compliance page, today, level=county&status=over",
            "1",
            compliance_page(today, level="county", status="over"),
            CITY_GOAL_MS,
        ),
        Screen(f"compliance page, as of {past}", "1", compliance_page(past), CITY_GOAL_MS),
        Screen("compliance download, today, whole city (xlsx)", "1", download, CITY_GOAL_MS),
        Screen("unit page, today", UNIT_CALLS, unit_page(today), UNIT_GOAL_MS),
        Screen(f"unit page, as of {past}", UNIT_CALLS, unit_page(past), UNIT_GOAL_MS),
        Screen("room page", "2 at once, then 1 + n + 2 at once", room_page, UNIT_GOAL_MS),
        Screen(
            "unit presentation (city slide included)",
            "1, then 7 at once",
            presentation,
            CITY_GOAL_MS,
        ),
    ]


def make_city(stack: Stack, scale: float) -> tuple[Sizes, float]:
    """scale_data's city (assets only) in the stack's asset database, vacuumed; answers
    its sizes and the seconds it took."""
    sizes = Sizes.at_scale(scale)
    url = stack.database_urls["asset"]
    started = time.monotonic()
    _run_async(generate_assets(url, sizes, dt.datetime.now(dt.UTC).replace(microsecond=0)))
    _run_async(vacuum(url))
    return sizes, time.monotonic() - started


def longest_history_room(stack: Stack, building_id: str) -> str:
    """The office-space room of `building_id` (one its page lists seats for) with the most
    changes recorded for it."""
    kinds = ", ".join(f"'{kind}'" for kind in sorted(OFFICE_SPACE))
    return scalar(
        stack.database_urls["asset"],
        "SELECT room.id FROM rooms AS room JOIN change_rooms AS moved ON moved.room_id = room.id "
        f"WHERE room.building_id = '{building_id}' AND room.kind IN ({kinds}) "
        "GROUP BY room.id ORDER BY count(*) DESC, room.id LIMIT 1",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full city")
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds over the screens")
    options = parser.parse_args()

    rate_limit = {
        "rate_limit_per_second": 1_000_000,
        "rate_limit_burst": 1_000_000,
        "public_rate_limit_per_second": 1_000_000,
        "public_rate_limit_burst": 1_000_000,
    }
    with running_stack(["asset"], gateway_env=rate_limit) as stack:
        sizes, made_seconds = make_city(stack, options.scale)
        unit_number = sizes.units // 2
        unit_id = bench_id(UNIT, unit_number)
        # Each unit owns the building of its own number (scale_data.py).
        room_id = longest_history_room(stack, bench_id(BUILDING, unit_number))
        headers = stack.bearer(stack.token("admin"))
        today = dt.datetime.now(BUREAU_ZONE).date()
        facts: dict[str, object] = {}
        all_screens = screens(headers, unit_id, room_id, today, facts)
        machine = asyncio.run(time_screens(stack.gateway.url, all_screens, options.rounds))

    report(all_screens, machine, sizes, made_seconds, unit_id, room_id, facts)


def report(all_screens, machine, sizes, made_seconds, unit_id, room_id, facts) -> None:
    baseline = statistics.median(all_screens[0].samples)
    runs = [
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
    ]
    print_table(
        f"register screens through the gateway: {sizes.units:,} units, {sizes.rooms:,} rooms, "
        f"PostgreSQL, {len(all_screens[0].samples)} rounds (ms, wall time of all of a "
        "screen's calls; verdict on p95)",
        ["screen", "calls", "first", "p50", "p95", "max", "× base", "goal", "verdict"],
        [list(run.values()) for run in runs],
    )
    print(
        f"  machine during the rounds: {machine['machine_busy_cores']} of 2 cores busy, "
        f"load average {machine['load_average_1min_before']} → "
        f"{machine['load_average_1min_after']}, {machine['seconds']} s; data made and "
        f"vacuumed in {made_seconds:.0f} s\n"
        f"  unit {unit_id}, room {room_id}\n"
        f"  answers: {facts}"
    )
    write_results(
        "register",
        {
            "units": sizes.units,
            "rooms": sizes.rooms,
            "data_seconds": round(made_seconds, 1),
            "as_of_past": AS_OF_PAST.isoformat(),
            "unit_id": unit_id,
            "room_id": room_id,
            "answers": facts,
            # The machine's state during the timed rounds (write_results adds its spec).
            "rounds": machine,
            "runs": runs,
        },
    )


if __name__ == "__main__":
    main()
