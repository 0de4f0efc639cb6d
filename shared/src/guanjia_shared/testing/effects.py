"""A test service for the event machinery's own tests (shared/tests): its rule leaves one row
in applied_effects for each event it applies; its schema is effects_migrations/ (the
platform tables and applied_effects)."""

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from guanjia_shared.consumer import Subscription
from guanjia_shared.events import CloudEvent

MIGRATIONS = str(Path(__file__).parent / "effects_migrations")


async def leave_effect(session: AsyncSession, event: CloudEvent) -> None:
    await session.execute(
        text("INSERT INTO applied_effects (event_id) VALUES (:event_id)"), {"event_id": event.id}
    )


async def effects_by_event(session_factory) -> dict[str, int]:
    async with session_factory() as session:
        rows = await session.execute(
            text("SELECT event_id, COUNT(*) FROM applied_effects GROUP BY event_id")
        )
        return {event_id: count for event_id, count in rows}


def effect_subscription(handler=leave_effect, **options) -> Subscription:
    return Subscription(
        name="effects", filter="asset.thing.>", handlers={"asset.thing.done": handler}, **options
    )
