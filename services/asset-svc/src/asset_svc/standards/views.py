from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from asset_svc.standards import policy, service
from asset_svc.standards.models import SpaceStandardCreate, SpaceStandardRead
from asset_svc.units.models import UnitLevel
from guanjia_shared.auth import Principal, current_user, require_roles
from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery

router = APIRouter(
    prefix="/api/v1/asset/space-standards",
    tags=["space standards"],
    dependencies=[Depends(current_user)],
)
Writer = Annotated[Principal, Depends(require_roles(*policy.WRITERS))]


@router.get("", response_model=Page[SpaceStandardRead])
async def list_standards(
    session: SessionDep,
    page: PageQuery,
    level: UnitLevel | None = None,
    as_of: IsoDate | None = None,
):
    """The figures in force on `as_of` (today when omitted)."""
    items, total = await service.list_standards(
        session=session, page=page, level=level, as_of=as_of
    )
    return {"items": items, "total": total}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SpaceStandardRead)
async def add_standard_version(data: SpaceStandardCreate, session: SessionDep, actor: Writer):
    return await service.add_standard_version(session=session, data=data, actor=actor)
