"""The registry of ticket-svc's own tables (kept apart from other services' models)."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Row, Table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import registry
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel

from guanjia_shared.db import dialect_insert

MIGRATIONS = str(Path(__file__).parent / "migrations")


class TicketTable(SQLModel, registry=registry()):
    """Base of every ticket-svc table."""


async def insert_new_rows(
    session: AsyncSession,
    table: Table,
    rows: Sequence[dict[str, Any]],
    returning: Sequence[ColumnElement[Any]],
) -> list[Row[Any]]:
    """Insert `rows` in one statement, leaving out each one a unique key already holds
    (INSERT … ON CONFLICT DO NOTHING); answers `returning` of the rows it inserted.

    What makes a write happen once even when two transactions try it together: the
    second waits for the first and then inserts nothing, without an error that would
    need a savepoint per row to survive."""
    if not rows:
        return []
    statement = dialect_insert(session, table).on_conflict_do_nothing().returning(*returning)
    return list((await session.execute(statement, list(rows))).all())
