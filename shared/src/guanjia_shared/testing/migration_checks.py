"""Migrations are reviewed like code: each must run down as well as up."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from guanjia_shared.migrations import downgrade_database, upgrade_database


async def table_names(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def check_migrations_run_down_and_up_again(migrations: str, url: str) -> None:
    """`url` is a database at head: down to nothing, then up to the same tables again."""
    at_head = await table_names(url)
    await asyncio.to_thread(downgrade_database, migrations, url)
    assert await table_names(url) <= {"alembic_version"}
    await asyncio.to_thread(upgrade_database, migrations, url)
    assert await table_names(url) == at_head
