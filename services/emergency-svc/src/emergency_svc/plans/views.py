from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from emergency_svc.plans import service
from emergency_svc.plans.models import (
    PlanCreate,
    PlanEdit,
    PlanKind,
    PlanRead,
    PlanStatus,
    PlanSummary,
    PlanVersionRead,
    PlanVersionSummary,
)
from emergency_svc.plans.policy import PLAN_READERS, PlanKeeper
from guanjia_shared.auth import require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.etags import IfMatchVersion, etag_of
from guanjia_shared.pagination import Page, PageQuery

# Who reads plans and who keeps them: plans/policy.py.
router = APIRouter(
    prefix="/api/v1/emergency/plans",
    tags=["plans"],
    dependencies=[Depends(require_roles(*PLAN_READERS))],
)
VersionNumber = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _with_etag(plan: PlanRead, response: Response) -> PlanRead:
    response.headers["ETag"] = etag_of(plan.version)
    return plan


@router.post("", status_code=status.HTTP_201_CREATED, response_model=PlanRead)
async def create_plan(data: PlanCreate, session: SessionDep, actor: PlanKeeper, response: Response):
    plan = await service.create_plan(session=session, data=data, actor=actor)
    response.headers["Location"] = f"{router.prefix}/{plan.id}"
    return _with_etag(plan, response)


@router.get("", response_model=Page[PlanSummary])
async def list_plans(
    session: SessionDep,
    page: PageQuery,
    kind: PlanKind | None = None,
    status: PlanStatus | None = None,
    incident_type: Annotated[str | None, Query(max_length=64)] = None,
):
    items, total = await service.list_plans(
        session=session, page=page, kind=kind, status=status, incident_type=incident_type
    )
    return {"items": items, "total": total}


@router.get("/{plan_id}", response_model=PlanRead)
async def get_plan(plan_id: str, session: SessionDep, response: Response):
    return _with_etag(await service.read_plan(session=session, plan_id=plan_id), response)


@router.patch("/{plan_id}", response_model=PlanRead)
async def edit_plan(
    plan_id: str,
    data: PlanEdit,
    session: SessionDep,
    actor: PlanKeeper,
    response: Response,
    expected_version: IfMatchVersion,
):
    plan = await service.edit_plan(
        session=session,
        plan_id=plan_id,
        data=data,
        actor=actor,
        expected_version=expected_version,
    )
    return _with_etag(plan, response)


@router.get("/{plan_id}/versions", response_model=Page[PlanVersionSummary])
async def list_plan_versions(plan_id: str, session: SessionDep, page: PageQuery):
    items, total = await service.list_versions(session=session, plan_id=plan_id, page=page)
    return {"items": items, "total": total}


@router.get("/{plan_id}/versions/{version}", response_model=PlanVersionRead)
async def get_plan_version(plan_id: str, version: VersionNumber, session: SessionDep):
    return await service.get_version(session=session, plan_id=plan_id, version=version)


@router.post("/{plan_id}/activate", response_model=PlanRead)
async def activate_plan(
    plan_id: str,
    session: SessionDep,
    actor: PlanKeeper,
    response: Response,
    expected_version: IfMatchVersion,
):
    plan = await service.activate_plan(
        session=session, plan_id=plan_id, actor=actor, expected_version=expected_version
    )
    return _with_etag(plan, response)


@router.post("/{plan_id}/retire", response_model=PlanRead)
async def retire_plan(
    plan_id: str,
    session: SessionDep,
    actor: PlanKeeper,
    response: Response,
    expected_version: IfMatchVersion,
):
    plan = await service.retire_plan(
        session=session, plan_id=plan_id, actor=actor, expected_version=expected_version
    )
    return _with_etag(plan, response)
