"""Rooms linked to other records (a change, a renovation) through a link table."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


async def room_ids_by(
    session: AsyncSession,
    owner_column: InstrumentedAttribute[str],
    room_column: InstrumentedAttribute[str],
    owner_ids: list[str],
) -> dict[str, list[str]]:
    """For each of `owner_ids`, the ids of the rooms its link rows name (one query)."""
    rows = await session.execute(
        select(owner_column, room_column).where(owner_column.in_(owner_ids)).order_by(room_column)
    )
    rooms: dict[str, list[str]] = {owner_id: [] for owner_id in owner_ids}
    for owner_id, room_id in rows:
        rooms[owner_id].append(room_id)
    return rooms
