from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends

from asset_svc.staffing import policy, service
from asset_svc.staffing.models import StaffingLine, StaffingRead
from guanjia_shared.auth import CurrentUser, Principal, current_user, require_roles
from guanjia_shared.deps import SessionDep

router = APIRouter(
    prefix="/api/v1/asset/units", tags=["staffing"], dependencies=[Depends(current_user)]
)
Writer = Annotated[Principal, Depends(require_roles(*policy.WRITERS))]


@router.get("/{unit_id}/staffing", response_model=StaffingRead)
async def get_staffing(unit_id: str, session: SessionDep, viewer: CurrentUser):
    return await service.get_staffing(session=session, unit_id=unit_id, viewer=viewer)


@router.put("/{unit_id}/staffing", response_model=StaffingRead)
async def replace_staffing(
    unit_id: str,
    lines: Annotated[list[StaffingLine], Body(max_length=100)],
    session: SessionDep,
    actor: Writer,
):
    return await service.replace_staffing(
        session=session, unit_id=unit_id, lines=lines, actor=actor
    )
