from __future__ import annotations

from fastapi import APIRouter, Depends

from guanjia_shared.auth import current_user
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from ledger_svc.plans import service
from ledger_svc.plans.models import PlanRead

router = APIRouter(
    prefix="/api/v1/ledger/plans", tags=["plans"], dependencies=[Depends(current_user)]
)


@router.get("", response_model=Page[PlanRead])
async def list_plans(session: SessionDep, page: PageQuery, year: int | None = None):
    items, total = await service.list_plans(session=session, page=page, year=year)
    return {"items": items, "total": total}
