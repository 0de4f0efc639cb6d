from __future__ import annotations

from fastapi import APIRouter

from asset_svc.disclosure import service
from asset_svc.disclosure.models import UnitSummary
from guanjia_shared.deps import SessionDep

# Disclosure (信息公开): for anyone, without a token.
public_router = APIRouter(prefix="/public/v1/asset", tags=["public"])


@public_router.get("/units/{unit_id}/summary", response_model=UnitSummary)
async def unit_summary(unit_id: str, session: SessionDep):
    return await service.unit_summary(session=session, unit_id=unit_id)
