"""Alembic, run the same way by every service: at start in development, by `migrate` in
production, and by the test fixtures (tests run the migrations, never create_all)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from guanjia_shared.db import ensure_sqlite_directory
from guanjia_shared.platform_tables import dead_letter, inbox, outbox, platform_metadata


def alembic_config(script_location: str, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", script_location)
    # configparser treats % as interpolation; URLs may carry escaped characters.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(script_location: str, url: str, revision: str = "heads") -> None:
    """Bring the database at `url` to `revision` (every head: a service's domain folders may
    each add a branch of migrations). Blocking: call from a thread inside an event loop."""
    ensure_sqlite_directory(url)
    command.upgrade(alembic_config(script_location, url), revision)


def downgrade_database(script_location: str, url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(script_location, url), revision)


async def upgrade_database_async(script_location: str, url: str) -> None:
    # Alembic's async env runs its own event loop, so it gets a thread of its own.
    await asyncio.to_thread(upgrade_database, script_location, url)


def run_migrations_in_env(target_metadata: MetaData | Sequence[MetaData]) -> None:
    """The body of every `env.py`: the schema holds the process's own tables and the
    outbox, inbox and dead-letter tables every process that publishes events has."""
    metadata = [target_metadata] if isinstance(target_metadata, MetaData) else list(target_metadata)
    metadata.append(platform_metadata)
    url = context.config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    def _run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()

    async def _run_async() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(_run)
                await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(_run_async())


def create_platform_tables() -> None:
    """Version 1 of the outbox, inbox and dead-letter tables, for a service's first
    migration. A later change to them is a new helper here and a migration in each service."""
    for table in (outbox, inbox, dead_letter):
        op.create_table(table.name, *(column._copy() for column in table.columns))
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["seq"],
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )


def drop_platform_tables() -> None:
    op.drop_index("ix_outbox_pending", table_name="outbox")
    for table in (dead_letter, inbox, outbox):
        op.drop_table(table.name)
