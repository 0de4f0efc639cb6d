"""Migrations are reviewed like code: each must run down as well as up, and at head they
make exactly the schema the models declare (Alembic's autogenerate finds nothing to add)."""

from __future__ import annotations

import asyncio
import pprint
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, inspect
from sqlalchemy.ext.asyncio import create_async_engine

from guanjia_shared.migrations import alembic_config, downgrade_database, upgrade_database


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


def schema_differences(migrations: str, url: str) -> list[Any]:
    """What `alembic revision --autogenerate` would put in a new migration for the database
    at `url`: the service's own env.py runs (so the models and the platform tables it names
    are compared, with its options), and instead of migrating, compares. Blocking."""
    config = alembic_config(migrations, url)
    script = ScriptDirectory.from_config(config)
    differences: list[Any] = []

    def compare(_revision: Any, context: MigrationContext) -> list[Any]:
        found = compare_metadata(context, context.opts["target_metadata"])
        if context.dialect.name == "sqlite":
            found = _without_expression_indexes(found)
        differences.extend(found)
        return []  # nothing to run

    with EnvironmentContext(config, script, fn=compare):
        script.run_env()
    return differences


def _without_expression_indexes(differences: list[Any]) -> list[Any]:
    """SQLite's reflection cannot read an index on an expression (`created_at DESC`), so
    Alembic sees such an index as removed and added again: that pair is dropped here, by
    name (PostgreSQL, where the same check runs, compares them whole)."""
    rebuilt = {
        difference[1].name
        for difference in differences
        if difference[0] == "add_index"
        and any(not isinstance(element, Column) for element in difference[1].expressions)
    }
    removed = {d[1].name for d in differences if d[0] == "remove_index"}
    return [
        difference
        for difference in differences
        if not (
            difference[0] in ("add_index", "remove_index")
            and difference[1].name in rebuilt & removed
        )
    ]


async def check_models_match_migrations(migrations: str, url: str) -> None:
    """`url` is a database migrated to head: the models and the migrations agree."""
    differences = await asyncio.to_thread(schema_differences, migrations, url)
    assert differences == [], (
        "the models and the migrations disagree (a migration is missing, or a model was "
        f"changed without one); autogenerate finds:\n{pprint.pformat(differences)}"
    )
