"""Checking a building id named here (an incident's place, a supply location) against the
replica of asset-svc's buildings (fed by consumers.py) without refusing it for the replica's
lag: a building created in asset-svc a moment ago may not have reached us yet.

- `ensure_known_building` never refuses a well-formed id. An id already in the replica is
  confirmed; an id not (yet) there is accepted and written to `pending_building_checks`
  (first and last time referenced, how often, by what), in the caller's transaction.
- When `asset.building.created` / `.updated` for that id arrives, the consumer deletes its
  pending row in the same transaction as the upsert.
- `GET buildings/unconfirmed` lists the pending ids that the replica still does not hold
  (an anti-join, so an event that committed between a check and its pending row never
  leaves a false alarm), oldest first: an id still there after the usual replication lag
  (seconds) names a building asset-svc never published — a typo or a foreign id — and is
  for a person to chase.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from emergency_svc.buildings.models import (
    BUILDING_ID_MAX,
    PendingBuildingCheck,
    ReplicatedBuilding,
)
from guanjia_shared.clock import now
from guanjia_shared.db import dialect_insert
from guanjia_shared.errors import NotFound, invalid_field
from guanjia_shared.pagination import PageParams, fetch_page


async def ensure_known_building(
    session: AsyncSession, building_id: str, *, referenced_by: str | None = None
) -> None:
    """Accept `building_id` for a reference (an incident's place, a supply location).

    Known to the replica: nothing to do. Not (yet) known: accepted all the same — the replica
    may lag a building created a moment ago — and kept in `pending_building_checks` until
    its event arrives (the caller commits). Only a blank or oversize id is refused (422).
    """
    if not building_id or not building_id.strip() or len(building_id) > BUILDING_ID_MAX:
        raise invalid_field(
            f"building_id must be 1 to {BUILDING_ID_MAX} characters", "#/building_id"
        )
    if await session.get(ReplicatedBuilding, building_id) is not None:
        return
    moment = now()
    table = PendingBuildingCheck.__table__
    statement = dialect_insert(session, table).values(
        building_id=building_id,
        first_referenced_at=moment,
        last_referenced_at=moment,
        reference_count=1,
        last_referenced_by=referenced_by[:200] if referenced_by else None,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.building_id],
        set_={
            "last_referenced_at": statement.excluded.last_referenced_at,
            "reference_count": table.c.reference_count + 1,
            "last_referenced_by": statement.excluded.last_referenced_by,
        },
    )
    await session.execute(statement)


async def get_building(*, session: AsyncSession, building_id: str) -> ReplicatedBuilding:
    building = await session.get(ReplicatedBuilding, building_id)
    if building is None:
        raise NotFound(f"no building {building_id} has reached this service")
    return building


async def list_buildings(
    *, session: AsyncSession, page: PageParams, owner_unit_id: str | None = None
) -> tuple[list[ReplicatedBuilding], int]:
    query = select(ReplicatedBuilding).order_by(ReplicatedBuilding.name, ReplicatedBuilding.id)
    if owner_unit_id is not None:
        query = query.where(ReplicatedBuilding.owner_unit_id == owner_unit_id)
    return await fetch_page(session, query, page)


async def list_unconfirmed_buildings(
    *, session: AsyncSession, page: PageParams
) -> tuple[list[PendingBuildingCheck], int]:
    """Building ids referenced here that the replica still lacks, the oldest first."""
    known = select(ReplicatedBuilding.id).where(
        ReplicatedBuilding.id == PendingBuildingCheck.building_id
    )
    query = (
        select(PendingBuildingCheck)
        .where(~known.exists())
        .order_by(PendingBuildingCheck.first_referenced_at, PendingBuildingCheck.building_id)
    )
    return await fetch_page(session, query, page)
