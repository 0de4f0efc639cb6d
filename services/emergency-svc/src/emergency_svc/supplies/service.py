"""The rules of emergency supplies.

Reservations: what a plan requires is reserved from stock when an incident is activated,
and released when it closes.

- `reserve_for_incident` holds, for each required item, units from the locations with the
  most available stock first (fewest places to fetch from). Available = quantity on hand
  less the units active reservations still hold.
- A requirement larger than the stock is reserved as far as the stock goes; the rest is
  kept as a `shortfall` row and answered with the others — never an error: an emergency
  must not be blocked by a missing sandbag.
- Drill holds never stand in a real emergency's way: a real incident's reservation and an
  issue count only real incidents' holds as taken (a drill's hold may then be over-booked;
  it is a drill). A drill's reservation counts every hold, so drills do not take units
  real incidents hold. Drill reservations are marked `is_drill`.
- Two incidents reserving the last units never both get them: the stock rows are locked
  (FOR UPDATE on PostgreSQL, in id order so that two reservations cannot deadlock) before
  the holds on them are summed; SQLite has one writer at a time.
- `release_for_incident` returns what is still held to stock (closing an incident);
  shortfall rows stay as the record of what was missing.

Quantities change only by movements (opening, receipt, issue, count), each an append-only
row with its reason and the stock version it made. An issue cannot take units that other
real incidents hold (409); an issue for an incident takes first from its own reservations.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from emergency_svc.buildings.service import ensure_known_building
from emergency_svc.supplies import policy
from emergency_svc.supplies.models import (
    MovementCreate,
    MovementKind,
    Reservation,
    ReservationStatus,
    StockCreate,
    StockRead,
    StockUpdate,
    SupplyItem,
    SupplyItemCreate,
    SupplyMovement,
    SupplyReservation,
    SupplyStock,
)
from guanjia_shared.auth import Principal
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound, invalid_field
from guanjia_shared.pagination import PageParams, fetch_page

if TYPE_CHECKING:
    from emergency_svc.plans.document import SupplyRequirementIn

ACTIVE = ReservationStatus.active.value


# --- reservations: what incidents call ------------------------------------------------


async def _lock_stocks(session: AsyncSession, where: ColumnElement[bool]) -> list[SupplyStock]:
    """The stock rows matching `where`, locked for this transaction, always in id order."""
    query = (
        select(SupplyStock)
        .where(where)
        .order_by(SupplyStock.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list((await session.execute(query)).scalars())


async def _holds(session: AsyncSession, stock_ids: Sequence[str]) -> dict[str, dict[bool, int]]:
    """Units held by active reservations per stock row, split into {is_drill: units}."""
    if not stock_ids:
        return {}
    held = func.sum(SupplyReservation.quantity - SupplyReservation.issued_quantity)
    rows = await session.execute(
        select(SupplyReservation.stock_id, SupplyReservation.is_drill, held)
        .where(SupplyReservation.stock_id.in_(stock_ids), SupplyReservation.status == ACTIVE)
        .group_by(SupplyReservation.stock_id, SupplyReservation.is_drill)
    )
    holds: dict[str, dict[bool, int]] = {}
    for stock_id, is_drill, units in rows:
        holds.setdefault(stock_id, {})[bool(is_drill)] = int(units or 0)
    return holds


def _free_for(stock: SupplyStock, holds: dict[bool, int], *, is_drill: bool) -> int:
    taken = holds.get(False, 0) + (holds.get(True, 0) if is_drill else 0)
    return max(0, stock.quantity - taken)


async def reserve_for_incident(
    session: AsyncSession,
    *,
    incident_id: str,
    requirements: Sequence[SupplyRequirementIn],
    is_drill: bool,
) -> list[Reservation]:
    """Hold the required supplies for an incident; the caller commits.

    Answers one row per (item, location) held and, for an item the stock could not cover,
    one `shortfall` row (no stock row, `quantity` = the units missing). An item the
    catalogue does not know is a shortfall of all its units. Each call reserves anew.
    """
    wanted: dict[str, int] = {}
    for requirement in requirements:
        wanted[requirement.item_code] = wanted.get(requirement.item_code, 0) + int(
            requirement.quantity
        )
    wanted = {code: units for code, units in wanted.items() if units > 0}
    if not wanted:
        return []
    stocks = await _lock_stocks(session, SupplyStock.item_code.in_(list(wanted)))
    holds = await _holds(session, [stock.id for stock in stocks])
    moment = now()
    reservations: list[SupplyReservation] = []
    for code, units in wanted.items():
        free = [
            (_free_for(stock, holds.get(stock.id, {}), is_drill=is_drill), stock)
            for stock in stocks
            if stock.item_code == code
        ]
        # The fullest location first: fewest places to fetch from.
        free.sort(key=lambda pair: (-pair[0], pair[1].location, pair[1].id))
        missing = units
        for available, stock in free:
            if missing == 0 or available == 0:
                break
            take = min(available, missing)
            reservations.append(
                SupplyReservation(
                    incident_id=incident_id,
                    item_code=code,
                    stock_id=stock.id,
                    location=stock.location,
                    quantity=take,
                    is_drill=is_drill,
                    status=ACTIVE,
                    reserved_at=moment,
                )
            )
            missing -= take
        if missing:
            reservations.append(
                SupplyReservation(
                    incident_id=incident_id,
                    item_code=code,
                    quantity=missing,
                    is_drill=is_drill,
                    status=ReservationStatus.shortfall.value,
                    reserved_at=moment,
                )
            )
    session.add_all(reservations)
    await session.flush()
    return reservations


def shortfalls(reservations: Sequence[Reservation]) -> dict[str, int]:
    """The units missing per item code, from what `reserve_for_incident` answered."""
    missing: dict[str, int] = {}
    for reservation in reservations:
        if reservation.is_shortfall:
            missing[reservation.item_code] = (
                missing.get(reservation.item_code, 0) + reservation.quantity
            )
    return missing


async def release_for_incident(
    session: AsyncSession, incident_id: str, *, actor_id: str | None = None
) -> int:
    """Return what an incident's reservations still hold to stock; the caller commits.
    Answers how many reservations were released."""
    result = await session.execute(
        update(SupplyReservation)
        .where(SupplyReservation.incident_id == incident_id, SupplyReservation.status == ACTIVE)
        .values(status=ReservationStatus.released.value, released_at=now(), released_by=actor_id)
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0)


async def release_reservation(
    *, session: AsyncSession, reservation_id: str, actor: Principal
) -> SupplyReservation:
    policy.ensure_may_keep(actor)
    reservation = (
        await session.execute(
            select(SupplyReservation)
            .where(SupplyReservation.id == reservation_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if reservation is None:
        raise NotFound(f"no reservation {reservation_id}")
    if reservation.status != ACTIVE:
        raise Conflict(
            f"the reservation is {reservation.status}: only an active one is released",
            rule="release-only-active",
        )
    reservation.status = ReservationStatus.released.value
    reservation.released_at = now()
    reservation.released_by = actor.id
    await session.commit()
    return reservation


async def list_reservations(
    *,
    session: AsyncSession,
    page: PageParams,
    incident_id: str | None = None,
    status: ReservationStatus | None = None,
    stock_id: str | None = None,
    is_drill: bool | None = None,
) -> tuple[list[SupplyReservation], int]:
    query = select(SupplyReservation).order_by(
        SupplyReservation.reserved_at.desc(),
        SupplyReservation.item_code,
        SupplyReservation.location,
        SupplyReservation.id,
    )
    if incident_id is not None:
        query = query.where(SupplyReservation.incident_id == incident_id)
    if status is not None:
        query = query.where(SupplyReservation.status == status.value)
    if stock_id is not None:
        query = query.where(SupplyReservation.stock_id == stock_id)
    if is_drill is not None:
        query = query.where(SupplyReservation.is_drill == is_drill)
    return await fetch_page(session, query, page)


# --- the catalogue --------------------------------------------------------------------


async def list_items(*, session: AsyncSession, page: PageParams) -> tuple[list[SupplyItem], int]:
    return await fetch_page(session, select(SupplyItem).order_by(SupplyItem.code), page)


async def create_item(
    *, session: AsyncSession, data: SupplyItemCreate, actor: Principal
) -> SupplyItem:
    policy.ensure_may_keep(actor)
    if await session.get(SupplyItem, data.code) is not None:
        raise Conflict(f"supply item {data.code} exists already", rule="unique-item-code")
    item = SupplyItem(**data.model_dump())
    session.add(item)
    await session.commit()
    return item


# --- stock ----------------------------------------------------------------------------


def _stock_reads_query():
    held = (
        select(
            SupplyReservation.stock_id.label("stock_id"),
            func.sum(SupplyReservation.quantity - SupplyReservation.issued_quantity).label(
                "reserved"
            ),
        )
        .where(SupplyReservation.status == ACTIVE, SupplyReservation.stock_id.is_not(None))
        .group_by(SupplyReservation.stock_id)
        .subquery()
    )
    return (
        select(
            SupplyStock,
            SupplyItem.name,
            SupplyItem.unit,
            func.coalesce(held.c.reserved, 0).label("reserved"),
        )
        .join(SupplyItem, SupplyItem.code == SupplyStock.item_code)
        .outerjoin(held, held.c.stock_id == SupplyStock.id)
    )


def _stock_read(stock: SupplyStock, name: str, unit: str, reserved: Any) -> StockRead:
    reserved = int(reserved or 0)
    return StockRead(
        id=stock.id,
        location=stock.location,
        building_id=stock.building_id,
        item_code=stock.item_code,
        item_name=name,
        unit=unit,
        quantity=stock.quantity,
        minimum=stock.minimum,
        reserved=reserved,
        available=max(0, stock.quantity - reserved),
        below_minimum=stock.quantity < stock.minimum,
        version=stock.version,
        updated_at=stock.updated_at,
    )


async def list_stocks(
    *,
    session: AsyncSession,
    page: PageParams,
    location: str | None = None,
    item_code: str | None = None,
    building_id: str | None = None,
    below_minimum: bool | None = None,
) -> tuple[list[StockRead], int]:
    query = _stock_reads_query().order_by(
        SupplyStock.item_code, SupplyStock.location, SupplyStock.id
    )
    if location is not None:
        query = query.where(SupplyStock.location == location)
    if item_code is not None:
        query = query.where(SupplyStock.item_code == item_code)
    if building_id is not None:
        query = query.where(SupplyStock.building_id == building_id)
    if below_minimum is True:
        query = query.where(SupplyStock.quantity < SupplyStock.minimum)
    elif below_minimum is False:
        query = query.where(SupplyStock.quantity >= SupplyStock.minimum)
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.execute(query.limit(page.limit).offset(page.offset))
    return [_stock_read(*row) for row in rows], int(total or 0)


async def stocks_below_minimum(session: AsyncSession) -> list[StockRead]:
    """Every stock row whose quantity on hand is under its minimum (for readiness)."""
    rows = await session.execute(
        _stock_reads_query()
        .where(SupplyStock.quantity < SupplyStock.minimum)
        .order_by(SupplyStock.item_code, SupplyStock.location, SupplyStock.id)
    )
    return [_stock_read(*row) for row in rows]


async def get_stock(*, session: AsyncSession, stock_id: str) -> StockRead:
    row = (await session.execute(_stock_reads_query().where(SupplyStock.id == stock_id))).first()
    if row is None:
        raise NotFound(f"no stock row {stock_id}")
    return _stock_read(*row)


async def create_stock(*, session: AsyncSession, data: StockCreate, actor: Principal) -> StockRead:
    policy.ensure_may_keep(actor)
    if await session.get(SupplyItem, data.item_code) is None:
        raise invalid_field(f"no supply item {data.item_code}", "#/item_code")
    taken = await session.scalar(
        select(SupplyStock.id).where(
            SupplyStock.location == data.location, SupplyStock.item_code == data.item_code
        )
    )
    if taken is not None:
        raise Conflict(
            f"{data.location} already keeps {data.item_code} (stock row {taken})",
            rule="one-stock-row-per-location-and-item",
        )
    stock = SupplyStock(**data.model_dump())
    if data.building_id is not None:
        await ensure_known_building(session, data.building_id, referenced_by=f"supplies:{stock.id}")
    session.add(stock)
    await session.flush()
    if stock.quantity > 0:
        session.add(
            SupplyMovement(
                stock_id=stock.id,
                stock_version=stock.version,
                kind=MovementKind.opening.value,
                change=stock.quantity,
                quantity_after=stock.quantity,
                reason="期初库存",
                actor_id=actor.id,
                recorded_at=stock.created_at,
            )
        )
    await session.commit()
    return await get_stock(session=session, stock_id=stock.id)


async def _locked_stock(session: AsyncSession, stock_id: str) -> SupplyStock:
    stocks = await _lock_stocks(session, SupplyStock.id == stock_id)
    if not stocks:
        raise NotFound(f"no stock row {stock_id}")
    return stocks[0]


async def update_stock(
    *, session: AsyncSession, stock_id: str, data: StockUpdate, actor: Principal
) -> StockRead:
    policy.ensure_may_keep(actor)
    stock = await _locked_stock(session, stock_id)
    stock.minimum = data.minimum
    stock.version += 1
    stock.updated_at = now()
    await session.commit()
    return await get_stock(session=session, stock_id=stock_id)


async def record_movement(
    *, session: AsyncSession, stock_id: str, data: MovementCreate, actor: Principal
) -> SupplyMovement:
    """A receipt, issue or count, with its reason; the stock row is locked meanwhile."""
    policy.ensure_may_keep(actor)
    if data.kind == MovementKind.opening:
        raise invalid_field("an opening quantity is given when the stock row is made", "#/kind")
    if data.kind in (MovementKind.receipt, MovementKind.issue) and data.quantity < 1:
        raise invalid_field(f"a {data.kind.value} moves at least one unit", "#/quantity")
    stock = await _locked_stock(session, stock_id)
    moment = now()
    match data.kind:
        case MovementKind.receipt:
            change = data.quantity
        case MovementKind.issue:
            await _take_for_issue(session, stock, data, moment)
            change = -data.quantity
        case _:  # count: the quantity becomes what was counted
            change = data.quantity - stock.quantity
    stock.quantity += change
    stock.version += 1
    stock.updated_at = moment
    movement = SupplyMovement(
        stock_id=stock.id,
        stock_version=stock.version,
        kind=data.kind.value,
        change=change,
        quantity_after=stock.quantity,
        reason=data.reason,
        incident_id=data.incident_id,
        actor_id=actor.id,
        recorded_at=moment,
    )
    session.add(movement)
    await session.commit()
    return movement


async def _take_for_issue(
    session: AsyncSession, stock: SupplyStock, data: MovementCreate, moment: datetime
) -> None:
    """Refuse an issue that would take units other real incidents hold; an issue for an
    incident uses up that incident's own reservations on the row first."""
    holding = list(
        (
            await session.execute(
                select(SupplyReservation)
                .where(SupplyReservation.stock_id == stock.id, SupplyReservation.status == ACTIVE)
                .order_by(SupplyReservation.reserved_at, SupplyReservation.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).scalars()
    )
    own = [r for r in holding if data.incident_id and r.incident_id == data.incident_id]
    own_ids = {r.id for r in own}
    held_by_others = sum(r.held for r in holding if not r.is_drill and r.id not in own_ids)
    issuable = stock.quantity - held_by_others
    if data.quantity > issuable:
        raise Conflict(
            f"only {max(0, issuable)} of {stock.quantity} can be issued: "
            f"{held_by_others} are reserved for other incidents",
            rule="no-issue-of-reserved-stock",
        )
    remaining = data.quantity
    for reservation in own:
        if remaining == 0:
            break
        take = min(reservation.held, remaining)
        reservation.issued_quantity += take
        remaining -= take
        if reservation.issued_quantity == reservation.quantity:
            reservation.status = ReservationStatus.issued.value
            reservation.released_at = moment


async def list_movements(
    *, session: AsyncSession, stock_id: str, page: PageParams
) -> tuple[list[SupplyMovement], int]:
    if await session.get(SupplyStock, stock_id) is None:
        raise NotFound(f"no stock row {stock_id}")
    query = (
        select(SupplyMovement)
        .where(SupplyMovement.stock_id == stock_id)
        .order_by(SupplyMovement.stock_version)
    )
    return await fetch_page(session, query, page)
