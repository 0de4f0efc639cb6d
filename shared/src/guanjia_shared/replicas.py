"""The replica of asset-svc's units that other services keep, fed by `asset.unit.*`.

Ticket, ledger and emergency services all need unit names without reading asset-svc's
database; the table, its migration step and its event handler live here once.
"""

from __future__ import annotations

from typing import Any

from alembic import op
from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from guanjia_shared.auth import CurrentUser
from guanjia_shared.clock import now
from guanjia_shared.consumer import PoisonEvent, Subscription
from guanjia_shared.db import UtcDateTime, dialect_insert
from guanjia_shared.deps import SessionDep
from guanjia_shared.errors import NotFound
from guanjia_shared.events import CloudEvent
from guanjia_shared.pagination import Page, PageQuery

replica_metadata = MetaData()

unit_replica = Table(
    "unit_replica",
    replica_metadata,
    Column("id", String(36), primary_key=True),
    Column("code", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("parent_id", String(36), nullable=True),
    Column("level", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("replicated_at", UtcDateTime, nullable=False),
)

REPLICATED_FIELDS = ("code", "name", "parent_id", "level", "version")


async def upsert_newer(session: AsyncSession, table: Table, values: dict[str, Any]) -> None:
    """Insert the replicated row `values` (its `id`, `version` and the rest), or overwrite
    the row of that id with it, unless the row's version is already as new: one record's
    events can arrive out of order after a redelivery, and a replica never goes back."""
    statement = dialect_insert(session, table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.id],
        set_={field: statement.excluded[field] for field in values if field != "id"},
        where=table.c.version < statement.excluded.version,
    )
    await session.execute(statement)


async def apply_unit_event(session: AsyncSession, event: CloudEvent) -> None:
    """Upsert the unit an event carries, unless a newer version is already here
    (events of one unit can arrive out of order after a redelivery)."""
    data: dict[str, Any] = event.data
    try:
        values = {"id": data["id"], **{field: data.get(field) for field in REPLICATED_FIELDS}}
        int(values["version"])
    except (KeyError, TypeError, ValueError) as exc:
        raise PoisonEvent(f"unit event without id or version: {exc}") from exc
    values["replicated_at"] = now()
    await upsert_newer(session, unit_replica, values)


def unit_replica_subscription() -> Subscription:
    return Subscription(
        name="unit-replica",
        filter="asset.unit.>",
        handlers={"asset.unit.created": apply_unit_event, "asset.unit.updated": apply_unit_event},
    )


async def replicated_unit(session: AsyncSession, unit_id: str) -> dict[str, Any] | None:
    row = (await session.execute(select(unit_replica).where(unit_replica.c.id == unit_id))).first()
    return dict(row._mapping) if row else None


def create_unit_replica_table() -> None:
    """Version 1 of the unit replica, for a consuming service's migration."""
    op.create_table(unit_replica.name, *(column._copy() for column in unit_replica.columns))


def drop_unit_replica_table() -> None:
    op.drop_table(unit_replica.name)


class ReplicatedUnit(BaseModel):
    id: str
    code: str
    name: str
    parent_id: str | None
    level: str
    version: int


def unit_replica_router(prefix: str) -> APIRouter:
    """`GET <prefix>/units[/{id}]`: the units this service knows, as replicated."""
    router = APIRouter(prefix=f"{prefix}/units", tags=["units (replica)"])

    @router.get("", response_model=Page[ReplicatedUnit])
    async def list_replicated_units(session: SessionDep, _: CurrentUser, page: PageQuery):
        query = select(unit_replica).order_by(unit_replica.c.code)
        total = await session.scalar(select(func.count()).select_from(unit_replica))
        rows = await session.execute(query.limit(page.limit).offset(page.offset))
        return {"items": [dict(row._mapping) for row in rows], "total": total or 0}

    @router.get("/{unit_id}", response_model=ReplicatedUnit)
    async def get_replicated_unit(unit_id: str, session: SessionDep, _: CurrentUser):
        unit = await replicated_unit(session, unit_id)
        if unit is None:
            raise NotFound(f"no unit {unit_id} has reached this service")
        return unit

    return router
