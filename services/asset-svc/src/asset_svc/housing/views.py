from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from asset_svc.housing import policy, service
from asset_svc.housing.models import (
    HousingHistory,
    HousingMoveRead,
    HousingUnitCreate,
    HousingUnitRead,
    MoveInBody,
    MoveOutBody,
    OccupantCreate,
    OccupantRead,
)
from guanjia_shared.auth import Principal, current_user, require_roles
from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery

router = APIRouter(
    prefix="/api/v1/asset/housing", tags=["housing"], dependencies=[Depends(current_user)]
)
Writer = Annotated[Principal, Depends(require_roles(*policy.WRITERS))]
# The list of households is a list of people: only those who may see names read it.
HouseholdReader = Annotated[Principal, Depends(require_roles(*policy.HOUSEHOLD_READERS))]
Reader = Annotated[Principal, Depends(require_roles(*policy.READERS))]


@router.post("/occupants", status_code=status.HTTP_201_CREATED, response_model=OccupantRead)
async def create_occupant(data: OccupantCreate, session: SessionDep, actor: Writer):
    return await service.create_occupant(session=session, data=data, actor=actor)


@router.get("/occupants", response_model=Page[OccupantRead])
async def list_occupants(
    session: SessionDep, viewer: HouseholdReader, page: PageQuery, unit_id: str | None = None
):
    items, total = await service.list_occupants(
        session=session, viewer=viewer, page=page, unit_id=unit_id
    )
    return {"items": items, "total": total}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=HousingUnitRead)
async def create_housing_unit(data: HousingUnitCreate, session: SessionDep, actor: Writer):
    return await service.create_housing_unit(session=session, data=data, actor=actor)


@router.get("", response_model=Page[HousingUnitRead])
async def list_housing(
    session: SessionDep,
    viewer: Reader,
    page: PageQuery,
    as_of: IsoDate | None = None,
    building_id: str | None = None,
    occupant_unit_id: str | None = None,
):
    items, total = await service.list_housing(
        session=session,
        viewer=viewer,
        page=page,
        as_of=as_of,
        building_id=building_id,
        occupant_unit_id=occupant_unit_id,
    )
    return {"items": items, "total": total}


@router.get("/{housing_unit_id}", response_model=HousingUnitRead)
async def get_housing_unit(housing_unit_id: str, session: SessionDep, viewer: Reader):
    return await service.get_housing_unit(
        session=session, housing_unit_id=housing_unit_id, viewer=viewer
    )


@router.get("/{housing_unit_id}/history", response_model=HousingHistory)
async def housing_history(housing_unit_id: str, session: SessionDep, viewer: Reader):
    return await service.housing_history(
        session=session, housing_unit_id=housing_unit_id, viewer=viewer
    )


@router.post(
    "/{housing_unit_id}/move-in",
    status_code=status.HTTP_201_CREATED,
    response_model=HousingMoveRead,
)
async def move_in(housing_unit_id: str, data: MoveInBody, session: SessionDep, actor: Writer):
    return await service.move_in(
        session=session, housing_unit_id=housing_unit_id, data=data, actor=actor
    )


@router.post(
    "/{housing_unit_id}/move-out",
    status_code=status.HTTP_201_CREATED,
    response_model=HousingMoveRead,
)
async def move_out(housing_unit_id: str, data: MoveOutBody, session: SessionDep, actor: Writer):
    return await service.move_out(
        session=session, housing_unit_id=housing_unit_id, data=data, actor=actor
    )
