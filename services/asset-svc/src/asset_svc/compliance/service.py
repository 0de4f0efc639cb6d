"""The rules of space compliance: standard area = Σ headcount(rank) × area per person(rank),
in the standard's version in force on the day and the staffing of that day; actual area =
the usable area of the unit's office rooms that day. Over when actual exceeds standard."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from operator import attrgetter
from typing import NamedTuple, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from asset_svc import events
from asset_svc.changes.queries import area_by_unit_and_kind, day_to_replay, rooms_of_unit
from asset_svc.compliance import policy
from asset_svc.compliance.export import compliance_workbook
from asset_svc.compliance.models import (
    AreaByClass,
    ComplianceReport,
    ComplianceSort,
    ComplianceStatus,
    LevelCount,
    RankCompliance,
    UnitCompliance,
    UnitSpaceStatus,
)
from asset_svc.register.models import OFFICE_SPACE_KINDS, Room, RoomKind
from asset_svc.staffing.queries import headcounts_by_unit
from asset_svc.standards.models import SpaceStandard, ranks_of
from asset_svc.standards.service import standards_in_force
from asset_svc.units.models import Unit, UnitLevel
from asset_svc.units.service import get_unit
from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.bureau_time import BUREAU_TIMEZONE, bureau_today
from guanjia_shared.clock import now
from guanjia_shared.db import dialect_insert
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams


def assess_unit(
    unit: Unit,
    *,
    as_of: date,
    standards: dict[tuple[str, str], SpaceStandard],
    headcounts: dict[str, int],
    area_by_kind: dict[str, float],
) -> UnitCompliance:
    lines = []
    for rank in ranks_of(unit.level):
        version = standards.get((unit.level, rank.code))
        per_person = version.area_per_person if version is not None else None
        lines.append(
            RankCompliance(
                rank=rank.code,
                label=rank.label,
                headcount=headcounts.get(rank.code, 0),
                area_per_person=per_person,
            )
        )
    areas = AreaByClass(**{kind: round(area_by_kind.get(kind, 0.0), 2) for kind in _CLASSES})
    standard_area = _standard_area(_rates_of(unit.level, standards), headcounts)
    difference = round(areas.office - standard_area, 2)
    return UnitCompliance(
        unit_id=unit.id,
        unit_name=unit.name,
        level=UnitLevel(unit.level),
        as_of=as_of,
        headcount_by_rank=lines,
        total_headcount=sum(line.headcount for line in lines),
        standard_area=standard_area,
        actual_area=areas.office,
        difference=difference,
        status=ComplianceStatus.over if difference > 0 else ComplianceStatus.within,
        excess=max(difference, 0.0),
        area_by_class=areas,
        office_space_area=round(sum(areas.model_dump().values()), 2),
    )


# The classes of office space, as plain strings: read for every unit of the report.
_CLASSES = tuple(kind.value for kind in OFFICE_SPACE_KINDS)


def _rates_of(
    level: str, standards: dict[tuple[str, str], SpaceStandard]
) -> list[tuple[str, float]]:
    """The level's ranks with their area per person in the versions in force, in order."""
    return [
        (rank.code, version.area_per_person)
        for rank in ranks_of(level)
        if (version := standards.get((level, rank.code))) is not None
    ]


def _standard_area(rates: list[tuple[str, float]], headcounts: dict[str, int]) -> float:
    """Σ headcount(rank) × area per person(rank), in m²: one sum, in one order, for a unit's
    answer and for its place in the report alike."""
    area = 0.0
    for rank, per_person in rates:
        area += headcounts.get(rank, 0) * per_person
    return round(area, 2)


def _area_by_kind(rooms: Iterable[Room]) -> dict[str, float]:
    areas: dict[str, float] = {}
    for room in rooms:
        areas[room.kind] = areas.get(room.kind, 0.0) + room.usable_area
    return areas


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=BUREAU_TIMEZONE)


class _UnitHeading(Protocol):
    """What the report's order and counts need of a unit (a `Unit`, or those columns)."""

    id: str
    code: str
    name: str
    level: str


@dataclass(frozen=True)
class _Inputs:
    """What the compliance of units is worked out from, read in four queries (or two,
    from the figures kept per unit: the standards, and each unit beside its figures)."""

    day: date
    units: Sequence[_UnitHeading]
    standards: dict[tuple[str, str], SpaceStandard]
    headcounts: dict[str, dict[str, int]]
    areas: dict[str, dict[str, float]]

    def assess(self, unit: Unit) -> UnitCompliance:
        """`unit`'s whole answer (read it whole: `units` may hold headings only)."""
        return assess_unit(
            unit,
            as_of=self.day,
            standards=self.standards,
            headcounts=self.headcounts.get(unit.id, {}),
            area_by_kind=self.areas.get(unit.id, {}),
        )

    @cached_property
    def _rates(self) -> dict[str, list[tuple[str, float]]]:
        """Each level's rates, looked up once rather than once per unit."""
        return {level.value: _rates_of(level.value, self.standards) for level in UnitLevel}

    def chosen(
        self,
        status: ComplianceStatus | None,
        level: UnitLevel | None,
        sort: ComplianceSort,
    ) -> list[tuple[_UnitHeading, ComplianceStatus]]:
        """The report's units (of `status`, of `level`) in its order, each with its status:
        each unit's figures worked out once, as `assess` works them out (the same sums,
        the same rounding), without the whole answer; only the units kept are sorted. Ten
        thousand units go through the loop: it looks everything up once, outside it."""
        rates, headcounts, areas = self._rates, self.headcounts, self.areas
        office_kind, over, within = (
            RoomKind.office.value,
            ComplianceStatus.over,
            ComplianceStatus.within,
        )
        judged = []
        for unit in self.units:
            if level is not None and unit.level != level.value:
                continue
            standard = _standard_area(rates[unit.level], headcounts.get(unit.id, _NONE))
            office = round(areas.get(unit.id, _NONE).get(office_kind, 0.0), 2)
            difference = round(office - standard, 2)
            found = over if difference > 0 else within
            if status is None or found is status:
                judged.append(_Judged(unit, found, standard, office, difference))
        field = sort.value.removeprefix("-")
        if field != ComplianceSort.code:
            # Python's sort is stable in either direction: equal figures keep the code order.
            key = attrgetter("unit.name" if field == ComplianceSort.name else field)
            judged.sort(key=key, reverse=sort.value.startswith("-"))
        return [(row.unit, row.status) for row in judged]


# A unit with no staffing or no office room: nothing to look up (read, never written).
_NONE: dict = {}


class _Judged(NamedTuple):
    """A unit with its status and the figures its place in the report's order comes from."""

    unit: _UnitHeading
    status: ComplianceStatus
    standard_area: float
    actual_area: float
    difference: float


async def _inputs(
    session: AsyncSession,
    as_of: date | None,
    unit_ids: list[str] | None,
    *,
    office_only: bool = False,
) -> _Inputs:
    """All units take four queries (units, standards, staffing, areas), whatever their
    number; a `unit_ids` list, a change's few units, reads each one's rooms on its own.
    `office_only`: of the areas, only the office rooms' (what a status is judged on)."""
    day = as_of or bureau_today()
    query = select(Unit).order_by(Unit.code)
    if unit_ids is not None:
        query = query.where(Unit.id.in_(unit_ids))
    units = list((await session.execute(query)).scalars())
    standards = await standards_in_force(session=session, as_of=day)
    headcounts = await headcounts_by_unit(
        session, unit_ids=unit_ids, recorded_before=_end_of_day(as_of) if as_of else None
    )
    if unit_ids is None:
        office = RoomKind.office.value if office_only else None
        areas = await area_by_unit_and_kind(session, as_of, kind=office)
    else:
        areas = {
            unit.id: _area_by_kind(await rooms_of_unit(session, unit.id, as_of)) for unit in units
        }
    return _Inputs(day, units, standards, headcounts, areas)


async def _kept_inputs(session: AsyncSession) -> _Inputs:
    """Today's inputs of every unit from the figures kept for it (`UnitSpaceStatus`): the
    standards in force, and each unit's heading beside its figures in one query."""
    day = bureau_today()
    standards = await standards_in_force(session=session, as_of=day)
    query = (
        select(
            Unit.id,
            Unit.code,
            Unit.name,
            Unit.level,
            UnitSpaceStatus.office_area,
            UnitSpaceStatus.headcounts,
        )
        .outerjoin(UnitSpaceStatus, UnitSpaceStatus.unit_id == Unit.id)
        .order_by(Unit.code)
    )
    units: list[_UnitHeading] = []
    headcounts: dict[str, dict[str, int]] = {}
    areas: dict[str, dict[str, float]] = {}
    office_kind = RoomKind.office.value
    for unit in await session.execute(query):
        units.append(unit)
        if unit.office_area is not None:
            headcounts[unit.id] = unit.headcounts
            areas[unit.id] = {office_kind: unit.office_area}
    return _Inputs(day, units, standards, headcounts, areas)


async def compute_compliance(
    *, session: AsyncSession, as_of: date | None = None, unit_ids: list[str] | None = None
) -> list[UnitCompliance]:
    """Compliance of every unit (or of `unit_ids`), as things stand or on `as_of`."""
    inputs = await _inputs(session, as_of, unit_ids)
    return [inputs.assess(unit) for unit in inputs.units]


async def unit_compliance(
    *, session: AsyncSession, unit_id: str, viewer: Principal, as_of: date | None
) -> UnitCompliance:
    await get_unit(session=session, unit_id=unit_id, viewer=viewer)
    [answer] = await compute_compliance(session=session, as_of=as_of, unit_ids=[unit_id])
    return answer


async def space_compliance_report(
    *,
    session: AsyncSession,
    viewer: Principal,
    as_of: date | None,
    status: ComplianceStatus | None,
    page: PageParams,
    level: UnitLevel | None = None,
    sort: ComplianceSort = ComplianceSort.code,
) -> ComplianceReport:
    """Every unit's status counts (or those of `level`); only the page's units are worked
    out in full, each as its own answer is (the whole answer of ten thousand units cost more
    than its queries). As things stand today, the statuses come from the figures kept per
    unit, a row each instead of a million rooms summed (docs/benchmarks.md, "Cockpit"); on
    an earlier day, from the office rooms held that day."""
    ensure_role(viewer, policy.REPORT_READERS)
    if day_to_replay(as_of) is None:
        inputs = await _kept_inputs(session)
    else:
        inputs = await _inputs(session, as_of, None, office_only=True)
    chosen = inputs.chosen(status, level, sort)
    shown = [unit.id for unit, _ in chosen[page.offset : page.offset + page.limit]]
    answers = {
        answer.unit_id: answer
        for answer in await compute_compliance(session=session, as_of=as_of, unit_ids=shown)
    }
    return ComplianceReport(
        items=[answers[unit_id] for unit_id in shown],
        total=len(chosen),
        as_of=inputs.day,
        units_over=sum(found is ComplianceStatus.over for _, found in chosen),
        by_level=_count_by_level(chosen),
    )


def _count_by_level(chosen: list[tuple[_UnitHeading, ComplianceStatus]]) -> list[LevelCount]:
    """The units and those over standard per level, from the highest level down."""
    units = Counter(unit.level for unit, _ in chosen)
    over = Counter(unit.level for unit, found in chosen if found is ComplianceStatus.over)
    return [
        LevelCount(level=level, units=units[level.value], units_over=over[level.value])
        for level in UnitLevel
        if units[level.value]
    ]


async def space_compliance_spreadsheet(
    *,
    session: AsyncSession,
    viewer: Principal,
    as_of: date | None,
    status: ComplianceStatus | None,
    level: UnitLevel | None = None,
    sort: ComplianceSort = ComplianceSort.code,
) -> tuple[str, bytes]:
    """The whole report as an .xlsx file, the same rows in the same order: its file name
    and content."""
    ensure_role(viewer, policy.REPORT_READERS)
    inputs = await _inputs(session, as_of, None)
    rows = [inputs.assess(unit) for unit, _ in inputs.chosen(status, level, sort)]
    return f"space-compliance-{inputs.day.isoformat()}.xlsx", compliance_workbook(
        rows, as_of=inputs.day
    )


async def _lock_statuses(session: AsyncSession, unit_ids: list[str]) -> dict[str, UnitSpaceStatus]:
    """The units' kept rows, locked for this transaction on PostgreSQL; a unit never checked
    before starts as within, with no figures."""
    await session.execute(
        dialect_insert(session, UnitSpaceStatus)
        .values(
            [
                {
                    "unit_id": unit_id,
                    "status": ComplianceStatus.within.value,
                    "checked_at": now(),
                    "office_area": 0.0,
                    "headcounts": {},
                }
                for unit_id in unit_ids
            ]
        )
        .on_conflict_do_nothing()
    )
    query = (
        select(UnitSpaceStatus)
        .where(UnitSpaceStatus.unit_id.in_(unit_ids))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.unit_id: row for row in (await session.execute(query)).scalars()}


async def keep_space_figures(*, session: AsyncSession, unit_ids: Iterable[str]) -> None:
    """Keep the figures of `unit_ids`, whose office rooms or staffing the caller's change
    has just moved, and record `asset.unit.over_standard` for each it takes from within to
    over its standard.

    Runs inside the caller's transaction, after its change is flushed; the caller commits.
    The rows are locked before the figures are read: of two changes to a unit at once, the
    second waits for the first to commit, then reads (on PostgreSQL each statement sees
    what was committed before it began) and keeps figures holding both."""
    chosen = sorted(set(unit_ids))
    if not chosen:
        return
    kept = await _lock_statuses(session, chosen)
    inputs = await _inputs(session, None, chosen)
    for unit in inputs.units:
        found = inputs.assess(unit)
        known = kept[unit.id]
        if found.status is ComplianceStatus.over and known.status != ComplianceStatus.over:
            await record_event(
                session,
                events.UNIT_OVER_STANDARD,
                subject=found.unit_id,
                data={
                    "unit_id": found.unit_id,
                    "standard_area": found.standard_area,
                    "actual_area": found.actual_area,
                    "excess": found.excess,
                    "as_of": found.as_of.isoformat(),
                },
            )
        known.status = found.status.value
        known.checked_at = now()
        known.office_area = found.actual_area
        known.headcounts = inputs.headcounts.get(unit.id, {})
    await session.flush()
