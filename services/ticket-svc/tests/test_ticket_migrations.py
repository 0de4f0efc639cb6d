import asyncio
import re

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import create_async_engine

from guanjia_shared.clock import now
from guanjia_shared.migrations import downgrade_database, upgrade_database
from guanjia_shared.testing.migration_checks import (
    check_migrations_run_down_and_up_again,
    check_models_match_migrations,
)
from ticket_svc.database import MIGRATIONS
from ticket_svc.tickets.models import Ticket


async def test_the_migrations_run_down_and_up_again(fresh_database):
    await check_migrations_run_down_and_up_again(MIGRATIONS, await fresh_database(MIGRATIONS))


async def test_tickets_resolved_before_rating_codes_are_given_one(fresh_database):
    url = await fresh_database(MIGRATIONS)
    await asyncio.to_thread(downgrade_database, MIGRATIONS, url, "0008")
    before_codes = [
        column
        for column in Ticket.__table__.columns
        if column.key not in ("rating_code", "next_due_at", "external_ref")
    ]
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            for status, resolved_at in [("closed", now()), ("in_progress", None)]:
                ticket = Ticket(
                    title=status, first_receiver="agent-1", owner="agent-1", status=status
                )
                ticket.resolved_at = resolved_at
                await connection.execute(
                    insert(Ticket.__table__).values(
                        {column.key: getattr(ticket, column.key) for column in before_codes}
                    )
                )
        await asyncio.to_thread(upgrade_database, MIGRATIONS, url)
        async with engine.connect() as connection:
            codes = dict((await connection.execute(select(Ticket.title, Ticket.rating_code))).all())
    finally:
        await engine.dispose()

    assert codes["in_progress"] is None
    assert re.fullmatch(r"[0-9a-f]{32}", codes["closed"])


async def test_the_models_and_the_migrations_agree(fresh_database):
    await check_models_match_migrations(MIGRATIONS, await fresh_database(MIGRATIONS))
