"""The rules of the change register: what stops a room being allocated twice, reclaimed
when empty, changed after disposal, or leased out; and the history and as-of views."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from asset_svc import events
from asset_svc.changes import policy
from asset_svc.changes.models import (
    FORBIDDEN_CHANGE_TYPES,
    ChangeCreate,
    ChangedRoom,
    ChangeRead,
    ChangeRoom,
    ChangeType,
    PropertyChange,
    RepairRecord,
)
from asset_svc.changes.queries import rooms_of_unit
from asset_svc.compliance.service import keep_space_figures
from asset_svc.register.links import room_ids_by
from asset_svc.register.locks import lock_register
from asset_svc.register.models import Building, Room, RoomKind
from asset_svc.register.policy import sees_leader_offices
from asset_svc.register.service import get_room, record_building_event
from asset_svc.seating.service import ensure_rooms_vacated
from asset_svc.units.models import Unit
from asset_svc.units.policy import ensure_may_see_unit
from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.bureau_time import bureau_date, bureau_today
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound, invalid_field
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page

NEEDS_UNIT = frozenset({ChangeType.allocate, ChangeType.reallocate, ChangeType.transfer_title})
NEEDS_ROOMS = frozenset({ChangeType.allocate, ChangeType.reallocate, ChangeType.reclaim})
NEEDS_BUILDING = frozenset({ChangeType.acquire, ChangeType.transfer_title})
# Changes that take a room from its unit: its people are moved out first, never carried along.
# A new owner or a disposal changes the building itself, not only its rooms.
CHANGES_THE_BUILDING = frozenset({ChangeType.transfer_title, ChangeType.dispose})
EMPTIES_SEATS = frozenset({ChangeType.reallocate, ChangeType.reclaim, ChangeType.dispose})


async def record_change(
    *, session: AsyncSession, data: ChangeCreate, actor: Principal
) -> PropertyChange:
    """Check `data` against the register as it stands, then write the change, the rooms'
    new occupants and its events in one transaction."""
    change = await write_change(session=session, data=data, actor=actor)
    await session.commit()
    return change


async def write_change(
    *, session: AsyncSession, data: ChangeCreate, actor: Principal
) -> PropertyChange:
    """`record_change` inside the caller's transaction, for rules that record a change as
    part of their own (a renovation's acceptance); the caller commits."""
    ensure_role(actor, policy.RECORDERS)
    if data.type in FORBIDDEN_CHANGE_TYPES:
        # 2017 管理办法: office space is not to be leased out or lent to others.
        raise Conflict(
            f"{data.type} is refused: office space is never leased or lent out",
            rule="no-lease-or-loan-of-office-space",
        )
    change_type = ChangeType(data.type)
    _check_shape(change_type, data)
    await lock_register(session)

    rooms = await _load_rooms(session, data.room_ids or [])
    building = await _load_building(session, data.building_id)
    if data.unit_id is not None and await session.get(Unit, data.unit_id) is None:
        raise invalid_field(f"unknown unit {data.unit_id}", "#/unit_id")
    if data.corrects_change_id is not None and (
        await session.get(PropertyChange, data.corrects_change_id) is None
    ):
        raise invalid_field(f"unknown change {data.corrects_change_id}", "#/corrects_change_id")

    _guard_not_disposed(rooms, building)
    await _guard_date_order(session, data.effective_date, rooms, building)
    if building is not None and change_type is ChangeType.dispose:
        rooms = await _rooms_of_building(session, building.id)
    occupant_after, from_unit_id = await _apply_rules(session, change_type, data, rooms, building)

    change = PropertyChange(
        seq=(await session.scalar(select(func.coalesce(func.max(PropertyChange.seq), 0)))) + 1,
        type=change_type.value,
        building_id=data.building_id,
        unit_id=data.unit_id,
        from_unit_id=from_unit_id,
        effective_date=data.effective_date,
        actor_id=actor.id,
        document_no=data.document_no,
        reason=data.reason,
        corrects_change_id=data.corrects_change_id,
    )
    session.add(change)
    await session.flush()
    # Every unit a room leaves or joins, however many (a reclaim may take rooms from several).
    moved_between = {
        unit
        for room in rooms
        if occupant_after(room) != room.occupant_unit_id
        for unit in (room.occupant_unit_id, occupant_after(room))
        if unit is not None
    }
    for room in rooms:
        session.add(
            ChangeRoom(change_id=change.id, room_id=room.id, occupant_after=occupant_after(room))
        )
        if occupant_after(room) != room.occupant_unit_id:
            room.occupant_unit_id = occupant_after(room)
            room.version += 1
        if change_type is ChangeType.dispose:
            room.disposed = True
    await session.flush()
    await _record_change_events(session, change, rooms)
    if building is not None and change_type in CHANGES_THE_BUILDING:
        # Other services keep their replica of buildings from these events alone.
        await record_building_event(session, events.BUILDING_UPDATED, building)
    await keep_space_figures(session=session, unit_ids=moved_between)
    return change


def _check_shape(change_type: ChangeType, data: ChangeCreate) -> None:
    if change_type in NEEDS_UNIT and data.unit_id is None:
        raise invalid_field(f"a {change_type.value} names the unit it is for", "#/unit_id")
    if change_type in NEEDS_ROOMS and not data.room_ids:
        raise invalid_field(f"a {change_type.value} names its rooms", "#/room_ids")
    if change_type in NEEDS_BUILDING and data.building_id is None:
        raise invalid_field(f"a {change_type.value} names its building", "#/building_id")
    if data.room_ids and len(set(data.room_ids)) != len(data.room_ids):
        raise invalid_field("a room is named twice", "#/room_ids")
    if data.effective_date > bureau_today():
        # The register records what has happened; current occupancy is kept from it.
        raise invalid_field("a change cannot take effect in the future", "#/effective_date")


async def _load_rooms(session: AsyncSession, room_ids: list[str]) -> list[Room]:
    if not room_ids:
        return []
    rooms = list(
        (
            await session.execute(select(Room).where(Room.id.in_(room_ids)).order_by(Room.id))
        ).scalars()
    )
    missing = sorted(set(room_ids) - {room.id for room in rooms})
    if missing:
        raise invalid_field(f"unknown rooms: {', '.join(missing)}", "#/room_ids")
    return rooms


async def _load_building(session: AsyncSession, building_id: str | None) -> Building | None:
    if building_id is None:
        return None
    building = await session.get(Building, building_id)
    if building is None:
        raise invalid_field(f"unknown building {building_id}", "#/building_id")
    return building


async def _rooms_of_building(session: AsyncSession, building_id: str) -> list[Room]:
    query = select(Room).where(Room.building_id == building_id).order_by(Room.id)
    return list((await session.execute(query)).scalars())


def _guard_not_disposed(rooms: list[Room], building: Building | None) -> None:
    disposed = [room.id for room in rooms if room.disposed]
    if disposed or (building is not None and building.disposed):
        raise Conflict(
            "a disposed room or building takes no further change", rule="no-change-after-disposal"
        )


async def _guard_date_order(
    session: AsyncSession, effective: date, rooms: list[Room], building: Building | None
) -> None:
    """A change may not be slipped in before a later one of the same rooms: the state a
    guard checks would no longer be the state the later change was checked against."""
    latest = None
    if rooms:
        latest = await session.scalar(
            select(func.max(PropertyChange.effective_date))
            .join(ChangeRoom, ChangeRoom.change_id == PropertyChange.id)
            .where(ChangeRoom.room_id.in_([room.id for room in rooms]))
        )
    if building is not None:
        building_latest = await session.scalar(
            select(func.max(PropertyChange.effective_date)).where(
                PropertyChange.building_id == building.id
            )
        )
        latest = max(filter(None, [latest, building_latest]), default=None)
    if latest is not None and effective < latest:
        raise Conflict(
            f"a change of these rooms already takes effect on {latest}; record changes in "
            "date order (correct a past one with a counter-change)",
            rule="changes-in-date-order",
        )


OccupantAfter = Callable[[Room], str | None]


def keep(room: Room) -> str | None:
    """The occupant after a change that moves nobody."""
    return room.occupant_unit_id


async def _apply_rules(
    session: AsyncSession,
    change_type: ChangeType,
    data: ChangeCreate,
    rooms: list[Room],
    building: Building | None,
) -> tuple[OccupantAfter, str | None]:
    """Check the rule of `change_type`; answers the occupant each room has after it, and
    the unit the rooms (or the title) came from."""
    if change_type in EMPTIES_SEATS:
        await ensure_rooms_vacated(session, [room.id for room in rooms], on=data.effective_date)
    holders = {room.occupant_unit_id for room in rooms}
    match change_type:
        case ChangeType.allocate:
            taken = sorted(room.number for room in rooms if room.occupant_unit_id is not None)
            if taken:
                raise Conflict(
                    f"rooms already allocated: {', '.join(taken)} (reallocate them instead)",
                    rule="no-double-allocation",
                )
            return (lambda room: data.unit_id), None
        case ChangeType.reallocate:
            if None in holders:
                raise Conflict("only allocated rooms are reallocated", rule="reallocate-held-rooms")
            if len(holders) > 1:
                raise Conflict(
                    "reallocate rooms held by one unit at a time", rule="reallocate-from-one-unit"
                )
            if data.unit_id in holders:
                raise Conflict(
                    "the unit already holds these rooms", rule="reallocate-to-another-unit"
                )
            return (lambda room: data.unit_id), holders.pop()
        case ChangeType.reclaim:
            empty = sorted(room.number for room in rooms if room.occupant_unit_id is None)
            if empty:
                raise Conflict(
                    f"rooms not allocated to anyone: {', '.join(empty)}",
                    rule="no-reclaim-of-empty-room",
                )
            return (lambda room: None), (holders.pop() if len(holders) == 1 else None)
        case ChangeType.acquire:
            acquired = await session.scalar(
                select(PropertyChange.id).where(
                    PropertyChange.building_id == building.id,
                    PropertyChange.type == ChangeType.acquire.value,
                )
            )
            if acquired is not None:
                raise Conflict(
                    "the building's acquisition is already recorded", rule="acquire-once"
                )
            return keep, None
        case ChangeType.transfer_title:
            if building.owner_unit_id == data.unit_id:
                raise Conflict("the unit already holds the title", rule="transfer-to-another-owner")
            previous_owner = building.owner_unit_id
            building.owner_unit_id = data.unit_id
            building.version += 1
            building.updated_at = now()
            return keep, previous_owner
        case ChangeType.dispose:
            held = sorted(room.number for room in rooms if room.occupant_unit_id is not None)
            if held:
                raise Conflict(
                    f"reclaim rooms before disposing of them: {', '.join(held)}",
                    rule="reclaim-before-disposal",
                )
            if building is not None:
                building.disposed = True
                building.version += 1
                building.updated_at = now()
            return keep, None
        case ChangeType.renovate:
            return keep, None


async def _record_change_events(
    session: AsyncSession, change: PropertyChange, rooms: list[Room]
) -> None:
    data = {
        "change_id": change.id,
        "type": change.type,
        "room_ids": [room.id for room in rooms],
        "building_id": change.building_id,
        "unit_id": change.unit_id,
        "from_unit_id": change.from_unit_id,
        "effective_date": change.effective_date.isoformat(),
        "document_no": change.document_no,
    }
    await record_event(session, events.CHANGE_RECORDED, subject=change.id, data=data)
    if change.type in (ChangeType.reclaim, ChangeType.reallocate):
        await record_event(session, events.ROOM_RECLAIMED, subject=change.id, data=data)
    if change.type in (ChangeType.allocate, ChangeType.reallocate):
        await record_event(session, events.ROOM_ALLOCATED, subject=change.id, data=data)


async def change_room_ids(session: AsyncSession, change_ids: list[str]) -> dict[str, list[str]]:
    return await room_ids_by(session, ChangeRoom.change_id, ChangeRoom.room_id, change_ids)


async def read_changes(
    session: AsyncSession, changes: list[PropertyChange], viewer: Principal
) -> list[ChangeRead]:
    """The changes as callers read them, with their rooms (two queries for all of them)."""
    change_ids = [change.id for change in changes]
    room_ids = await change_room_ids(session, change_ids)
    rooms = await changed_rooms(session, change_ids, viewer)
    return [
        ChangeRead.model_validate(
            {**change.model_dump(), "room_ids": room_ids[change.id], "rooms": rooms[change.id]}
        )
        for change in changes
    ]


async def changed_rooms(
    session: AsyncSession, change_ids: list[str], viewer: Principal
) -> dict[str, list[ChangedRoom]]:
    """For each change, its rooms by building and number (one query), those the viewer may
    see: a leader's office only to who may see one."""
    query = (
        select(ChangeRoom.change_id, Room, Building.name)
        .join(Room, Room.id == ChangeRoom.room_id)
        .join(Building, Building.id == Room.building_id)
        .where(ChangeRoom.change_id.in_(change_ids))
        .order_by(Building.name, Room.floor, Room.number)
    )
    if not sees_leader_offices(viewer):
        query = query.where(Room.leader_office.is_(False))
    rooms: dict[str, list[ChangedRoom]] = {change_id: [] for change_id in change_ids}
    for change_id, room, building_name in await session.execute(query):
        rooms[change_id].append(
            ChangedRoom(
                id=room.id,
                building_id=room.building_id,
                building_name=building_name,
                floor=room.floor,
                number=room.number,
            )
        )
    return rooms


async def get_change(*, session: AsyncSession, change_id: str, viewer: Principal) -> PropertyChange:
    ensure_role(viewer, policy.READERS)
    change = await session.get(PropertyChange, change_id)
    if change is None:
        raise NotFound(f"no change {change_id}")
    return change


async def list_changes(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    type: ChangeType | None = None,
    unit_id: str | None = None,
    building_id: str | None = None,
    room_id: str | None = None,
    effective_from: date | None = None,
    effective_to: date | None = None,
) -> tuple[list[PropertyChange], int]:
    ensure_role(viewer, policy.READERS)
    query = select(PropertyChange).order_by(PropertyChange.seq.desc())
    if type is not None:
        query = query.where(PropertyChange.type == type.value)
    if unit_id is not None:
        query = query.where(
            (PropertyChange.unit_id == unit_id) | (PropertyChange.from_unit_id == unit_id)
        )
    if building_id is not None:
        query = query.where(PropertyChange.building_id == building_id)
    if room_id is not None:
        touched = select(ChangeRoom.change_id).where(ChangeRoom.room_id == room_id)
        query = query.where(PropertyChange.id.in_(touched))
    if effective_from is not None:
        query = query.where(PropertyChange.effective_date >= effective_from)
    if effective_to is not None:
        query = query.where(PropertyChange.effective_date <= effective_to)
    return await fetch_page(session, query, page)


async def room_history(*, session: AsyncSession, room_id: str, viewer: Principal) -> list[dict]:
    """Every change of the room, then its repairs, in the order they happened."""
    room = await get_room(session=session, room_id=room_id, viewer=viewer)
    changes = (
        await session.execute(
            select(PropertyChange, ChangeRoom.occupant_after)
            .join(ChangeRoom, ChangeRoom.change_id == PropertyChange.id)
            .where(ChangeRoom.room_id == room.id)
        )
    ).all()
    entries = [
        {
            "kind": "change",
            "date": change.effective_date.isoformat(),
            "recorded_at": change.recorded_at,
            "change_id": change.id,
            "type": change.type,
            "unit_id": change.unit_id,
            "from_unit_id": change.from_unit_id,
            "occupant_after": occupant_after,
            "document_no": change.document_no,
            "reason": change.reason,
            "actor_id": change.actor_id,
            "corrects_change_id": change.corrects_change_id,
            "order": change.seq,
        }
        for change, occupant_after in changes
    ]
    repairs = await session.execute(
        select(RepairRecord).where(
            (RepairRecord.room_id == room.id)
            | ((RepairRecord.building_id == room.building_id) & RepairRecord.room_id.is_(None))
        )
    )
    for repair in repairs.scalars():
        local_day = bureau_date(repair.closed_at)
        entries.append(
            {
                "kind": "repair",
                "date": local_day.isoformat(),
                "recorded_at": repair.closed_at,
                "ticket_id": repair.ticket_id,
                "title": repair.title,
                "department": repair.department,
                "order": 0,
            }
        )
    entries.sort(key=lambda entry: (entry["date"], entry["recorded_at"], entry["order"]))
    for entry in entries:
        entry.pop("order")
    return entries


async def unit_occupancy(
    *, session: AsyncSession, unit_id: str, as_of: date | None, viewer: Principal
) -> dict:
    """The rooms a unit held today or on `as_of`, with totals by class. Leaders' offices
    count in the totals but are listed only to those who may see them."""
    ensure_may_see_unit(viewer, unit_id)
    if await session.get(Unit, unit_id) is None:
        raise NotFound(f"no unit {unit_id}")
    rooms = await rooms_of_unit(session, unit_id, as_of)
    area_by_kind = {kind.value: 0.0 for kind in RoomKind}
    for room in rooms:
        area_by_kind[room.kind] += room.usable_area
    listed = rooms if sees_leader_offices(viewer) else [r for r in rooms if not r.leader_office]
    return {
        "unit_id": unit_id,
        "as_of": (as_of or bureau_today()).isoformat(),
        "rooms": listed,
        "room_count": len(rooms),
        "total_area": round(sum(area_by_kind.values()), 2),
        "area_by_kind": {kind: round(area, 2) for kind, area in area_by_kind.items()},
    }
