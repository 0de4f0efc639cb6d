from __future__ import annotations

from fastapi import APIRouter, Depends

from emergency_svc.plans import service
from emergency_svc.plans.models import EmergencyPlanRead, PlanKind, PlanStatus
from guanjia_shared.auth import current_user
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery

router = APIRouter(
    prefix="/api/v1/emergency/plans", tags=["plans"], dependencies=[Depends(current_user)]
)


@router.get("", response_model=Page[EmergencyPlanRead])
async def list_plans(
    session: SessionDep,
    page: PageQuery,
    kind: PlanKind | None = None,
    status: PlanStatus | None = None,
):
    items, total = await service.list_plans(session=session, page=page, kind=kind, status=status)
    return {"items": items, "total": total}
