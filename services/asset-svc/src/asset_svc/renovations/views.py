from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from asset_svc.config import ServiceSettings
from asset_svc.renovations import policy, service
from asset_svc.renovations.models import (
    AcceptBody,
    ApproveBody,
    RejectBody,
    RenovationCreate,
    RenovationRead,
    RenovationStatus,
)
from guanjia_shared.auth import Principal, current_user, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery

router = APIRouter(
    prefix="/api/v1/asset/renovations",
    tags=["renovations"],
    dependencies=[Depends(current_user)],
)
Requester = Annotated[Principal, Depends(require_roles(*policy.REQUESTERS))]
# Whether an admin's approval suffices is the rule's to say (service.approve_renovation).
Approver = Annotated[Principal, Depends(require_roles(*policy.APPROVERS))]
WorksRecorder = Annotated[Principal, Depends(require_roles(*policy.WORKS_RECORDERS))]
Reader = Annotated[Principal, Depends(require_roles(*policy.READERS))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RenovationRead)
async def request_renovation(
    data: RenovationCreate, session: SessionDep, actor: Requester, settings: ServiceSettings
):
    return await service.request_renovation(
        session=session,
        data=data,
        actor=actor,
        cost_cap_per_m2=settings.renovation_cost_cap_per_m2,
        min_years_between=settings.renovation_min_years_between,
    )


@router.get("", response_model=Page[RenovationRead])
async def list_renovations(
    session: SessionDep,
    viewer: Reader,
    page: PageQuery,
    settings: ServiceSettings,
    status: RenovationStatus | None = None,
    building_id: str | None = None,
    unit_id: str | None = None,
):
    items, total = await service.list_renovations(
        session=session,
        viewer=viewer,
        page=page,
        status=status,
        building_id=building_id,
        unit_id=unit_id,
        cost_cap_per_m2=settings.renovation_cost_cap_per_m2,
        min_years_between=settings.renovation_min_years_between,
    )
    return {"items": items, "total": total}


@router.get("/{renovation_id}", response_model=RenovationRead)
async def get_renovation(
    renovation_id: str, session: SessionDep, viewer: Reader, settings: ServiceSettings
):
    return await service.get_renovation(
        session=session,
        renovation_id=renovation_id,
        viewer=viewer,
        cost_cap_per_m2=settings.renovation_cost_cap_per_m2,
        min_years_between=settings.renovation_min_years_between,
    )


@router.post("/{renovation_id}/approve", response_model=RenovationRead)
async def approve_renovation(
    renovation_id: str,
    session: SessionDep,
    actor: Approver,
    settings: ServiceSettings,
    body: ApproveBody | None = None,
):
    return await service.approve_renovation(
        session=session,
        renovation_id=renovation_id,
        actor=actor,
        reason=body.reason if body else None,
        cost_cap_per_m2=settings.renovation_cost_cap_per_m2,
        min_years_between=settings.renovation_min_years_between,
    )


@router.post("/{renovation_id}/reject", response_model=RenovationRead)
async def reject_renovation(
    renovation_id: str, body: RejectBody, session: SessionDep, actor: Approver
):
    return await service.reject_renovation(
        session=session, renovation_id=renovation_id, actor=actor, reason=body.reason
    )


@router.post("/{renovation_id}/start", response_model=RenovationRead)
async def start_renovation(renovation_id: str, session: SessionDep, actor: WorksRecorder):
    return await service.start_renovation(session=session, renovation_id=renovation_id, actor=actor)


@router.post("/{renovation_id}/accept", response_model=RenovationRead)
async def accept_renovation(
    renovation_id: str, body: AcceptBody, session: SessionDep, actor: WorksRecorder
):
    return await service.accept_renovation(
        session=session, renovation_id=renovation_id, actor=actor, final_cost=body.final_cost
    )
