from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from asset_svc.seating import policy, service
from asset_svc.seating.models import SeatCreate, SeatingRead, SeatRead, SeatVacate
from guanjia_shared.auth import CurrentUser, Principal, current_user, require_roles
from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.deps import SessionDep

router = APIRouter(prefix="/api/v1/asset", tags=["seating"], dependencies=[Depends(current_user)])
Writer = Annotated[Principal, Depends(require_roles(*policy.WRITERS))]


@router.post("/rooms/{room_id}/seats", status_code=status.HTTP_201_CREATED, response_model=SeatRead)
async def take_seat(room_id: str, data: SeatCreate, session: SessionDep, actor: Writer):
    return await service.take_seat(session=session, room_id=room_id, data=data, actor=actor)


@router.post(
    "/seats/{seat_id}/move-out", status_code=status.HTTP_201_CREATED, response_model=SeatRead
)
async def vacate_seat(seat_id: str, data: SeatVacate, session: SessionDep, actor: Writer):
    return await service.vacate_seat(session=session, seat_id=seat_id, data=data, actor=actor)


@router.get("/rooms/{room_id}/seats", response_model=SeatingRead)
async def room_seating(
    room_id: str, session: SessionDep, viewer: CurrentUser, as_of: IsoDate | None = None
):
    return await service.room_seating(session=session, room_id=room_id, viewer=viewer, as_of=as_of)


@router.get("/units/{unit_id}/seats", response_model=SeatingRead)
async def unit_seating(
    unit_id: str, session: SessionDep, viewer: CurrentUser, as_of: IsoDate | None = None
):
    return await service.unit_seating(session=session, unit_id=unit_id, viewer=viewer, as_of=as_of)
