"""The rules of space standards: a rank belongs to its level, a level and rank have one
version per effective date, and the version in force on a day is the latest that began by
then."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from asset_svc.standards import policy
from asset_svc.standards.models import (
    Rank,
    SpaceStandard,
    SpaceStandardCreate,
    SpaceStandardRead,
    find_rank,
    ranks_of,
)
from asset_svc.units.models import UnitLevel
from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.bureau_time import bureau_today
from guanjia_shared.errors import Conflict, InvalidInput
from guanjia_shared.pagination import PageParams


def check_rank(level: UnitLevel | str, rank: str, *, pointer: str) -> Rank:
    """The rank `rank` of `level`, or a 422 naming it and the ranks the level has."""
    known = find_rank(level, rank)
    if known is not None:
        return known
    allowed = ", ".join(other.code for other in ranks_of(level))
    detail = f"{rank!r} is not a rank of a {UnitLevel(level).value} unit (one of {allowed})"
    raise InvalidInput(detail, errors=[{"detail": detail, "pointer": pointer}])


def read_standard(row: SpaceStandard) -> SpaceStandardRead:
    rank = find_rank(row.level, row.rank)
    assert rank is not None, "stored standards name ranks of their level"
    return SpaceStandardRead(
        level=UnitLevel(row.level),
        rank=row.rank,
        label=row.label,
        label_en=rank.label_en,
        area_per_person=row.area_per_person,
        effective_from=row.effective_from,
    )


async def standards_in_force(
    *, session: AsyncSession, as_of: date, level: UnitLevel | None = None
) -> dict[tuple[str, str], SpaceStandard]:
    """The version in force on `as_of` of every (level, rank) that has one, in one query:
    the table holds a few dozen rows per version of the standard, so all are read."""
    query = (
        select(SpaceStandard)
        .where(SpaceStandard.effective_from <= as_of)
        .order_by(SpaceStandard.effective_from)
    )
    if level is not None:
        query = query.where(SpaceStandard.level == level.value)
    return {(row.level, row.rank): row for row in (await session.execute(query)).scalars()}


def _reading_order(row: SpaceStandard) -> tuple[int, int]:
    levels = list(UnitLevel)
    ranks = [rank.code for rank in ranks_of(row.level)]
    return levels.index(UnitLevel(row.level)), ranks.index(row.rank)


async def list_standards(
    *, session: AsyncSession, page: PageParams, level: UnitLevel | None, as_of: date | None
) -> tuple[list[SpaceStandardRead], int]:
    """The figures in force on `as_of` (today by default), level by level, head first."""
    in_force = await standards_in_force(session=session, as_of=as_of or bureau_today(), level=level)
    rows = sorted(in_force.values(), key=_reading_order)
    window = rows[page.offset : page.offset + page.limit]
    return [read_standard(row) for row in window], len(rows)


async def add_standard_version(
    *, session: AsyncSession, data: SpaceStandardCreate, actor: Principal
) -> SpaceStandardRead:
    ensure_role(actor, policy.WRITERS)
    rank = check_rank(data.level, data.rank, pointer="#/rank")
    key = (data.level.value, data.rank, data.effective_from)
    if await session.get(SpaceStandard, key) is not None:
        # A published figure is history that compliance answers rest on: never overwritten.
        raise Conflict(
            f"{data.level.value}/{data.rank} already has a version from {data.effective_from}",
            rule="one-standard-version-per-date",
        )
    row = SpaceStandard(
        level=data.level.value,
        rank=data.rank,
        effective_from=data.effective_from,
        label=data.label or rank.label,
        area_per_person=data.area_per_person,
        actor_id=actor.id,
    )
    session.add(row)
    await session.commit()
    return read_standard(row)
