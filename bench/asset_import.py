"""Benchmark: importing an inventory workbook of 100 000 rooms into asset-svc.

Goal (asset-svc issue): under 60 s on this machine (2 cores). The baseline in the same run
is openpyxl reading the same workbook without checking or writing anything, so the ratio
says what our checks and inserts cost on top of reading the file.

    make bench            # or: .venv/bin/python bench/asset_import.py [--rooms N]

Runs on a fresh SQLite file, and on PostgreSQL too when GUANJIA_BENCH_POSTGRES_URL names a
server it may create a throw-away database on.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import tempfile
import time
import uuid

from openpyxl import Workbook, load_workbook
from report import print_table, write_results
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from asset_svc.config import Settings
from asset_svc.database import MIGRATIONS
from asset_svc.imports.models import BUILDING_COLUMNS, BUILDINGS_SHEET, ROOM_COLUMNS, ROOMS_SHEET
from asset_svc.imports.service import import_workbook
from asset_svc.units.models import Unit
from guanjia_shared.auth import Principal, Role
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.migrations import upgrade_database_async

ROOMS_PER_BUILDING = 500


def inventory(rooms: int) -> bytes:
    book = Workbook(write_only=True)
    buildings = book.create_sheet(BUILDINGS_SHEET)
    buildings.append([column.label for column in BUILDING_COLUMNS])
    count = -(-rooms // ROOMS_PER_BUILDING)
    for number in range(count):
        buildings.append(
            [
                f"B{number}",
                f"楼{number}",
                f"路{number}号",
                "BENCH",
                None,
                20000,
                None,
                2000,
                "office",
            ]
        )
    sheet = book.create_sheet(ROOMS_SHEET)
    sheet.append([column.label for column in ROOM_COLUMNS])
    for number in range(rooms):
        building = number // ROOMS_PER_BUILDING
        sheet.append(
            [f"B{building}", number % 20, f"{number % ROOMS_PER_BUILDING:04d}", 18.0, "office"]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_only_baseline(content: bytes) -> float:
    started = time.perf_counter()
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    for sheet in (BUILDINGS_SHEET, ROOMS_SHEET):
        for _ in book[sheet].iter_rows(values_only=True):
            pass
    book.close()
    return time.perf_counter() - started


async def timed_import(url: str, content: bytes) -> tuple[float, int]:
    await upgrade_database_async(MIGRATIONS, url)
    engine = create_engine(url)
    factory = create_session_factory(engine, service="asset")
    try:
        async with factory() as session:
            session.add(Unit(code="BENCH", name="基准单位", level="municipal"))
            await session.commit()
        started = time.perf_counter()
        async with factory() as session:
            result = await import_workbook(
                session=session,
                content=content,
                max_rows=Settings().import_max_rows,
                actor=Principal(id="bench", username="bench", roles=frozenset({Role.admin})),
            )
        return time.perf_counter() - started, result.rooms_created
    finally:
        await engine.dispose()


async def on_postgres(server: str, content: bytes) -> tuple[float, int]:
    name = f"guanjia_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(make_url(server), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        return await timed_import(url, content)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=100_000)
    rooms = parser.parse_args().rooms
    content = inventory(rooms)
    baseline = read_only_baseline(content)
    rows = [("openpyxl read only (baseline)", baseline, rooms)]
    with tempfile.TemporaryDirectory() as directory:
        seconds, created = asyncio.run(
            timed_import(f"sqlite+aiosqlite:///{directory}/asset.db", content)
        )
        rows.append(("import, SQLite", seconds, created))
    server = os.environ.get("GUANJIA_BENCH_POSTGRES_URL")
    if server:
        seconds, created = asyncio.run(on_postgres(server, content))
        rows.append(("import, PostgreSQL", seconds, created))

    print_table(
        f"asset import: {rooms} rooms, {len(content) / 2**20:.1f} MiB xlsx",
        ["run", "seconds", "rooms/s", "× baseline", "goal ≤ 60 s"],
        [
            (
                label,
                seconds,
                created / seconds,
                seconds / baseline,
                "" if label.endswith("(baseline)") else ("met" if seconds <= 60 else "MISSED"),
            )
            for label, seconds, created in rows
        ],
    )
    write_results(
        "asset_import",
        {
            "rooms": rooms,
            "goal_seconds": 60,
            "runs": [
                {
                    "run": label,
                    "seconds": round(s, 3),
                    "rooms": c,
                    "ratio_to_baseline": round(s / baseline, 2),
                }
                for label, s, c in rows
            ],
        },
    )


if __name__ == "__main__":
    main()
