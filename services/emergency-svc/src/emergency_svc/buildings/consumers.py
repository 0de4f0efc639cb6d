"""The building replica fed by asset-svc: `asset.building.created` / `.updated` upsert the
building they carry and confirm any pending check of its id (see service.py for the check).

The data fields read: `id` (≤ 64), `name` and `version` (an int) required; `address`,
`owner_unit_id`, `use` and `disposed` optional. An event without a usable id, name or version
is a `PoisonEvent`: kept as a dead letter, and the events after it go on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from emergency_svc.buildings.models import (
    BUILDING_ID_MAX,
    PendingBuildingCheck,
    ReplicatedBuilding,
)
from emergency_svc.events import ConsumedEvent
from guanjia_shared.clock import now
from guanjia_shared.consumer import PoisonEvent, Subscription
from guanjia_shared.events import CloudEvent
from guanjia_shared.replicas import upsert_newer

BUILDING_EVENTS = (ConsumedEvent.building_created, ConsumedEvent.building_updated)


def _building_values(event: CloudEvent) -> dict[str, Any]:
    data: dict[str, Any] = event.data
    try:
        building_id = str(data["id"])
        name = str(data["name"])
        version = int(data["version"])
    except (KeyError, TypeError, ValueError) as exc:
        raise PoisonEvent(f"building event without id, name or version: {exc!r}") from exc
    if not building_id or len(building_id) > BUILDING_ID_MAX:
        raise PoisonEvent(f"building event with an unusable id: {building_id!r}")
    return {
        "id": building_id,
        "name": name[:200],
        "address": str(data.get("address") or "")[:300],
        "owner_unit_id": data.get("owner_unit_id"),
        "use": data.get("use"),
        "disposed": bool(data.get("disposed", False)),
        "version": version,
        "replicated_at": now(),
    }


async def apply_building_event(session: AsyncSession, event: CloudEvent) -> None:
    """Upsert the building an event carries unless a newer version is already here (one
    building's events can arrive out of order after a redelivery), and confirm any pending
    check of its id."""
    values = _building_values(event)
    await upsert_newer(session, ReplicatedBuilding.__table__, values)
    await session.execute(
        delete(PendingBuildingCheck).where(PendingBuildingCheck.building_id == values["id"])
    )


def building_replica_subscription() -> Subscription:
    return Subscription(
        name="building-replica",
        filter="asset.building.>",
        handlers={event_type: apply_building_event for event_type in BUILDING_EVENTS},
    )
