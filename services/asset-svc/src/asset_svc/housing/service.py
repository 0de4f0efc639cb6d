"""The rules of staff housing: one household to a housing unit and one unit to a household
at a time, moves recorded in date order, and occupants' names shown to few (housing.policy
says who does and sees what)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from asset_svc import events
from asset_svc.housing import policy
from asset_svc.housing.models import (
    HousingHistory,
    HousingMove,
    HousingMoveRead,
    HousingUnit,
    HousingUnitCreate,
    HousingUnitRead,
    MoveInBody,
    MoveKind,
    MoveOutBody,
    Occupant,
    OccupantCreate,
    OccupantRead,
)
from asset_svc.housing.queries import residents_as_of
from asset_svc.register.models import Building
from asset_svc.units.models import Unit
from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.bureau_time import bureau_today
from guanjia_shared.errors import Conflict, NotFound, invalid_field
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page


def _occupant_read(occupant: Occupant, viewer: Principal) -> OccupantRead:
    name = occupant.name if policy.sees_names(viewer) else None
    return OccupantRead(id=occupant.id, name=name, unit_id=occupant.unit_id)


# Households


async def create_occupant(
    *, session: AsyncSession, data: OccupantCreate, actor: Principal
) -> Occupant:
    ensure_role(actor, policy.WRITERS)
    if await session.get(Unit, data.unit_id) is None:
        raise invalid_field(f"unknown unit {data.unit_id}", "#/unit_id")
    occupant = Occupant(name=data.name, unit_id=data.unit_id)
    session.add(occupant)
    await session.commit()
    return occupant


async def list_occupants(
    *, session: AsyncSession, viewer: Principal, page: PageParams, unit_id: str | None = None
) -> tuple[list[Occupant], int]:
    ensure_role(viewer, policy.HOUSEHOLD_READERS)
    query = select(Occupant).order_by(Occupant.unit_id, Occupant.name, Occupant.id)
    if unit_id is not None:
        query = query.where(Occupant.unit_id == unit_id)
    return await fetch_page(session, query, page)


# Housing units


async def create_housing_unit(
    *, session: AsyncSession, data: HousingUnitCreate, actor: Principal
) -> HousingUnitRead:
    ensure_role(actor, policy.WRITERS)
    if await session.get(Building, data.building_id) is None:
        raise invalid_field(f"unknown building {data.building_id}", "#/building_id")
    taken = await session.scalar(
        select(HousingUnit.id).where(
            HousingUnit.building_id == data.building_id, HousingUnit.number == data.number
        )
    )
    if taken is not None:
        raise Conflict(
            f"the building already has a housing unit {data.number}",
            rule="unique-housing-unit-number",
        )
    unit = HousingUnit(**data.model_dump())
    session.add(unit)
    await session.commit()
    return HousingUnitRead(**unit.model_dump(), occupant=None, occupied_since=None)


async def _reads(
    session: AsyncSession, units: list[HousingUnit], as_of: date, viewer: Principal
) -> list[HousingUnitRead]:
    residents = residents_as_of(as_of)
    rows = await session.execute(
        select(residents.c.housing_unit_id, Occupant, residents.c.occupied_since)
        .join(Occupant, Occupant.id == residents.c.occupant_id)
        .where(residents.c.housing_unit_id.in_([unit.id for unit in units]))
    )
    living = {unit_id: (occupant, since) for unit_id, occupant, since in rows}
    reads = []
    for unit in units:
        occupant, since = living.get(unit.id, (None, None))
        reads.append(
            HousingUnitRead(
                **unit.model_dump(),
                occupant=_occupant_read(occupant, viewer) if occupant else None,
                occupied_since=since,
            )
        )
    return reads


async def list_housing(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    as_of: date | None = None,
    building_id: str | None = None,
    occupant_unit_id: str | None = None,
) -> tuple[list[HousingUnitRead], int]:
    """Housing units and who lived in each on `as_of` (today when not given); with
    `occupant_unit_id`, only the homes of that unit's households that day."""
    ensure_role(viewer, policy.READERS)
    day = as_of or bureau_today()
    query = policy.housing_visible_to(viewer, day, of_unit=occupant_unit_id).order_by(
        HousingUnit.building_id, HousingUnit.number, HousingUnit.id
    )
    if building_id is not None:
        query = query.where(HousingUnit.building_id == building_id)
    units, total = await fetch_page(session, query, page)
    return await _reads(session, units, day, viewer), total


async def get_housing_unit(
    *, session: AsyncSession, housing_unit_id: str, viewer: Principal
) -> HousingUnitRead:
    ensure_role(viewer, policy.READERS)
    day = bureau_today()
    unit = await session.scalar(
        policy.housing_visible_to(viewer, day).where(HousingUnit.id == housing_unit_id)
    )
    if unit is None:
        raise NotFound(f"no housing unit {housing_unit_id}")
    return (await _reads(session, [unit], day, viewer))[0]


async def housing_history(
    *, session: AsyncSession, housing_unit_id: str, viewer: Principal
) -> HousingHistory:
    unit = await get_housing_unit(session=session, housing_unit_id=housing_unit_id, viewer=viewer)
    rows = await session.execute(
        select(HousingMove, Occupant)
        .join(Occupant, Occupant.id == HousingMove.occupant_id)
        .where(HousingMove.housing_unit_id == housing_unit_id)
        .order_by(HousingMove.step)
    )
    return HousingHistory(
        housing_unit=unit,
        moves=[_move_read(move, occupant, viewer) for move, occupant in rows],
    )


def _move_read(move: HousingMove, occupant: Occupant, viewer: Principal) -> HousingMoveRead:
    return HousingMoveRead(
        **move.model_dump(exclude={"occupant_id"}), occupant=_occupant_read(occupant, viewer)
    )


# Moves


async def _last_move(session: AsyncSession, housing_unit_id: str) -> HousingMove | None:
    return await session.scalar(
        select(HousingMove)
        .where(HousingMove.housing_unit_id == housing_unit_id)
        .order_by(HousingMove.step.desc())
        .limit(1)
    )


def _check_date(effective: date, *recorded: date | None) -> None:
    if effective > bureau_today():
        raise invalid_field("a move is recorded once it has happened", "#/effective_date")
    latest = max((day for day in recorded if day is not None), default=None)
    if latest is not None and effective < latest:
        # A move slipped in before a later one would change who lived where after the fact.
        raise Conflict(
            f"a later move is already recorded on {latest}; record moves in date order",
            rule="housing-moves-in-date-order",
        )


async def move_in(
    *, session: AsyncSession, housing_unit_id: str, data: MoveInBody, actor: Principal
) -> HousingMoveRead:
    ensure_role(actor, policy.WRITERS)
    unit = await session.get(HousingUnit, housing_unit_id)
    if unit is None:
        raise NotFound(f"no housing unit {housing_unit_id}")
    occupant = await session.get(Occupant, data.occupant_id)
    if occupant is None:
        raise invalid_field(f"unknown household {data.occupant_id}", "#/occupant_id")
    last = await _last_move(session, unit.id)
    if last is not None and last.kind == MoveKind.move_in:
        raise Conflict(
            f"housing unit {unit.number} already has a household; move it out first",
            rule="one-household-per-unit",
        )
    # 一户一套: a household lives in one unit of staff housing at a time.
    residents = residents_as_of(None)
    home = await session.scalar(
        select(residents.c.housing_unit_id).where(residents.c.occupant_id == occupant.id)
    )
    if home is not None:
        raise Conflict(
            "the household already lives in another housing unit; move it out first",
            rule="one-unit-per-household",
        )
    households_last = await session.scalar(
        select(func.max(HousingMove.effective_date)).where(HousingMove.occupant_id == occupant.id)
    )
    _check_date(data.effective_date, last and last.effective_date, households_last)
    return await _record_move(session, unit, occupant, MoveKind.move_in, last, data, actor)


async def move_out(
    *, session: AsyncSession, housing_unit_id: str, data: MoveOutBody, actor: Principal
) -> HousingMoveRead:
    ensure_role(actor, policy.WRITERS)
    unit = await session.get(HousingUnit, housing_unit_id)
    if unit is None:
        raise NotFound(f"no housing unit {housing_unit_id}")
    last = await _last_move(session, unit.id)
    if last is None or last.kind == MoveKind.move_out:
        raise Conflict(
            f"no household lives in housing unit {unit.number}", rule="no-move-out-of-empty-unit"
        )
    _check_date(data.effective_date, last.effective_date)
    occupant = await session.get(Occupant, last.occupant_id)
    return await _record_move(session, unit, occupant, MoveKind.move_out, last, data, actor)


async def _record_move(
    session: AsyncSession,
    unit: HousingUnit,
    occupant: Occupant,
    kind: MoveKind,
    last: HousingMove | None,
    data: MoveInBody | MoveOutBody,
    actor: Principal,
) -> HousingMoveRead:
    move = HousingMove(
        housing_unit_id=unit.id,
        step=last.step + 1 if last else 1,
        kind=kind.value,
        occupant_id=occupant.id,
        effective_date=data.effective_date,
        actor_id=actor.id,
        document_no=data.document_no,
        note=data.note,
    )
    session.add(move)
    await session.flush()
    # Events leave the bureau's hands, so they carry no names.
    event = {
        "housing_unit_id": unit.id,
        "building_id": unit.building_id,
        "number": unit.number,
        "occupant_id": occupant.id,
        "occupant_unit_id": occupant.unit_id,
        "effective_date": move.effective_date.isoformat(),
        "actor": actor.id,
    }
    event_type = events.HOUSING_MOVED_IN if kind is MoveKind.move_in else events.HOUSING_MOVED_OUT
    await record_event(session, event_type, subject=unit.id, data=event)
    await session.commit()
    return _move_read(move, occupant, actor)
