from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from guanjia_shared.auth import CurrentUser, Principal, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from ledger_svc.config import ServiceSettings
from ledger_svc.objectives import policy, service
from ledger_svc.objectives.models import ObjectiveCreate, ObjectiveDetail, ObjectiveRead

# Who may do what: objectives/policy.py (the service checks it; the routes name the roles
# that may call them at all).
router = APIRouter(
    prefix="/api/v1/ledger/quality/objectives",
    tags=["quality"],
    dependencies=[Depends(require_roles(*policy.READERS))],
)
Setter = Annotated[Principal, Depends(require_roles(*policy.SETTERS))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ObjectiveRead)
async def set_objective(
    data: ObjectiveCreate,
    session: SessionDep,
    actor: Setter,
    settings: ServiceSettings,
    response: Response,
):
    objective = await service.set_objective(
        session=session, actor=actor, quality_office=settings.quality_office, data=data
    )
    response.headers["Location"] = f"{router.prefix}/{objective.id}"
    return objective


@router.get("", response_model=Page[ObjectiveRead])
async def list_objectives(
    session: SessionDep,
    actor: CurrentUser,
    settings: ServiceSettings,
    page: PageQuery,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
):
    """Newest year first, then by title; each with its value for the year so far."""
    items, total = await service.list_objectives(
        session=session, actor=actor, quality_office=settings.quality_office, year=year, page=page
    )
    return Page(items=items, total=total)


@router.get("/{objective_id}", response_model=ObjectiveDetail)
async def read_objective(
    objective_id: str, session: SessionDep, actor: CurrentUser, settings: ServiceSettings
):
    """The value month by month (the trend), the year so far, and whether it is met."""
    return await service.read_objective(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        objective_id=objective_id,
    )
