from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from emergency_svc.plans.models import EmergencyPlan, PlanKind, PlanStatus
from guanjia_shared.pagination import PageParams, fetch_page


async def list_plans(
    *,
    session: AsyncSession,
    page: PageParams,
    kind: PlanKind | None = None,
    status: PlanStatus | None = None,
) -> tuple[list[EmergencyPlan], int]:
    query = select(EmergencyPlan).order_by(EmergencyPlan.code)
    if kind is not None:
        query = query.where(EmergencyPlan.kind == kind.value)
    if status is not None:
        query = query.where(EmergencyPlan.status == status.value)
    return await fetch_page(session, query, page)
