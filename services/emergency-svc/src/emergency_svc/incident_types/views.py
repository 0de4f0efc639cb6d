from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from emergency_svc.incident_types import policy, service
from emergency_svc.incident_types.models import IncidentTypeCreate, IncidentTypeRead
from guanjia_shared.auth import Principal, current_user, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery

router = APIRouter(
    prefix="/api/v1/emergency/incident-types",
    tags=["incident types"],
    dependencies=[Depends(current_user)],
)
# Who may add one: incident_types/policy.py (the service checks it).
Keeper = Annotated[Principal, Depends(require_roles(*policy.KEEPERS))]


@router.get("", response_model=Page[IncidentTypeRead])
async def list_incident_types(session: SessionDep, page: PageQuery):
    items, total = await service.list_incident_types(session=session, page=page)
    return {"items": items, "total": total}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=IncidentTypeRead)
async def create_incident_type(data: IncidentTypeCreate, session: SessionDep, actor: Keeper):
    return await service.create_incident_type(session=session, data=data, actor=actor)
