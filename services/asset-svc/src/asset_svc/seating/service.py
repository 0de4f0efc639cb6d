"""The rules of seating: people sit only in allocated office space of their unit, seats are
taken and vacated once each and only once they have happened, a room's unit is not changed
under seated people, and names are shown to few (seating.policy)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from asset_svc import events
from asset_svc.changes.models import ChangeRoom, PropertyChange
from asset_svc.changes.queries import occupants_as_of
from asset_svc.register.locks import lock_register
from asset_svc.register.models import Room, RoomKind
from asset_svc.register.policy import rooms_visible_to, sees_leader_offices
from asset_svc.seating import policy
from asset_svc.seating.models import (
    Seat,
    SeatCreate,
    SeatingRead,
    SeatRead,
    SeatVacate,
    SeatVacation,
)
from asset_svc.standards.service import check_rank
from asset_svc.units.models import Unit
from asset_svc.units.policy import ensure_may_see_unit
from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.bureau_time import bureau_today
from guanjia_shared.errors import Conflict, NotFound, invalid_field
from guanjia_shared.outbox import record_event


def _seat_read(seat: Seat, vacated_on: date | None, viewer: Principal) -> SeatRead:
    return SeatRead(
        id=seat.id,
        room_id=seat.room_id,
        unit_id=seat.unit_id,
        name=seat.name if policy.sees_name(viewer, seat) else None,
        rank=seat.rank,
        position_title=seat.position_title,
        taken_on=seat.effective_date,
        vacated_on=vacated_on,
    )


def _seated_on(day: date) -> Select:
    """(Seat, vacated_on) of every seat occupied on `day`: taken by then, not vacated by
    then (a seat vacated on a day is empty that day)."""
    return (
        select(Seat, SeatVacation.effective_date)
        .join(Room, Room.id == Seat.room_id)
        .outerjoin(SeatVacation, SeatVacation.seat_id == Seat.id)
        .where(
            Seat.effective_date <= day,
            SeatVacation.effective_date.is_(None) | (SeatVacation.effective_date > day),
        )
        .order_by(Room.building_id, Room.number, Seat.effective_date, Seat.name, Seat.id)
    )


def _check_not_future(day: date) -> None:
    if day > bureau_today():
        raise invalid_field("a seat is recorded once it has happened", "#/effective_date")


# Seats


async def take_seat(
    *, session: AsyncSession, room_id: str, data: SeatCreate, actor: Principal
) -> SeatRead:
    ensure_role(actor, policy.WRITERS)
    await lock_register(session)
    room = await session.get(Room, room_id)
    if room is None:
        raise NotFound(f"no room {room_id}")
    if room.disposed:
        raise Conflict("a disposed room seats no one", rule="no-change-after-disposal")
    if not RoomKind(room.kind).is_office_space:
        raise Conflict(f"a {room.kind} room is not office space", rule="seat-in-office-space")
    if room.occupant_unit_id is None:
        raise Conflict(
            f"room {room.number} is allocated to no unit", rule="seat-in-an-allocated-room"
        )
    unit = await session.get(Unit, room.occupant_unit_id)
    check_rank(unit.level, data.rank, pointer="#/rank")
    _check_not_future(data.effective_date)
    if not await _held_since(session, room, data.effective_date):
        raise Conflict(
            f"room {room.number} was not allocated to its unit on {data.effective_date}",
            rule="seat-in-an-allocated-room",
        )
    seat = Seat(
        room_id=room.id,
        unit_id=unit.id,
        name=data.name,
        rank=data.rank,
        position_title=data.position_title,
        effective_date=data.effective_date,
        actor_id=actor.id,
    )
    session.add(seat)
    await session.flush()
    await _record_seat_event(session, events.SEAT_TAKEN, seat)
    await session.commit()
    return _seat_read(seat, None, actor)


async def _held_since(session: AsyncSession, room: Room, day: date) -> bool:
    """Whether the room has been its current unit's from `day` to today without a break."""
    held = occupants_as_of(day).subquery()
    occupant_then = await session.scalar(
        select(held.c.occupant_unit_id).where(held.c.room_id == room.id)
    )
    occupants_since = await session.scalars(
        select(ChangeRoom.occupant_after)
        .join(PropertyChange, PropertyChange.id == ChangeRoom.change_id)
        .where(ChangeRoom.room_id == room.id, PropertyChange.effective_date > day)
    )
    return {occupant_then, *occupants_since} == {room.occupant_unit_id}


async def vacate_seat(
    *, session: AsyncSession, seat_id: str, data: SeatVacate, actor: Principal
) -> SeatRead:
    ensure_role(actor, policy.WRITERS)
    seat = await session.get(Seat, seat_id)
    if seat is None:
        raise NotFound(f"no seat {seat_id}")
    if await session.get(SeatVacation, seat.id) is not None:
        raise Conflict("the seat is already vacated", rule="vacate-a-seat-once")
    _check_not_future(data.effective_date)
    if data.effective_date < seat.effective_date:
        raise invalid_field(
            f"the seat was taken on {seat.effective_date}; it is vacated on or after that",
            "#/effective_date",
        )
    session.add(
        SeatVacation(seat_id=seat.id, effective_date=data.effective_date, actor_id=actor.id)
    )
    await session.flush()
    await _record_seat_event(session, events.SEAT_VACATED, seat)
    await session.commit()
    return _seat_read(seat, data.effective_date, actor)


async def _record_seat_event(session: AsyncSession, event_type: str, seat: Seat) -> None:
    # Events leave the bureau's hands, so they carry no names.
    data = {"seat_id": seat.id, "room_id": seat.room_id, "unit_id": seat.unit_id, "rank": seat.rank}
    await record_event(session, event_type, subject=seat.id, data=data)


async def ensure_rooms_vacated(session: AsyncSession, room_ids: list[str], *, on: date) -> None:
    """Refuse to change the unit of rooms in which anyone sits on or after `on`: people are
    moved out deliberately, not carried along with a room."""
    seated = await session.scalar(
        select(Seat.id)
        .outerjoin(SeatVacation, SeatVacation.seat_id == Seat.id)
        .where(
            Seat.room_id.in_(room_ids),
            SeatVacation.effective_date.is_(None) | (SeatVacation.effective_date > on),
        )
        .limit(1)
    )
    if seated is not None:
        raise Conflict(
            "people still sit in these rooms; vacate their seats first", rule="vacate-seats-first"
        )


# Views


async def room_seating(
    *, session: AsyncSession, room_id: str, viewer: Principal, as_of: date | None = None
) -> SeatingRead:
    """Who sat in the room on `as_of` (today when not given)."""
    room = await session.scalar(rooms_visible_to(viewer).where(Room.id == room_id))
    if room is None:
        raise NotFound(f"no room {room_id}")
    day = as_of or bureau_today()
    rows = await session.execute(_seated_on(day).where(Seat.room_id == room.id))
    return SeatingRead(
        as_of=day, seats=[_seat_read(seat, vacated_on, viewer) for seat, vacated_on in rows]
    )


async def unit_seating(
    *, session: AsyncSession, unit_id: str, viewer: Principal, as_of: date | None = None
) -> SeatingRead:
    """Everyone seated on `as_of` in the rooms the unit held that day."""
    ensure_may_see_unit(viewer, unit_id)
    if await session.get(Unit, unit_id) is None:
        raise NotFound(f"no unit {unit_id}")
    day = as_of or bureau_today()
    # A seat is its unit's for its whole period (a room's unit cannot change while anyone
    # sits in it): the unit's seats that day, without replaying the register.
    query = _seated_on(day).where(Seat.unit_id == unit_id)
    if not sees_leader_offices(viewer):
        query = query.where(Room.leader_office.is_(False))
    rows = await session.execute(query)
    return SeatingRead(
        as_of=day, seats=[_seat_read(seat, vacated_on, viewer) for seat, vacated_on in rows]
    )
