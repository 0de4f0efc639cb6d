from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from guanjia_shared.auth import Principal, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from ledger_svc.plans import policy, service
from ledger_svc.plans.models import PlanCreate, PlanRead

router = APIRouter(
    prefix="/api/v1/ledger/plans",
    tags=["plans"],
    dependencies=[Depends(require_roles(*policy.READERS))],
)
# Who may do what: plans/policy.py.
PlanMaker = Annotated[Principal, Depends(require_roles(*policy.MAKERS))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=PlanRead)
async def create_plan(data: PlanCreate, session: SessionDep, actor: PlanMaker, response: Response):
    plan = await service.create_plan(session=session, data=data, actor=actor)
    response.headers["Location"] = f"{router.prefix}/{plan.id}"
    return plan


@router.get("", response_model=Page[PlanRead])
async def list_plans(
    session: SessionDep,
    page: PageQuery,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
):
    items, total = await service.list_plans(session=session, page=page, year=year)
    return {"items": items, "total": total}


@router.get("/{plan_id}", response_model=PlanRead)
async def get_plan(plan_id: str, session: SessionDep):
    return await service.get_plan(session=session, plan_id=plan_id)
