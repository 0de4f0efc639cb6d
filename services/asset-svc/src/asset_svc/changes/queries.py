"""Who held which room on a given day, derived from the change register.

Each change row of a room records the occupant after it (`occupant_after`); the occupant on
day D is that of the room's last change effective on or before D (ties broken by the order
of recording). Today's answer is also kept on `rooms.occupant_unit_id` for speed, and since
the register takes no change dated after today, it is the answer for any day from today on.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from asset_svc.changes.models import ChangeRoom, PropertyChange
from asset_svc.register.models import Room
from guanjia_shared.bureau_time import bureau_today


def day_to_replay(as_of: date | None) -> date | None:
    """The day to replay the register to, or None when the rooms' current holders are that
    day's: today, or a day after it (no change takes effect in the future)."""
    return as_of if as_of is not None and as_of < bureau_today() else None


def occupants_as_of(as_of: date, *, rooms_held_by: str | None = None) -> Select:
    """A query of (room_id, occupant_unit_id) for every room with a change by `as_of`;
    occupant_unit_id is None for a room that was empty (reclaimed, disposed) that day.

    `rooms_held_by` narrows it to the rooms that unit held at some time: no other room can
    be its on any day, and one unit's answer then ranks its own rooms' changes (through
    the occupant_after index) instead of the whole register's."""
    ranked = (
        select(
            ChangeRoom.room_id.label("room_id"),
            ChangeRoom.occupant_after.label("occupant_unit_id"),
            func.row_number()
            .over(
                partition_by=ChangeRoom.room_id,
                order_by=(PropertyChange.effective_date.desc(), PropertyChange.seq.desc()),
            )
            .label("rank"),
        )
        .join(PropertyChange, PropertyChange.id == ChangeRoom.change_id)
        .where(PropertyChange.effective_date <= as_of)
    )
    if rooms_held_by is not None:
        ever_held = select(ChangeRoom.room_id).where(ChangeRoom.occupant_after == rooms_held_by)
        ranked = ranked.where(ChangeRoom.room_id.in_(ever_held))
    ranked = ranked.subquery()
    return select(ranked.c.room_id, ranked.c.occupant_unit_id).where(ranked.c.rank == 1)


async def rooms_of_unit(
    session: AsyncSession, unit_id: str, as_of: date | None = None
) -> list[Room]:
    """The rooms allocated to `unit_id` today, or on `as_of`."""
    as_of = day_to_replay(as_of)
    if as_of is None:
        query = select(Room).where(Room.occupant_unit_id == unit_id, Room.disposed.is_(False))
    else:
        held = occupants_as_of(as_of, rooms_held_by=unit_id).subquery()
        query = select(Room).join(
            held, and_(held.c.room_id == Room.id, held.c.occupant_unit_id == unit_id)
        )
    return list((await session.execute(query.order_by(Room.building_id, Room.number))).scalars())


async def area_by_unit_and_kind(
    session: AsyncSession,
    as_of: date | None = None,
    *,
    kind: str | None = None,
    unit_ids: list[str] | None = None,
) -> dict[str, dict[str, float]]:
    """Usable area held by every unit (or by `unit_ids`), per room kind (or of `kind`
    only), today or on `as_of` (one query)."""
    as_of = day_to_replay(as_of)
    if as_of is None:
        holder = Room.occupant_unit_id
        query = (
            select(holder, Room.kind, func.sum(Room.usable_area))
            .where(holder.is_not(None), Room.disposed.is_(False))
            .group_by(holder, Room.kind)
        )
    else:
        held = occupants_as_of(as_of).subquery()
        holder = held.c.occupant_unit_id
        query = (
            select(holder, Room.kind, func.sum(Room.usable_area))
            .join(held, held.c.room_id == Room.id)
            .where(holder.is_not(None))
            .group_by(holder, Room.kind)
        )
    if kind is not None:
        query = query.where(Room.kind == kind)
    if unit_ids is not None:
        query = query.where(holder.in_(unit_ids))
    areas: dict[str, dict[str, float]] = {}
    for unit_id, found_kind, area in await session.execute(query):
        areas.setdefault(unit_id, {})[found_kind] = float(area or 0)
    return areas
