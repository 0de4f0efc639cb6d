"""One lock over the register's moves, so a guard reads a state nobody is changing."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# Serialises recording on PostgreSQL: changes of the register and seats taken in its rooms
# (so `seq` is gapless and no seat slips in beside a reclaim). SQLite serialises writers.
REGISTER_LOCK_KEY = 7_310_001


async def lock_register(session: AsyncSession) -> None:
    """Hold the register's lock until the caller's transaction ends."""
    if session.bind.dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": REGISTER_LOCK_KEY}
        )
