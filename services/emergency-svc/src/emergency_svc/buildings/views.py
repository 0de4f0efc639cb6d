from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from emergency_svc.buildings import policy, service
from emergency_svc.buildings.models import BuildingRead, UnconfirmedBuildingRead
from guanjia_shared.auth import require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery

# Who reads the replica: buildings/policy.py.
router = APIRouter(
    prefix="/api/v1/emergency/buildings",
    tags=["buildings (replica)"],
    dependencies=[Depends(require_roles(*policy.READERS))],
)


@router.get("", response_model=Page[BuildingRead])
async def list_buildings(
    session: SessionDep,
    page: PageQuery,
    owner_unit_id: Annotated[str | None, Query(max_length=36)] = None,
):
    items, total = await service.list_buildings(
        session=session, page=page, owner_unit_id=owner_unit_id
    )
    return {"items": items, "total": total}


@router.get("/unconfirmed", response_model=Page[UnconfirmedBuildingRead])
async def list_unconfirmed_buildings(session: SessionDep, page: PageQuery):
    """Building ids named here (by incidents, supply locations) that asset-svc's events have
    not (yet) brought: lag for seconds, a wrong id when it stays."""
    items, total = await service.list_unconfirmed_buildings(session=session, page=page)
    return {"items": items, "total": total}


@router.get("/{building_id}", response_model=BuildingRead)
async def get_building(building_id: str, session: SessionDep):
    return await service.get_building(session=session, building_id=building_id)
