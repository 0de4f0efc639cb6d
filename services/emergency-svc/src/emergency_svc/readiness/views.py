from __future__ import annotations

from fastapi import APIRouter, Depends

from emergency_svc.readiness.models import ReadinessReport
from emergency_svc.readiness.policy import READERS
from emergency_svc.readiness.service import readiness_report
from guanjia_shared.auth import require_roles
from guanjia_shared.deps import SessionDep

router = APIRouter(
    prefix="/api/v1/emergency/reports",
    tags=["readiness"],
    dependencies=[Depends(require_roles(*READERS))],
)


@router.get("/readiness", response_model=ReadinessReport)
async def get_readiness(session: SessionDep):
    return await readiness_report(session)
