"""Staffing as it stood: a unit's latest record, now or as recorded before a moment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from asset_svc.staffing.models import StaffingHeadcount, StaffingRecord


async def headcounts_by_unit(
    session: AsyncSession,
    *,
    unit_ids: list[str] | None = None,
    recorded_before: datetime | None = None,
) -> dict[str, dict[str, int]]:
    """Headcount by rank of every unit (or of `unit_ids`) in its latest staffing record,
    of those recorded before `recorded_before` when given (one query)."""
    ranked = select(
        StaffingRecord.id,
        StaffingRecord.unit_id,
        func.row_number()
        .over(partition_by=StaffingRecord.unit_id, order_by=StaffingRecord.id.desc())
        .label("latest"),
    )
    if unit_ids is not None:
        ranked = ranked.where(StaffingRecord.unit_id.in_(unit_ids))
    if recorded_before is not None:
        ranked = ranked.where(StaffingRecord.recorded_at < recorded_before)
    records = ranked.subquery()
    query = (
        select(records.c.unit_id, StaffingHeadcount.rank, StaffingHeadcount.headcount)
        .join(StaffingHeadcount, StaffingHeadcount.record_id == records.c.id)
        .where(records.c.latest == 1)
    )
    staffing: dict[str, dict[str, int]] = {}
    for unit_id, rank, headcount in await session.execute(query):
        staffing.setdefault(unit_id, {})[rank] = headcount
    return staffing


async def latest_record(session: AsyncSession, unit_id: str) -> StaffingRecord | None:
    query = (
        select(StaffingRecord)
        .where(StaffingRecord.unit_id == unit_id)
        .order_by(StaffingRecord.id.desc())
        .limit(1)
    )
    return await session.scalar(query)
