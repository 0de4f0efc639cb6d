"""The rules of units: unique codes, an acyclic tree, and an event for every change."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from asset_svc import events
from asset_svc.units import policy
from asset_svc.units.models import Unit, UnitCreate, UnitLevel, UnitRead, UnitUpdate
from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, containing, fetch_page


async def get_unit(*, session: AsyncSession, unit_id: str, viewer: Principal | None = None) -> Unit:
    """The unit; `viewer`, when given, must be allowed to see it."""
    if viewer is not None:
        policy.ensure_may_see_unit(viewer, unit_id)
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"no unit {unit_id}")
    return unit


async def list_units(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    parent_id: str | None = None,
    level: UnitLevel | None = None,
    q: str | None = None,
    top: bool = False,
) -> tuple[list[Unit], int]:
    """`top`: only the units under no other, where the tree of units starts."""
    query = policy.units_visible_to(viewer).order_by(Unit.code)
    if parent_id is not None:
        query = query.where(Unit.parent_id == parent_id)
    if top:
        query = query.where(Unit.parent_id.is_(None))
    if level is not None:
        query = query.where(Unit.level == level.value)
    if q:
        query = query.where(containing(q, Unit.name, Unit.code))
    return await fetch_page(session, query, page)


async def _ensure_code_free(
    session: AsyncSession, code: str, *, except_id: str | None = None
) -> None:
    holder = await session.scalar(select(Unit.id).where(Unit.code == code))
    if holder is not None and holder != except_id:
        raise Conflict(f"unit code {code} is already used", rule="unique-unit-code")


async def _ensure_parent_exists(session: AsyncSession, parent_id: str) -> None:
    if await session.get(Unit, parent_id) is None:
        raise InvalidInput(
            f"no unit {parent_id} to be the parent",
            errors=[{"detail": "unknown unit", "pointer": "#/parent_id"}],
        )


async def create_unit(*, session: AsyncSession, data: UnitCreate, actor: Principal) -> Unit:
    ensure_role(actor, policy.WRITERS)
    await _ensure_code_free(session, data.code)
    if data.parent_id is not None:
        await _ensure_parent_exists(session, data.parent_id)
    unit = Unit(code=data.code, name=data.name, parent_id=data.parent_id, level=data.level.value)
    session.add(unit)
    await session.flush()
    await _record_unit_event(session, events.UNIT_CREATED, unit, actor)
    await session.commit()
    return unit


async def update_unit(
    *,
    session: AsyncSession,
    unit_id: str,
    data: UnitUpdate,
    actor: Principal,
    expected_version: int | None = None,
) -> Unit:
    ensure_role(actor, policy.WRITERS)
    unit = await get_unit(session=session, unit_id=unit_id)
    if expected_version is not None and expected_version != unit.version:
        raise PreconditionFailed(
            f"unit {unit_id} is at version {unit.version}, not {expected_version}"
        )
    changes = data.model_dump(exclude_unset=True)
    if changes.get("code") is not None:
        await _ensure_code_free(session, changes["code"], except_id=unit.id)
    if "parent_id" in changes and changes["parent_id"] is not None:
        await _ensure_parent_exists(session, changes["parent_id"])
        await _ensure_not_own_ancestor(session, unit.id, changes["parent_id"])
    for field, value in changes.items():
        if value is None and field != "parent_id":
            continue
        setattr(unit, field, value.value if isinstance(value, UnitLevel) else value)
    unit.version += 1
    unit.updated_at = now()
    session.add(unit)
    await session.flush()
    await _record_unit_event(session, events.UNIT_UPDATED, unit, actor)
    await session.commit()
    return unit


async def _record_unit_event(
    session: AsyncSession, event_type: str, unit: Unit, actor: Principal
) -> None:
    """The whole unit as it now stands: consumers keep replicas from these events alone."""
    data = UnitRead.model_validate(unit).model_dump(mode="json")
    await record_event(session, event_type, subject=unit.id, data={**data, "actor": actor.id})


async def _ensure_not_own_ancestor(session: AsyncSession, unit_id: str, parent_id: str) -> None:
    ancestor: str | None = parent_id
    while ancestor is not None:
        if ancestor == unit_id:
            raise Conflict("a unit cannot sit under itself", rule="unit-tree-acyclic")
        ancestor = await session.scalar(select(Unit.parent_id).where(Unit.id == ancestor))
