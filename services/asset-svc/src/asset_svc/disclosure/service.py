from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from asset_svc.compliance.service import compute_compliance
from asset_svc.disclosure.models import UnitSummary
from asset_svc.units.service import get_unit


async def unit_summary(*, session: AsyncSession, unit_id: str) -> UnitSummary:
    await get_unit(session=session, unit_id=unit_id)
    [compliance] = await compute_compliance(session=session, unit_ids=[unit_id])
    return UnitSummary.model_validate(compliance.model_dump(include=set(UnitSummary.model_fields)))
