"""The rules of stocktakes: findings only while open, and a report, fixed at closing, that
sorts every room into match, discrepancy, surplus (盘盈) or shortfall (盘亏). Who may do
and read what is stocktakes.policy's."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from asset_svc import events
from asset_svc.register.models import Building, Room, RoomKind
from asset_svc.stocktakes import policy
from asset_svc.stocktakes.models import (
    Finding,
    FindingCreate,
    FindingRead,
    Outcome,
    ReportLine,
    ReportLineRead,
    Stocktake,
    StocktakeCreate,
    StocktakeRead,
    StocktakeReport,
    StocktakeStatus,
)
from asset_svc.units.models import Unit
from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound, invalid_field
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page
from guanjia_shared.spreadsheets import workbook_bytes

# Areas are measured to the hundredth of a m²; closer than that is the same area.
AREA_TOLERANCE = 0.01


async def _reads(session: AsyncSession, stocktakes: list[Stocktake]) -> list[StocktakeRead]:
    counts = dict(
        (
            await session.execute(
                select(Finding.stocktake_id, func.count())
                .where(Finding.stocktake_id.in_([stocktake.id for stocktake in stocktakes]))
                .group_by(Finding.stocktake_id)
            )
        ).all()
    )
    return [
        StocktakeRead.model_validate(stocktake).model_copy(
            update={"finding_count": counts.get(stocktake.id, 0)}
        )
        for stocktake in stocktakes
    ]


async def _read(session: AsyncSession, stocktake: Stocktake) -> StocktakeRead:
    return (await _reads(session, [stocktake]))[0]


async def open_stocktake(
    *, session: AsyncSession, data: StocktakeCreate, actor: Principal
) -> StocktakeRead:
    ensure_role(actor, policy.WRITERS)
    if data.unit_id is not None and await session.get(Unit, data.unit_id) is None:
        raise invalid_field(f"unknown unit {data.unit_id}", "#/unit_id")
    if data.building_id is not None and await session.get(Building, data.building_id) is None:
        raise invalid_field(f"unknown building {data.building_id}", "#/building_id")
    stocktake = Stocktake(
        title=data.title,
        unit_id=data.unit_id,
        building_id=data.building_id,
        status=StocktakeStatus.open.value,
        opened_by=actor.id,
    )
    session.add(stocktake)
    await session.flush()
    read = await _read(session, stocktake)
    await _record_stocktake_event(session, events.STOCKTAKE_OPENED, read, actor)
    await session.commit()
    return read


async def get_stocktake(
    *, session: AsyncSession, stocktake_id: str, viewer: Principal
) -> StocktakeRead:
    return await _read(session, await _visible_stocktake(session, stocktake_id, viewer))


async def _visible_stocktake(
    session: AsyncSession, stocktake_id: str, viewer: Principal
) -> Stocktake:
    ensure_role(viewer, policy.READERS)
    stocktake = await session.scalar(
        policy.stocktakes_visible_to(viewer).where(Stocktake.id == stocktake_id)
    )
    if stocktake is None:
        raise NotFound(f"no stocktake {stocktake_id}")
    return stocktake


async def list_stocktakes(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    status: StocktakeStatus | None = None,
) -> tuple[list[StocktakeRead], int]:
    ensure_role(viewer, policy.READERS)
    query = policy.stocktakes_visible_to(viewer).order_by(Stocktake.opened_at.desc(), Stocktake.id)
    if status is not None:
        query = query.where(Stocktake.status == status.value)
    stocktakes, total = await fetch_page(session, query, page)
    return await _reads(session, stocktakes), total


async def list_findings(
    *, session: AsyncSession, stocktake_id: str, viewer: Principal
) -> list[FindingRead]:
    """The rooms recorded so far, by building and number: what is left to count."""
    ensure_role(viewer, policy.FINDING_READERS)
    stocktake = await _visible_stocktake(session, stocktake_id, viewer)
    findings = await session.execute(
        select(Finding)
        .where(Finding.stocktake_id == stocktake.id)
        .order_by(Finding.building_id, Finding.room_number)
    )
    return [FindingRead.model_validate(finding) for finding in findings.scalars()]


async def _open_for_writing(session: AsyncSession, stocktake_id: str) -> Stocktake:
    # Locked, so findings cannot slip in while the stocktake is being closed.
    stocktake = await session.get(Stocktake, stocktake_id, with_for_update=True)
    if stocktake is None:
        raise NotFound(f"no stocktake {stocktake_id}")
    if stocktake.status != StocktakeStatus.open:
        raise Conflict(
            "the stocktake is closed: its report is final", rule="closed-stocktake-is-final"
        )
    return stocktake


async def record_findings(
    *,
    session: AsyncSession,
    stocktake_id: str,
    findings: list[FindingCreate],
    actor: Principal,
) -> StocktakeRead:
    ensure_role(actor, policy.WRITERS)
    stocktake = await _open_for_writing(session, stocktake_id)
    await _check_findings(session, stocktake, findings)
    keys = {(finding.building_id, finding.room_number) for finding in findings}
    recorded = {
        (finding.building_id, finding.room_number): finding
        for finding in (
            await session.execute(select(Finding).where(Finding.stocktake_id == stocktake.id))
        ).scalars()
        if (finding.building_id, finding.room_number) in keys
    }
    for data in findings:
        finding = recorded.get((data.building_id, data.room_number)) or Finding(
            stocktake_id=stocktake.id, building_id=data.building_id, room_number=data.room_number
        )
        finding.found_area = data.found_area
        finding.found_kind = data.found_kind.value
        finding.found_occupant_unit_id = data.found_occupant_unit_id
        finding.note = data.note
        finding.recorded_by = actor.id
        finding.recorded_at = now()
        session.add(finding)
    await session.flush()
    read = await _read(session, stocktake)
    await session.commit()
    return read


async def _check_findings(
    session: AsyncSession, stocktake: Stocktake, findings: list[FindingCreate]
) -> None:
    building_ids = {finding.building_id for finding in findings}
    known_buildings = set(
        (await session.execute(select(Building.id).where(Building.id.in_(building_ids)))).scalars()
    )
    unit_ids = {finding.found_occupant_unit_id for finding in findings} - {None}
    known_units = set(
        (await session.execute(select(Unit.id).where(Unit.id.in_(unit_ids)))).scalars()
    )
    seen = set()
    for index, finding in enumerate(findings):
        if finding.building_id not in known_buildings:
            raise invalid_field(f"unknown building {finding.building_id}", f"#/{index}/building_id")
        if stocktake.building_id is not None and finding.building_id != stocktake.building_id:
            raise invalid_field("the stocktake covers another building", f"#/{index}/building_id")
        if finding.found_occupant_unit_id not in known_units | {None}:
            raise invalid_field(
                f"unknown unit {finding.found_occupant_unit_id}",
                f"#/{index}/found_occupant_unit_id",
            )
        key = (finding.building_id, finding.room_number)
        if key in seen:
            raise invalid_field("a room is listed twice", f"#/{index}/room_number")
        seen.add(key)


async def close_stocktake(
    *, session: AsyncSession, stocktake_id: str, actor: Principal
) -> StocktakeReport:
    """Hold the findings against the books as they stand now, and keep the outcome."""
    ensure_role(actor, policy.WRITERS)
    stocktake = await _open_for_writing(session, stocktake_id)
    findings = list(
        (
            await session.execute(select(Finding).where(Finding.stocktake_id == stocktake.id))
        ).scalars()
    )
    on_books = select(Room).where(Room.disposed.is_(False))
    in_scope = (
        on_books.where(Room.occupant_unit_id == stocktake.unit_id)
        if stocktake.unit_id is not None
        else on_books.where(Room.building_id == stocktake.building_id)
    )
    # A room found is compared with the register wherever it stands there, so a room used
    # by the wrong unit is a discrepancy of occupant, not a surplus.
    registered = {
        (room.building_id, room.number): room
        for room in (
            await session.execute(
                on_books.where(Room.building_id.in_({f.building_id for f in findings}))
            )
        ).scalars()
    }
    found_room_ids = set()
    for finding in findings:
        room = registered.get((finding.building_id, finding.room_number))
        if room is not None:
            found_room_ids.add(room.id)
        session.add(_compare(stocktake, finding, room))
    for room in (await session.execute(in_scope)).scalars():
        if room.id not in found_room_ids:
            session.add(_shortfall(stocktake, room))
    stocktake.status = StocktakeStatus.closed.value
    stocktake.closed_by = actor.id
    stocktake.closed_at = now()
    session.add(stocktake)
    await session.flush()
    report = await _report(session, stocktake, actor)
    await _record_stocktake_event(
        session,
        events.STOCKTAKE_CLOSED,
        report.stocktake,
        actor,
        counts={
            "matches": len(report.matches),
            "discrepancies": len(report.discrepancies),
            "surpluses": len(report.surpluses),
            "shortfalls": len(report.shortfalls),
        },
    )
    await session.commit()
    return report


def _compare(stocktake: Stocktake, finding: Finding, room: Room | None) -> ReportLine:
    line = ReportLine(
        stocktake_id=stocktake.id,
        outcome=Outcome.surplus.value,
        building_id=finding.building_id,
        room_number=finding.room_number,
        found_area=finding.found_area,
        found_kind=finding.found_kind,
        found_occupant_unit_id=finding.found_occupant_unit_id,
        note=finding.note,
    )
    if room is None:
        return line
    differences = [
        name
        for name, differs in (
            ("area", abs(room.usable_area - finding.found_area) > AREA_TOLERANCE),
            ("kind", room.kind != finding.found_kind),
            ("occupant", room.occupant_unit_id != finding.found_occupant_unit_id),
        )
        if differs
    ]
    line.outcome = (Outcome.discrepancy if differences else Outcome.match).value
    line.differences = ",".join(differences)
    line.room_id = room.id
    line.book_area = room.usable_area
    line.book_kind = room.kind
    line.book_occupant_unit_id = room.occupant_unit_id
    return line


def _shortfall(stocktake: Stocktake, room: Room) -> ReportLine:
    return ReportLine(
        stocktake_id=stocktake.id,
        outcome=Outcome.shortfall.value,
        building_id=room.building_id,
        room_number=room.number,
        room_id=room.id,
        book_area=room.usable_area,
        book_kind=room.kind,
        book_occupant_unit_id=room.occupant_unit_id,
    )


async def _report(
    session: AsyncSession, stocktake: Stocktake, viewer: Principal
) -> StocktakeReport:
    lines = (
        await session.execute(
            policy.report_lines_visible_to(viewer)
            .where(ReportLine.stocktake_id == stocktake.id)
            .order_by(ReportLine.building_id, ReportLine.room_number)
        )
    ).scalars()
    sorted_lines: dict[str, list[ReportLineRead]] = {outcome: [] for outcome in Outcome}
    for line in lines:
        sorted_lines[line.outcome].append(
            ReportLineRead.model_validate(
                {**line.model_dump(), "differences": [d for d in line.differences.split(",") if d]}
            )
        )
    return StocktakeReport(
        stocktake=await _read(session, stocktake),
        matches=sorted_lines[Outcome.match],
        discrepancies=sorted_lines[Outcome.discrepancy],
        surpluses=sorted_lines[Outcome.surplus],
        shortfalls=sorted_lines[Outcome.shortfall],
    )


async def stocktake_report(
    *, session: AsyncSession, stocktake_id: str, viewer: Principal
) -> StocktakeReport:
    stocktake = await _visible_stocktake(session, stocktake_id, viewer)
    if stocktake.status != StocktakeStatus.closed:
        raise Conflict(
            "the report is made when the stocktake is closed", rule="report-after-closing"
        )
    return await _report(session, stocktake, viewer)


REPORT_COLUMNS = (
    "结果",
    "楼宇",
    "房间号",
    "账面面积(m²)",
    "实查面积(m²)",
    "账面用途",
    "实查用途",
    "账面使用单位",
    "实查使用单位",
    "差异",
    "备注",
)
DIFFERENCE_LABELS = {"area": "面积", "kind": "用途", "occupant": "使用单位"}


async def report_as_xlsx(*, session: AsyncSession, report: StocktakeReport) -> bytes:
    """The report as the sheet people read: names, not ids, and Chinese labels."""
    groups = (
        (Outcome.match, report.matches),
        (Outcome.discrepancy, report.discrepancies),
        (Outcome.surplus, report.surpluses),
        (Outcome.shortfall, report.shortfalls),
    )
    lines = [line for _, group in groups for line in group]
    buildings = dict(
        (
            await session.execute(
                select(Building.id, Building.name).where(
                    Building.id.in_({line.building_id for line in lines})
                )
            )
        ).all()
    )
    unit_ids = {
        unit_id
        for line in lines
        for unit_id in (line.book_occupant_unit_id, line.found_occupant_unit_id)
        if unit_id
    }
    units = dict(
        (await session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids)))).all()
    )

    def kind(value: RoomKind | None) -> str | None:
        return value.label if value else None

    return workbook_bytes(
        "清查报告",
        REPORT_COLUMNS,
        (
            [
                outcome.label,
                buildings.get(line.building_id, line.building_id),
                line.room_number,
                line.book_area,
                line.found_area,
                kind(line.book_kind),
                kind(line.found_kind),
                units.get(line.book_occupant_unit_id or ""),
                units.get(line.found_occupant_unit_id or ""),
                "、".join(DIFFERENCE_LABELS[d] for d in line.differences),
                line.note,
            ]
            for outcome, group in groups
            for line in group
        ),
        caption=f"{report.stocktake.title}（{report.stocktake.id}）",
    )


async def _record_stocktake_event(
    session: AsyncSession,
    event_type: str,
    stocktake: StocktakeRead,
    actor: Principal,
    **extra: object,
) -> None:
    data = {**stocktake.model_dump(mode="json"), **extra, "actor": actor.id}
    await record_event(session, event_type, subject=stocktake.id, data=data)
