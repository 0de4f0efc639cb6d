from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from emergency_svc.supplies import policy, service
from emergency_svc.supplies.models import (
    MovementCreate,
    MovementRead,
    ReservationRead,
    ReservationStatus,
    StockCreate,
    StockRead,
    StockUpdate,
    SupplyItemCreate,
    SupplyItemRead,
)
from guanjia_shared.auth import Principal, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery

# Who reads the supplies and who keeps them: supplies/policy.py (the service checks it).
router = APIRouter(
    prefix="/api/v1/emergency/supplies",
    tags=["supplies"],
    dependencies=[Depends(require_roles(*policy.READERS))],
)
Keeper = Annotated[Principal, Depends(require_roles(*policy.KEEPERS))]


@router.get("/items", response_model=Page[SupplyItemRead])
async def list_items(session: SessionDep, page: PageQuery):
    items, total = await service.list_items(session=session, page=page)
    return {"items": items, "total": total}


@router.post("/items", status_code=status.HTTP_201_CREATED, response_model=SupplyItemRead)
async def create_item(data: SupplyItemCreate, session: SessionDep, actor: Keeper):
    return await service.create_item(session=session, data=data, actor=actor)


@router.get("/reservations", response_model=Page[ReservationRead])
async def list_reservations(
    session: SessionDep,
    page: PageQuery,
    incident_id: Annotated[str | None, Query(max_length=64)] = None,
    status: ReservationStatus | None = None,
    stock_id: Annotated[str | None, Query(max_length=36)] = None,
    is_drill: bool | None = None,
):
    items, total = await service.list_reservations(
        session=session,
        page=page,
        incident_id=incident_id,
        status=status,
        stock_id=stock_id,
        is_drill=is_drill,
    )
    return {"items": items, "total": total}


@router.post("/reservations/{reservation_id}/release", response_model=ReservationRead)
async def release_reservation(reservation_id: str, session: SessionDep, actor: Keeper):
    return await service.release_reservation(
        session=session, reservation_id=reservation_id, actor=actor
    )


@router.get("", response_model=Page[StockRead])
async def list_stocks(
    session: SessionDep,
    page: PageQuery,
    location: Annotated[str | None, Query(max_length=200)] = None,
    item_code: Annotated[str | None, Query(max_length=64)] = None,
    building_id: Annotated[str | None, Query(max_length=64)] = None,
    below_minimum: bool | None = None,
):
    items, total = await service.list_stocks(
        session=session,
        page=page,
        location=location,
        item_code=item_code,
        building_id=building_id,
        below_minimum=below_minimum,
    )
    return {"items": items, "total": total}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=StockRead)
async def create_stock(data: StockCreate, session: SessionDep, actor: Keeper, response: Response):
    stock = await service.create_stock(session=session, data=data, actor=actor)
    response.headers["Location"] = f"{router.prefix}/{stock.id}"
    return stock


@router.get("/{stock_id}", response_model=StockRead)
async def get_stock(stock_id: str, session: SessionDep):
    return await service.get_stock(session=session, stock_id=stock_id)


@router.put("/{stock_id}", response_model=StockRead)
async def update_stock(stock_id: str, data: StockUpdate, session: SessionDep, actor: Keeper):
    return await service.update_stock(session=session, stock_id=stock_id, data=data, actor=actor)


@router.post(
    "/{stock_id}/movements", status_code=status.HTTP_201_CREATED, response_model=MovementRead
)
async def record_movement(stock_id: str, data: MovementCreate, session: SessionDep, actor: Keeper):
    return await service.record_movement(session=session, stock_id=stock_id, data=data, actor=actor)


@router.get("/{stock_id}/movements", response_model=Page[MovementRead])
async def list_movements(stock_id: str, session: SessionDep, page: PageQuery):
    items, total = await service.list_movements(session=session, stock_id=stock_id, page=page)
    return {"items": items, "total": total}
