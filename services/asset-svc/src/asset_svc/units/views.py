from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from asset_svc.units import policy, service
from asset_svc.units.models import UnitCreate, UnitLevel, UnitRead, UnitUpdate
from guanjia_shared.auth import CurrentUser, Principal, current_user, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.etags import IfMatchVersion, etag_of
from guanjia_shared.pagination import Page, PageQuery, SearchQuery

router = APIRouter(
    prefix="/api/v1/asset/units", tags=["units"], dependencies=[Depends(current_user)]
)
Writer = Annotated[Principal, Depends(require_roles(*policy.WRITERS))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=UnitRead)
async def create_unit(data: UnitCreate, session: SessionDep, actor: Writer, response: Response):
    unit = await service.create_unit(session=session, data=data, actor=actor)
    response.headers["ETag"] = etag_of(unit.version)
    response.headers["Location"] = f"{router.prefix}/{unit.id}"
    return unit


@router.get("", response_model=Page[UnitRead])
async def list_units(
    session: SessionDep,
    viewer: CurrentUser,
    page: PageQuery,
    parent_id: str | None = None,
    level: UnitLevel | None = None,
    q: SearchQuery = None,
    top: Annotated[bool, Query(description="only the units under no other")] = False,
):
    items, total = await service.list_units(
        session=session, viewer=viewer, page=page, parent_id=parent_id, level=level, q=q, top=top
    )
    return {"items": items, "total": total}


@router.get("/{unit_id}", response_model=UnitRead)
async def get_unit(unit_id: str, session: SessionDep, viewer: CurrentUser, response: Response):
    unit = await service.get_unit(session=session, unit_id=unit_id, viewer=viewer)
    response.headers["ETag"] = etag_of(unit.version)
    return unit


@router.patch("/{unit_id}", response_model=UnitRead)
async def update_unit(
    unit_id: str,
    data: UnitUpdate,
    session: SessionDep,
    actor: Writer,
    response: Response,
    expected_version: IfMatchVersion,
):
    unit = await service.update_unit(
        session=session,
        unit_id=unit_id,
        data=data,
        actor=actor,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(unit.version)
    return unit
