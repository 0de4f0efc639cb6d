"""The rules of the register: what a parcel, building or room must name, and who sees it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from asset_svc import events
from asset_svc.register import policy
from asset_svc.register.models import (
    Building,
    BuildingCreate,
    BuildingRead,
    BuildingUpdate,
    BuildingUse,
    LandParcel,
    LandParcelCreate,
    Room,
    RoomCreate,
    RoomKind,
)
from asset_svc.register.policy import buildings_visible_to, rooms_visible_to
from asset_svc.units.models import Unit
from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, containing, fetch_page
from guanjia_shared.spreadsheets import workbook_bytes


async def _ensure_exists(session: AsyncSession, model: type, key: str, field: str) -> None:
    if await session.get(model, key) is None:
        raise InvalidInput(
            f"{field} names nothing known: {key}",
            errors=[{"detail": "unknown reference", "pointer": f"#/{field}"}],
        )


# Land parcels


async def create_land_parcel(
    *, session: AsyncSession, data: LandParcelCreate, actor: Principal
) -> LandParcel:
    ensure_role(actor, policy.WRITERS)
    await _ensure_exists(session, Unit, data.owner_unit_id, "owner_unit_id")
    parcel = LandParcel(**data.model_dump())
    session.add(parcel)
    await session.commit()
    return parcel


async def get_land_parcel(
    *, session: AsyncSession, parcel_id: str, viewer: Principal
) -> LandParcel:
    parcel = await session.scalar(
        policy.land_parcels_visible_to(viewer).where(LandParcel.id == parcel_id)
    )
    if parcel is None:
        raise NotFound(f"no land parcel {parcel_id}")
    return parcel


async def list_land_parcels(
    *, session: AsyncSession, viewer: Principal, page: PageParams, owner_unit_id: str | None
) -> tuple[list[LandParcel], int]:
    query = policy.land_parcels_visible_to(viewer).order_by(LandParcel.location, LandParcel.id)
    if owner_unit_id is not None:
        query = query.where(LandParcel.owner_unit_id == owner_unit_id)
    return await fetch_page(session, query, page)


# Buildings


async def record_building_event(session: AsyncSession, event_type: str, building: Building) -> None:
    data = BuildingRead.model_validate(building).model_dump(mode="json")
    await record_event(session, event_type, subject=building.id, data=data)


async def create_building(
    *, session: AsyncSession, data: BuildingCreate, actor: Principal
) -> Building:
    ensure_role(actor, policy.WRITERS)
    await _ensure_exists(session, Unit, data.owner_unit_id, "owner_unit_id")
    if data.land_parcel_id is not None:
        await _ensure_exists(session, LandParcel, data.land_parcel_id, "land_parcel_id")
    if data.usable_area is not None and data.usable_area > data.gross_area:
        raise InvalidInput(
            "usable area cannot exceed gross area",
            errors=[{"detail": "larger than gross_area", "pointer": "#/usable_area"}],
        )
    building = Building(**{**data.model_dump(), "use": data.use.value})
    session.add(building)
    await session.flush()
    await record_building_event(session, events.BUILDING_CREATED, building)
    await session.commit()
    return building


async def get_building(*, session: AsyncSession, building_id: str, viewer: Principal) -> Building:
    building = await session.scalar(buildings_visible_to(viewer).where(Building.id == building_id))
    if building is None:
        raise NotFound(f"no building {building_id}")
    return building


async def list_buildings(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    owner_unit_id: str | None = None,
    use: BuildingUse | None = None,
    q: str | None = None,
) -> tuple[list[Building], int]:
    """`q`: words in the building's name or address."""
    query = buildings_visible_to(viewer).order_by(Building.name, Building.id)
    if owner_unit_id is not None:
        query = query.where(Building.owner_unit_id == owner_unit_id)
    if use is not None:
        query = query.where(Building.use == use.value)
    if q:
        query = query.where(containing(q, Building.name, Building.address))
    return await fetch_page(session, query, page)


async def update_building(
    *,
    session: AsyncSession,
    building_id: str,
    data: BuildingUpdate,
    expected_version: int | None,
    actor: Principal,
) -> Building:
    ensure_role(actor, policy.WRITERS)
    building = await session.get(Building, building_id)
    if building is None:
        raise NotFound(f"no building {building_id}")
    if building.disposed:
        raise Conflict("a disposed building is not changed", rule="no-change-after-disposal")
    if expected_version is not None and expected_version != building.version:
        raise PreconditionFailed(
            f"building {building_id} is at version {building.version}, not {expected_version}"
        )
    for field, value in data.model_dump(exclude_unset=True).items():
        setattr(building, field, value.value if isinstance(value, BuildingUse) else value)
    if building.usable_area is not None and building.usable_area > building.gross_area:
        raise InvalidInput(
            "usable area cannot exceed gross area",
            errors=[{"detail": "larger than gross_area", "pointer": "#/usable_area"}],
        )
    building.version += 1
    building.updated_at = now()
    await session.flush()
    await record_building_event(session, events.BUILDING_UPDATED, building)
    await session.commit()
    return building


# Rooms


async def create_room(*, session: AsyncSession, data: RoomCreate, actor: Principal) -> Room:
    ensure_role(actor, policy.WRITERS)
    building = await session.get(Building, data.building_id)
    if building is None:
        raise InvalidInput(
            f"building_id names nothing known: {data.building_id}",
            errors=[{"detail": "unknown reference", "pointer": "#/building_id"}],
        )
    if building.disposed:
        raise Conflict("a disposed building takes no new rooms", rule="no-change-after-disposal")
    taken = await session.scalar(
        select(Room.id).where(Room.building_id == data.building_id, Room.number == data.number)
    )
    if taken is not None:
        raise Conflict(
            f"room {data.number} already exists in this building", rule="unique-room-number"
        )
    room = Room(**{**data.model_dump(), "kind": data.kind.value})
    session.add(room)
    await session.commit()
    return room


async def get_room(*, session: AsyncSession, room_id: str, viewer: Principal) -> Room:
    room = await session.scalar(rooms_visible_to(viewer).where(Room.id == room_id))
    if room is None:
        raise NotFound(f"no room {room_id}")
    return room


def _rooms_query(
    viewer: Principal,
    building_id: str | None,
    occupant_unit_id: str | None,
    kind: RoomKind | None,
    vacant: bool | None,
):
    query = rooms_visible_to(viewer).order_by(Room.building_id, Room.floor, Room.number)
    if building_id is not None:
        query = query.where(Room.building_id == building_id)
    if occupant_unit_id is not None:
        query = query.where(Room.occupant_unit_id == occupant_unit_id)
    if kind is not None:
        query = query.where(Room.kind == kind.value)
    if vacant is not None:
        query = query.where(
            Room.occupant_unit_id.is_(None) if vacant else Room.occupant_unit_id.is_not(None)
        )
    return query


async def list_rooms(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    building_id: str | None = None,
    occupant_unit_id: str | None = None,
    kind: RoomKind | None = None,
    vacant: bool | None = None,
) -> tuple[list[Room], int]:
    query = _rooms_query(viewer, building_id, occupant_unit_id, kind, vacant)
    return await fetch_page(session, query, page)


ROOM_EXPORT_HEADERS = (
    "楼宇",
    "地址",
    "楼层",
    "房间号",
    "使用面积（㎡）",
    "类别",
    "使用单位",
    "已处置",
)


async def rooms_spreadsheet(
    *,
    session: AsyncSession,
    viewer: Principal,
    building_id: str | None = None,
    occupant_unit_id: str | None = None,
    kind: RoomKind | None = None,
    vacant: bool | None = None,
) -> bytes:
    """Every room the filters and the caller's scope allow, with no row cap."""
    rooms = _rooms_query(viewer, building_id, occupant_unit_id, kind, vacant).subquery()
    query = (
        select(
            Building.name,
            Building.address,
            rooms.c.floor,
            rooms.c.number,
            rooms.c.usable_area,
            rooms.c.kind,
            Unit.name,
            rooms.c.disposed,
        )
        .join(Building, Building.id == rooms.c.building_id)
        .outerjoin(Unit, Unit.id == rooms.c.occupant_unit_id)
        .order_by(Building.name, rooms.c.floor, rooms.c.number)
    )
    result = await session.stream(query)
    rows = [
        (name, address, floor, number, area, RoomKind(kind).label, unit, "是" if disposed else "")
        async for name, address, floor, number, area, kind, unit, disposed in result
    ]
    return workbook_bytes("房间台账", ROOM_EXPORT_HEADERS, rows)
