"""The rules of staffing: ranks are those of the unit's level, each named once; a
replacement is a new record, and may take the unit over its space standard."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from asset_svc.compliance.service import keep_space_figures
from asset_svc.staffing import policy
from asset_svc.staffing.models import (
    RankHeadcountRead,
    StaffingHeadcount,
    StaffingLine,
    StaffingRead,
    StaffingRecord,
)
from asset_svc.staffing.queries import headcounts_by_unit, latest_record
from asset_svc.standards.models import ranks_of
from asset_svc.standards.service import check_rank
from asset_svc.units.models import Unit, UnitLevel
from asset_svc.units.service import get_unit
from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.errors import InvalidInput


def _read(unit: Unit, record: StaffingRecord | None, headcounts: dict[str, int]) -> StaffingRead:
    items = [
        RankHeadcountRead(
            rank=rank.code,
            label=rank.label,
            label_en=rank.label_en,
            headcount=headcounts.get(rank.code, 0),
        )
        for rank in ranks_of(unit.level)
    ]
    return StaffingRead(
        unit_id=unit.id,
        level=UnitLevel(unit.level),
        items=items,
        total_headcount=sum(item.headcount for item in items),
        recorded_at=record.recorded_at if record is not None else None,
    )


async def get_staffing(*, session: AsyncSession, unit_id: str, viewer: Principal) -> StaffingRead:
    unit = await get_unit(session=session, unit_id=unit_id, viewer=viewer)
    record = await latest_record(session, unit_id)
    headcounts = await headcounts_by_unit(session, unit_ids=[unit_id])
    return _read(unit, record, headcounts.get(unit_id, {}))


def _check_lines(level: str, lines: list[StaffingLine]) -> None:
    named: set[str] = set()
    for index, line in enumerate(lines):
        check_rank(level, line.rank, pointer=f"#/{index}/rank")
        if line.rank in named:
            detail = f"rank {line.rank!r} is given twice"
            raise InvalidInput(detail, errors=[{"detail": detail, "pointer": f"#/{index}/rank"}])
        named.add(line.rank)


async def replace_staffing(
    *, session: AsyncSession, unit_id: str, lines: list[StaffingLine], actor: Principal
) -> StaffingRead:
    """Record `lines` as the unit's whole staffing (ranks left out have none)."""
    ensure_role(actor, policy.WRITERS)
    unit = await get_unit(session=session, unit_id=unit_id)
    _check_lines(unit.level, lines)
    record = StaffingRecord(unit_id=unit.id, actor_id=actor.id)
    session.add(record)
    await session.flush()
    session.add_all(
        StaffingHeadcount(record_id=record.id, rank=line.rank, headcount=line.headcount)
        for line in lines
    )
    await session.flush()
    # Fewer people means a smaller standard, which can leave the unit's rooms over it.
    await keep_space_figures(session=session, unit_ids=[unit.id])
    await session.commit()
    return _read(unit, record, {line.rank: line.headcount for line in lines})
