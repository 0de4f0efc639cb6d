from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from guanjia_shared.auth import CurrentUser, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from ledger_svc.interventions import policy, service
from ledger_svc.interventions.models import (
    AnswerIn,
    CloseIn,
    InterventionIn,
    InterventionRead,
    InterventionStatus,
)
from ledger_svc.plans.policy import READERS

router = APIRouter(
    prefix="/api/v1/ledger",
    tags=["interventions"],
    dependencies=[Depends(require_roles(*READERS))],
)
# Who may do what: interventions/policy.py (the service checks it).
ISSUERS_ONLY = [Depends(require_roles(*policy.ISSUERS))]
CLOSERS_ONLY = [Depends(require_roles(*policy.CLOSERS))]
OpenOnly = Annotated[bool, Query(alias="open", description="only those not closed")]


@router.post(
    "/items/{item_id}/interventions",
    status_code=status.HTTP_201_CREATED,
    response_model=InterventionRead,
    dependencies=ISSUERS_ONLY,
)
async def issue_intervention(
    item_id: str, data: InterventionIn, session: SessionDep, actor: CurrentUser, response: Response
):
    intervention = await service.issue_intervention(
        session=session, item_id=item_id, data=data, actor=actor
    )
    response.headers["Location"] = f"{router.prefix}/interventions/{intervention.id}"
    return intervention


@router.get("/items/{item_id}/interventions", response_model=list[InterventionRead])
async def list_item_interventions(
    item_id: str,
    session: SessionDep,
    actor: CurrentUser,
    status: InterventionStatus | None = None,
    open_only: OpenOnly = False,
):
    return await service.list_for_item(
        session=session, item_id=item_id, actor=actor, status=status, open_only=open_only
    )


@router.get("/interventions", response_model=Page[InterventionRead])
async def list_interventions(
    session: SessionDep,
    actor: CurrentUser,
    page: PageQuery,
    status: InterventionStatus | None = None,
    open_only: OpenOnly = False,
    department: Annotated[str | None, Query(max_length=100)] = None,
):
    items, total = await service.list_interventions(
        session=session,
        actor=actor,
        page=page,
        status=status,
        open_only=open_only,
        department=department,
    )
    return {"items": items, "total": total}


@router.get("/interventions/{intervention_id}", response_model=InterventionRead)
async def get_intervention(intervention_id: str, session: SessionDep, actor: CurrentUser):
    return await service.followed_intervention(
        session=session, intervention_id=intervention_id, actor=actor
    )


@router.post("/interventions/{intervention_id}/acknowledge", response_model=InterventionRead)
async def acknowledge_intervention(intervention_id: str, session: SessionDep, actor: CurrentUser):
    return await service.acknowledge_intervention(
        session=session, intervention_id=intervention_id, actor=actor
    )


@router.post("/interventions/{intervention_id}/answer", response_model=InterventionRead)
async def answer_intervention(
    intervention_id: str, data: AnswerIn, session: SessionDep, actor: CurrentUser
):
    return await service.answer_intervention(
        session=session, intervention_id=intervention_id, data=data, actor=actor
    )


@router.post(
    "/interventions/{intervention_id}/close",
    response_model=InterventionRead,
    dependencies=CLOSERS_ONLY,
)
async def close_intervention(
    intervention_id: str, session: SessionDep, actor: CurrentUser, data: CloseIn | None = None
):
    return await service.close_intervention(
        session=session, intervention_id=intervention_id, data=data or CloseIn(), actor=actor
    )
