"""Importing the inventory workbook: every row is checked first, and either all rows are
written in one transaction or none is, with the errors listed row by row."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from asset_svc.imports.models import (
    BUILDING_COLUMNS,
    BUILDINGS_SHEET,
    ROOM_COLUMNS,
    ROOMS_SHEET,
    Column,
    ImportResult,
    RowError,
)
from asset_svc.register.models import Building, BuildingRead, BuildingUse, Room, RoomKind, new_id
from asset_svc.units.models import Unit
from guanjia_shared.clock import now
from guanjia_shared.errors import InvalidInput
from guanjia_shared.outbox import record_event

MAX_ERRORS_LISTED = 1000
# Rows written per statement: large enough to be fast, small enough for every driver.
INSERT_BATCH = 2000


def template_workbook() -> bytes:
    """The empty workbook to fill in, with one example row per sheet."""
    workbook = Workbook()
    buildings = workbook.active
    buildings.title = BUILDINGS_SHEET
    buildings.append([column.label for column in BUILDING_COLUMNS])
    buildings.append(
        ["B1", "市政府一号楼", "中原路233号", "410100-01", "", 12000, 9000, 1998, "office"]
    )
    rooms = workbook.create_sheet(ROOMS_SHEET)
    rooms.append([column.label for column in ROOM_COLUMNS])
    rooms.append(["B1", 3, "301", 18.5, "office"])
    uses = workbook.create_sheet("说明 notes")
    uses.append(["用途 use", ", ".join(use.value for use in BuildingUse)])
    uses.append(["类别 kind", ", ".join(f"{kind.value}（{kind.label}）" for kind in RoomKind)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class _Errors:
    def __init__(self) -> None:
        self.items: list[RowError] = []
        self.count = 0

    def add(self, sheet: str, row: int, column: str | None, detail: str) -> None:
        self.count += 1
        if len(self.items) < MAX_ERRORS_LISTED:
            self.items.append(RowError(sheet=sheet, row=row, column=column, detail=detail))


def _rows(
    workbook: Any, sheet: str, columns: tuple[Column, ...], errors: _Errors
) -> Iterator[tuple[int, dict[str, Any]]]:
    if sheet not in workbook.sheetnames:
        errors.add(sheet, 1, None, "the sheet is missing (download the template)")
        return
    rows = workbook[sheet].iter_rows(values_only=True)
    header = next(rows, None) or ()
    if tuple(str(cell or "").strip() for cell in header[: len(columns)]) != tuple(
        column.label for column in columns
    ):
        errors.add(sheet, 1, None, "the header row is not the template's")
        return
    for number, values in enumerate(rows, start=2):
        if values is None or all(value in (None, "") for value in values):
            continue
        row = {}
        for column, value in zip(columns, values, strict=False):
            row[column.key] = value.strip() if isinstance(value, str) else value
        for column in columns:
            if column.required and row.get(column.key) in (None, ""):
                errors.add(sheet, number, column.key, "required")
        yield number, row


def _number(
    value: Any, sheet: str, row: int, key: str, errors: _Errors, *, whole: bool = False
) -> Any:
    if value in (None, ""):
        return None
    try:
        number = int(value) if whole else float(value)
    except (TypeError, ValueError):
        errors.add(sheet, row, key, f"not a number: {value!r}")
        return None
    if whole and float(value) != number:
        errors.add(sheet, row, key, f"not a whole number: {value!r}")
    return number


def _choice(
    value: Any, choices: type, sheet: str, row: int, key: str, errors: _Errors
) -> str | None:
    try:
        return choices(value).value
    except ValueError:
        allowed = ", ".join(member.value for member in choices)
        errors.add(sheet, row, key, f"{value!r} is not one of {allowed}")
        return None


async def import_workbook(*, session: AsyncSession, content: bytes) -> ImportResult:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidInput(
            "the upload is not an .xlsx workbook", errors=[{"detail": str(exc), "pointer": "#"}]
        ) from exc
    errors = _Errors()
    unit_ids = dict((await session.execute(select(Unit.code, Unit.id))).all())

    buildings: list[dict[str, Any]] = []
    building_by_ref: dict[str, str] = {}
    for row_number, row in _rows(workbook, BUILDINGS_SHEET, BUILDING_COLUMNS, errors):
        ref = str(row.get("ref") or "")
        if ref in building_by_ref:
            errors.add(BUILDINGS_SHEET, row_number, "ref", f"reference {ref} is used twice")
        owner = unit_ids.get(str(row.get("owner_unit_code") or ""))
        if row.get("owner_unit_code") and owner is None:
            errors.add(BUILDINGS_SHEET, row_number, "owner_unit_code", "no unit has this code")
        gross = _number(row.get("gross_area"), BUILDINGS_SHEET, row_number, "gross_area", errors)
        usable = _number(row.get("usable_area"), BUILDINGS_SHEET, row_number, "usable_area", errors)
        if gross is not None and gross <= 0:
            errors.add(BUILDINGS_SHEET, row_number, "gross_area", "must be above 0")
        if gross and usable and usable > gross:
            errors.add(BUILDINGS_SHEET, row_number, "usable_area", "larger than the gross area")
        building = {
            "id": new_id(),
            "name": str(row.get("name") or "")[:200],
            "address": str(row.get("address") or "")[:300],
            "owner_unit_id": owner,
            "land_parcel_id": None,
            "title_certificate_no": (
                str(row["title_certificate_no"]) if row.get("title_certificate_no") else None
            ),
            "gross_area": gross,
            "usable_area": usable,
            "built_year": _number(
                row.get("built_year"), BUILDINGS_SHEET, row_number, "built_year", errors, whole=True
            ),
            "use": _choice(row.get("use"), BuildingUse, BUILDINGS_SHEET, row_number, "use", errors),
        }
        building_by_ref[ref] = building["id"]
        buildings.append(building)

    rooms: list[dict[str, Any]] = []
    named_buildings: set[str] = set()
    seen_numbers: dict[tuple[str, str], int] = {}
    for row_number, row in _rows(workbook, ROOMS_SHEET, ROOM_COLUMNS, errors):
        reference = str(row.get("building") or "")
        building_id = building_by_ref.get(reference, reference)
        if reference and reference not in building_by_ref:
            named_buildings.add(reference)
        number = str(row.get("number") or "")
        key = (building_id, number)
        if number and key in seen_numbers:
            errors.add(
                ROOMS_SHEET,
                row_number,
                "number",
                f"room {number} is already on row {seen_numbers[key]}",
            )
        seen_numbers[key] = row_number
        area = _number(row.get("usable_area"), ROOMS_SHEET, row_number, "usable_area", errors)
        if area is not None and area <= 0:
            errors.add(ROOMS_SHEET, row_number, "usable_area", "must be above 0")
        rooms.append(
            {
                "id": new_id(),
                "building_id": building_id,
                "floor": _number(
                    row.get("floor"), ROOMS_SHEET, row_number, "floor", errors, whole=True
                ),
                "number": number,
                "usable_area": area,
                "kind": _choice(row.get("kind"), RoomKind, ROOMS_SHEET, row_number, "kind", errors),
                "_row": row_number,
            }
        )
    workbook.close()

    await _check_existing_buildings(session, rooms, named_buildings, errors)
    await _check_existing_room_numbers(session, seen_numbers, errors)
    if errors.count:
        raise InvalidInput(
            f"{errors.count} problem(s) in the workbook; nothing was imported",
            errors=[error.model_dump(exclude_none=True) for error in errors.items],
        )
    return await _write(session, buildings, rooms)


async def _check_existing_buildings(
    session: AsyncSession, rooms: list[dict[str, Any]], named: set[str], errors: _Errors
) -> None:
    if not named:
        return
    known = set(
        (
            await session.execute(
                select(Building.id).where(Building.id.in_(named), Building.disposed.is_(False))
            )
        ).scalars()
    )
    for room in rooms:
        if room["building_id"] in named and room["building_id"] not in known:
            errors.add(
                ROOMS_SHEET,
                room["_row"],
                "building",
                "neither a reference on the buildings sheet nor a registered building",
            )


async def _check_existing_room_numbers(
    session: AsyncSession, numbers: dict[tuple[str, str], int], errors: _Errors
) -> None:
    keys = list(numbers)
    for start in range(0, len(keys), INSERT_BATCH):
        batch = keys[start : start + INSERT_BATCH]
        taken = await session.execute(
            select(Room.building_id, Room.number).where(
                tuple_(Room.building_id, Room.number).in_(batch)
            )
        )
        for building_id, number in taken:
            errors.add(
                ROOMS_SHEET,
                numbers[(building_id, number)],
                "number",
                f"room {number} is already registered in that building",
            )


async def _write(
    session: AsyncSession, buildings: list[dict[str, Any]], rooms: list[dict[str, Any]]
) -> ImportResult:
    moment = now()
    building_rows = [
        {**building, "disposed": False, "version": 1, "created_at": moment, "updated_at": moment}
        for building in buildings
    ]
    room_rows = [
        {key: value for key, value in room.items() if key != "_row"}
        | {
            "leader_office": False,
            "occupant_unit_id": None,
            "disposed": False,
            "version": 1,
            "created_at": moment,
        }
        for room in rooms
    ]
    for start in range(0, len(building_rows), INSERT_BATCH):
        await session.execute(insert(Building), building_rows[start : start + INSERT_BATCH])
    for start in range(0, len(room_rows), INSERT_BATCH):
        await session.execute(insert(Room), room_rows[start : start + INSERT_BATCH])
    for row in building_rows:
        data = BuildingRead.model_validate(row).model_dump(mode="json")
        await record_event(session, "asset.building.created", subject=row["id"], data=data)
    await session.commit()
    return ImportResult(buildings_created=len(building_rows), rooms_created=len(room_rows))
