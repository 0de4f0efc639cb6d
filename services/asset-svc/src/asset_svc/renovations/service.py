"""The rules of renovations: the state machine (requested → approved | rejected;
approved → in_progress → accepted), the rules of the 修缮管理办法 beyond which only a
leader approves (renovations.policy says who does what), and the change register, where an
accepted renovation is recorded the day it is accepted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from asset_svc import events
from asset_svc.changes.models import ChangeCreate, ChangeRoom, ChangeType, PropertyChange
from asset_svc.changes.service import write_change
from asset_svc.register.links import room_ids_by
from asset_svc.register.models import Building, Room
from asset_svc.renovations import policy
from asset_svc.renovations.models import (
    Renovation,
    RenovationCreate,
    RenovationMove,
    RenovationMoveRead,
    RenovationRead,
    RenovationRoom,
    RenovationStatus,
)
from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.bureau_time import bureau_today
from guanjia_shared.errors import Conflict, Forbidden, NotFound, invalid_field
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page

COST_CAP_RULE = "renovation-cost-cap"
REPEAT_RULE = "renovation-min-years-between"
STATE_RULE = "renovation-state-machine"

# Each move: the one state it leaves, the state it reaches, and the event it publishes.
MOVES: dict[str, tuple[RenovationStatus, RenovationStatus, str]] = {
    "approve": (RenovationStatus.requested, RenovationStatus.approved, events.RENOVATION_APPROVED),
    "reject": (RenovationStatus.requested, RenovationStatus.rejected, events.RENOVATION_REJECTED),
    "start": (RenovationStatus.approved, RenovationStatus.in_progress, events.RENOVATION_STARTED),
    "accept": (RenovationStatus.in_progress, RenovationStatus.accepted, events.RENOVATION_ACCEPTED),
}


def _rules(joined: str) -> list[str]:
    return [rule for rule in joined.split(",") if rule]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _read(
    renovation: Renovation,
    room_ids: list[str],
    moves: list[RenovationMove] | None = None,
    rules_beyond: list[str] | None = None,
) -> RenovationRead:
    return RenovationRead.model_validate(
        {
            **renovation.model_dump(),
            "room_ids": room_ids,
            "rules_needing_a_leader": rules_beyond or [],
            "overridden_rules": _rules(renovation.overridden_rules),
            "moves": [
                RenovationMoveRead.model_validate(
                    {**move.model_dump(), "overridden_rules": _rules(move.overridden_rules)}
                )
                for move in moves or []
            ],
        }
    )


async def _room_ids_of(session: AsyncSession, renovation_ids: list[str]) -> dict[str, list[str]]:
    return await room_ids_by(
        session, RenovationRoom.renovation_id, RenovationRoom.room_id, renovation_ids
    )


async def _rooms_renovated(session: AsyncSession, renovation: Renovation) -> list[Room]:
    """The rooms the works touch: those named, or every standing room of the building."""
    query = select(Room).order_by(Room.id)
    if renovation.whole_building:
        query = query.where(Room.building_id == renovation.building_id, Room.disposed.is_(False))
    else:
        named = select(RenovationRoom.room_id).where(RenovationRoom.renovation_id == renovation.id)
        query = query.where(Room.id.in_(named))
    return list((await session.execute(query)).scalars())


def _usable_area(rooms: list[Room]) -> Decimal:
    """The rooms' usable area in m², added up as the register records each (to the
    hundredth), with no float error at the cap's edge."""
    return sum((Decimal(str(room.usable_area)) for room in rooms), Decimal(0))


async def _load_rooms(session: AsyncSession, room_ids: list[str]) -> list[Room]:
    rooms = list((await session.execute(select(Room).where(Room.id.in_(room_ids)))).scalars())
    missing = sorted(set(room_ids) - {room.id for room in rooms})
    if missing:
        raise invalid_field(f"unknown rooms: {', '.join(missing)}", "#/room_ids")
    return rooms


async def request_renovation(
    *,
    session: AsyncSession,
    data: RenovationCreate,
    actor: Principal,
    cost_cap_per_m2: Decimal,
    min_years_between: int,
) -> RenovationRead:
    """Records the request. Its event names the rules it goes beyond as it stands, so that
    the leaders who alone may approve it hear of it now, not at approval."""
    ensure_role(actor, policy.REQUESTERS)
    rooms = await _load_rooms(session, data.room_ids) if data.room_ids else []
    buildings = {room.building_id for room in rooms} | (
        {data.building_id} if data.building_id else set()
    )
    if len(buildings) > 1:
        raise invalid_field("a renovation covers rooms of one building", "#/room_ids")
    building = await session.get(Building, buildings.pop())
    if building is None:
        raise invalid_field(f"unknown building {data.building_id}", "#/building_id")
    if building.disposed or any(room.disposed for room in rooms):
        raise Conflict(
            "a disposed room or building is not renovated", rule="no-change-after-disposal"
        )
    occupants = {room.occupant_unit_id for room in rooms} - {None}
    renovation = Renovation(
        title=data.title,
        building_id=building.id,
        whole_building=not rooms,
        unit_id=occupants.pop() if len(occupants) == 1 else building.owner_unit_id,
        area=data.area,
        estimated_cost=data.estimated_cost,
        document_no=data.document_no,
        reason=data.reason,
        status=RenovationStatus.requested.value,
        requested_by=actor.id,
    )
    session.add(renovation)
    await session.flush()
    session.add_all(RenovationRoom(renovation_id=renovation.id, room_id=room.id) for room in rooms)
    move = RenovationMove(
        renovation_id=renovation.id,
        step=renovation.version,
        to_status=RenovationStatus.requested.value,
        actor_id=actor.id,
        reason=data.reason,
    )
    session.add(move)
    await session.flush()
    beyond = await rules_needing_a_leader(
        session=session,
        renovation=renovation,
        cost_cap_per_m2=cost_cap_per_m2,
        min_years_between=min_years_between,
    )
    read = _read(renovation, sorted(room.id for room in rooms), [move], beyond)
    await _record_renovation_event(
        session, events.RENOVATION_REQUESTED, read, actor, rules_needing_a_leader=beyond
    )
    await session.commit()
    return read


async def _in_state_for(session: AsyncSession, renovation_id: str, move: str) -> Renovation:
    renovation = await session.get(Renovation, renovation_id)
    if renovation is None:
        raise NotFound(f"no renovation {renovation_id}")
    source, target, _ = MOVES[move]
    if renovation.status != source:
        raise Conflict(
            f"cannot {move} a renovation that is {renovation.status}: "
            f"{move} moves a {source.value} renovation to {target.value}",
            rule=STATE_RULE,
            current_status=renovation.status,
        )
    return renovation


async def _make_move(
    session: AsyncSession,
    renovation: Renovation,
    move: str,
    actor: Principal,
    *,
    reason: str | None = None,
    overridden_rules: str = "",
) -> RenovationRead:
    source, target, event = MOVES[move]
    renovation.status = target.value
    renovation.version += 1
    session.add(renovation)
    session.add(
        RenovationMove(
            renovation_id=renovation.id,
            step=renovation.version,
            from_status=source.value,
            to_status=target.value,
            actor_id=actor.id,
            reason=reason,
            overridden_rules=overridden_rules,
        )
    )
    await session.flush()
    room_ids = (await _room_ids_of(session, [renovation.id]))[renovation.id]
    read = _read(renovation, room_ids, await _moves_of(session, renovation.id))
    await _record_renovation_event(session, event, read, actor)
    await session.commit()
    return read


async def rules_needing_a_leader(
    *,
    session: AsyncSession,
    renovation: Renovation,
    cost_cap_per_m2: Decimal,
    min_years_between: int,
) -> list[str]:
    """The rules of the 修缮管理办法 this request goes beyond, which only a leader sets aside."""
    beyond = []
    rooms = await _rooms_renovated(session, renovation)
    # The cap is per m² of the rooms renovated, as the register measures them: the area the
    # request declares is the requester's own figure, and would raise the cap at will.
    if renovation.estimated_cost > cost_cap_per_m2 * _usable_area(rooms):
        beyond.append(COST_CAP_RULE)
    # The change register is the record of past renovations, those before Guanjia included.
    since = _years_before(bureau_today(), min_years_between)
    touched = [room.id for room in rooms]
    names_a_room = exists().where(
        ChangeRoom.change_id == PropertyChange.id, ChangeRoom.room_id.in_(touched)
    )
    names_no_room = ~exists().where(ChangeRoom.change_id == PropertyChange.id)
    recent = await session.scalar(
        select(PropertyChange.id)
        .where(
            PropertyChange.type == ChangeType.renovate.value,
            PropertyChange.effective_date > since,
            or_(
                names_a_room,
                (PropertyChange.building_id == renovation.building_id) & names_no_room,
            ),
        )
        .limit(1)
    )
    if recent is not None:
        beyond.append(REPEAT_RULE)
    return beyond


async def approve_renovation(
    *,
    session: AsyncSession,
    renovation_id: str,
    actor: Principal,
    reason: str | None,
    cost_cap_per_m2: Decimal,
    min_years_between: int,
) -> RenovationRead:
    ensure_role(actor, policy.APPROVERS)
    renovation = await _in_state_for(session, renovation_id, "approve")
    beyond = await rules_needing_a_leader(
        session=session,
        renovation=renovation,
        cost_cap_per_m2=cost_cap_per_m2,
        min_years_between=min_years_between,
    )
    if beyond and not actor.has_any(*policy.APPROVERS_BEYOND_RULES):
        raise Forbidden(
            f"the request goes beyond {', '.join(beyond)}: only a leader may approve it",
            rule=beyond[0],
            rules=beyond,
        )
    if beyond and not reason:
        raise invalid_field(
            f"a leader approving beyond {', '.join(beyond)} gives the reason", "#/reason"
        )
    renovation.approved_by = actor.id
    renovation.approval_reason = reason
    renovation.overridden_rules = ",".join(beyond)
    return await _make_move(
        session, renovation, "approve", actor, reason=reason, overridden_rules=",".join(beyond)
    )


async def reject_renovation(
    *, session: AsyncSession, renovation_id: str, actor: Principal, reason: str
) -> RenovationRead:
    ensure_role(actor, policy.APPROVERS)
    renovation = await _in_state_for(session, renovation_id, "reject")
    return await _make_move(session, renovation, "reject", actor, reason=reason)


async def start_renovation(
    *, session: AsyncSession, renovation_id: str, actor: Principal
) -> RenovationRead:
    ensure_role(actor, policy.WORKS_RECORDERS)
    renovation = await _in_state_for(session, renovation_id, "start")
    return await _make_move(session, renovation, "start", actor)


async def accept_renovation(
    *, session: AsyncSession, renovation_id: str, actor: Principal, final_cost: Decimal
) -> RenovationRead:
    """Accept the works, and record them in the change register the same day."""
    ensure_role(actor, policy.WORKS_RECORDERS)
    renovation = await _in_state_for(session, renovation_id, "accept")
    renovation.final_cost = final_cost
    renovation.accepted_on = bureau_today()
    rooms = await _rooms_renovated(session, renovation)
    change = await write_change(
        session=session,
        data=ChangeCreate(
            type=ChangeType.renovate.value,
            room_ids=[room.id for room in rooms] or None,
            building_id=renovation.building_id,
            unit_id=renovation.unit_id,
            effective_date=renovation.accepted_on,
            document_no=renovation.document_no,
            reason=f"修缮验收：{renovation.title}",
        ),
        actor=actor,
    )
    renovation.change_id = change.id
    return await _make_move(session, renovation, "accept", actor)


async def _moves_of(session: AsyncSession, renovation_id: str) -> list[RenovationMove]:
    query = (
        select(RenovationMove)
        .where(RenovationMove.renovation_id == renovation_id)
        .order_by(RenovationMove.step)
    )
    return list((await session.execute(query)).scalars())


async def _rules_beyond_if_requested(
    session: AsyncSession, renovation: Renovation, cost_cap_per_m2: Decimal, min_years_between: int
) -> list[str]:
    if renovation.status != RenovationStatus.requested:
        return []
    return await rules_needing_a_leader(
        session=session,
        renovation=renovation,
        cost_cap_per_m2=cost_cap_per_m2,
        min_years_between=min_years_between,
    )


async def get_renovation(
    *,
    session: AsyncSession,
    renovation_id: str,
    viewer: Principal,
    cost_cap_per_m2: Decimal,
    min_years_between: int,
) -> RenovationRead:
    ensure_role(viewer, policy.READERS)
    renovation = await session.scalar(
        policy.renovations_visible_to(viewer).where(Renovation.id == renovation_id)
    )
    if renovation is None:
        raise NotFound(f"no renovation {renovation_id}")
    room_ids = (await _room_ids_of(session, [renovation.id]))[renovation.id]
    beyond = await _rules_beyond_if_requested(
        session, renovation, cost_cap_per_m2, min_years_between
    )
    return _read(renovation, room_ids, await _moves_of(session, renovation.id), beyond)


async def list_renovations(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    cost_cap_per_m2: Decimal,
    min_years_between: int,
    status: RenovationStatus | None = None,
    building_id: str | None = None,
    unit_id: str | None = None,
) -> tuple[list[RenovationRead], int]:
    ensure_role(viewer, policy.READERS)
    query = policy.renovations_visible_to(viewer)
    if status is not None:
        query = query.where(Renovation.status == status.value)
    if building_id is not None:
        query = query.where(Renovation.building_id == building_id)
    if unit_id is not None:
        query = query.where(Renovation.unit_id == unit_id)
    renovations, total = await fetch_page(
        session, query.order_by(Renovation.requested_at.desc(), Renovation.id), page
    )
    room_ids = await _room_ids_of(session, [renovation.id for renovation in renovations])
    # The rules are checked for the page's requested renovations only, those still to decide.
    reads = [
        _read(
            renovation,
            room_ids[renovation.id],
            rules_beyond=await _rules_beyond_if_requested(
                session, renovation, cost_cap_per_m2, min_years_between
            ),
        )
        for renovation in renovations
    ]
    return reads, total


async def _record_renovation_event(
    session: AsyncSession,
    event_type: str,
    renovation: RenovationRead,
    actor: Principal,
    **extra: Any,
) -> None:
    # An event names the rules beyond which it went only when requested (its `extra`).
    data = renovation.model_dump(mode="json", exclude={"moves", "rules_needing_a_leader"})
    await record_event(
        session, event_type, subject=renovation.id, data={**data, "actor": actor.id, **extra}
    )
