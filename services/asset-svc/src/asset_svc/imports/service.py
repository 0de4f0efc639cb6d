"""Importing the inventory workbook: every row is checked first, with the same rules as the
API's own input models, and either all rows are written in one transaction or none is, with
the errors listed row by row.

A workbook is a zip of XML: a small upload may unpack to far more, and a sheet may claim a
million rows. The unpacked size and the rows of a sheet are capped before anything is read,
and the reading and checking (seconds of CPU for a large inventory) run in a worker thread,
so the service keeps answering other requests meanwhile."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zipfile import BadZipFile, ZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import BaseModel, ValidationError
from sqlalchemy import insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from asset_svc import events
from asset_svc.imports import policy
from asset_svc.imports.models import (
    BUILDING_COLUMNS,
    BUILDINGS_SHEET,
    ROOM_COLUMNS,
    ROOMS_SHEET,
    Column,
    ImportResult,
    RowError,
)
from asset_svc.register.models import (
    Building,
    BuildingCreate,
    BuildingRead,
    BuildingUse,
    Room,
    RoomCreate,
    RoomKind,
)
from asset_svc.units.models import Unit
from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.clock import now
from guanjia_shared.errors import InvalidInput, PayloadTooLarge
from guanjia_shared.ids import new_id
from guanjia_shared.outbox import record_event
from guanjia_shared.spreadsheets import Sheet, sheets_workbook_bytes

MAX_ERRORS_LISTED = 1000
# Rows written per statement: large enough to be fast, small enough for every driver.
INSERT_BATCH = 2000
# A row of the template unpacks to about 250 bytes (the benchmark's inventory of 100 000
# rooms, bench/asset_import.py, to 24 MiB): a workbook may unpack to a third more than the
# rows it may hold need. The rows a sheet may hold are a setting (import_max_rows).
UNPACKED_BYTES_PER_ROW = 336
# The sheet's columns that are a model's fields under another name.
BUILDING_FIELD_COLUMNS = {"owner_unit_id": "owner_unit_code"}
ROOM_FIELD_COLUMNS = {"building_id": "building"}


def template_workbook() -> bytes:
    """The empty workbook to fill in, with one example row per sheet."""
    return sheets_workbook_bytes(
        [
            Sheet(
                BUILDINGS_SHEET,
                [column.label for column in BUILDING_COLUMNS],
                [
                    [
                        "B1",
                        "市政府一号楼",
                        "中原路233号",
                        "410100-01",
                        "",
                        12000,
                        9000,
                        1998,
                        BuildingUse.office.value,
                    ]
                ],
            ),
            Sheet(
                ROOMS_SHEET,
                [column.label for column in ROOM_COLUMNS],
                [["B1", 3, "301", 18.5, RoomKind.office.value]],
            ),
            Sheet(
                "说明 notes",
                ["列 column", "可填的值 values"],
                [
                    ["用途 use", ", ".join(use.value for use in BuildingUse)],
                    [
                        "类别 kind",
                        ", ".join(f"{kind.value}（{kind.label}）" for kind in RoomKind),
                    ],
                ],
            ),
        ]
    )


class _Errors:
    def __init__(self) -> None:
        self.items: list[RowError] = []
        self.count = 0

    def add(
        self,
        sheet: str,
        row: int,
        column: str | None,
        code: str,
        detail: str,
        context: dict[str, Any] | None = None,
    ) -> None:
        self.count += 1
        if len(self.items) < MAX_ERRORS_LISTED:
            self.items.append(
                RowError(
                    sheet=sheet, row=row, column=column, code=code, detail=detail, context=context
                )
            )


def _open_workbook(content: bytes, max_rows: int) -> Any:
    max_unpacked = max_rows * UNPACKED_BYTES_PER_ROW
    try:
        with ZipFile(io.BytesIO(content)) as archive:
            # What each member says it unpacks to is all it can unpack to: zipfile stops
            # there (and fails the checksum) whatever the compressed data holds.
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > max_unpacked:
            raise PayloadTooLarge(
                f"the workbook unpacks to {unpacked} bytes; at most {max_unpacked} are read "
                "(import a large inventory in parts)",
                max_unpacked_bytes=max_unpacked,
            )
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _unreadable(exc) from exc


def _unreadable(exc: Exception) -> InvalidInput:
    return InvalidInput(
        "the upload is not an .xlsx workbook", errors=[{"detail": str(exc), "pointer": "#"}]
    )


def _too_many_rows(sheet: str, max_rows: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"the sheet {sheet} has more than {max_rows} rows; import a large inventory in parts",
        sheet=sheet,
        max_rows=max_rows,
    )


def _rows(
    workbook: Any, sheet: str, columns: tuple[Column, ...], max_rows: int, errors: _Errors
) -> Iterator[tuple[int, dict[str, Any]]]:
    if sheet not in workbook.sheetnames:
        errors.add(sheet, 1, None, "sheet-missing", "the sheet is missing (download the template)")
        return
    worksheet = workbook[sheet]
    last_row = 1 + max_rows  # the header, then the rows
    # The size the sheet declares refuses it at once; one that declares none, or less than
    # it holds, is refused on reaching the row past the last: either way no more is read.
    if (worksheet.max_row or 0) > last_row:
        raise _too_many_rows(sheet, max_rows)
    rows = _read(worksheet.iter_rows(max_row=last_row + 1, max_col=len(columns), values_only=True))
    header = next(rows, None) or ()
    if tuple(str(cell or "").strip() for cell in header) != tuple(
        column.label for column in columns
    ):
        errors.add(sheet, 1, None, "header-not-template", "the header row is not the template's")
        return
    for number, values in enumerate(rows, start=2):
        if number > last_row:
            raise _too_many_rows(sheet, max_rows)
        if all(value in (None, "") for value in values):
            continue
        row = {}
        for column, value in zip(columns, values, strict=False):
            row[column.key] = value.strip() if isinstance(value, str) else value
        for column in columns:
            if column.required and row.get(column.key) in (None, ""):
                errors.add(sheet, number, column.key, "required", "required")
        yield number, row


def _read(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """The rows of a sheet; XML or values openpyxl cannot read make the file unreadable."""
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # whatever the parser raises: the file is at fault
            raise _unreadable(exc) from exc
        yield values


def _plain(value: Any) -> Any:
    """A limit of pydantic's error context as JSON has it (a Decimal bound is a number)."""
    return value if isinstance(value, str | int | float) else str(value)


def _text(value: Any) -> str | None:
    """A text column's cell: a room number typed as 301 is the text "301"."""
    return None if value in (None, "") else str(value)


def _checked(
    model: type[BaseModel],
    data: dict[str, Any],
    sheet: str,
    row: int,
    columns: dict[str, str],
    errors: _Errors,
) -> tuple[BaseModel | None, set[str]]:
    """The row as the API's input model takes it, and the fields at fault. An empty cell
    is left out; a required one was already reported as such."""
    try:
        return model.model_validate({k: v for k, v in data.items() if v not in (None, "")}), set()
    except ValidationError as exc:
        faulty = set()
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else None
            faulty.add(name or "")
            if error["type"] != "missing":
                column = columns.get(name, name) if name else None
                # pydantic's error type is the code (greater_than, enum, float_parsing, …)
                # and its limits the context, for a reader to word it in its own language.
                context = {key: _plain(value) for key, value in error.get("ctx", {}).items()}
                errors.add(sheet, row, column, error["type"], error["msg"], context or None)
        return None, faulty


@dataclass
class _Inventory:
    """What the workbook holds, each row checked on its own; what needs the database to
    check (buildings named by id, room numbers already taken) is left for later."""

    errors: _Errors
    buildings: list[dict[str, Any]] = field(default_factory=list)
    rooms: list[dict[str, Any]] = field(default_factory=list)
    # Buildings named by id, with the rows that name each.
    named_buildings: dict[str, list[int]] = field(default_factory=dict)
    room_rows: dict[tuple[str, str], int] = field(default_factory=dict)


def _read_inventory(content: bytes, unit_ids: dict[str, str], max_rows: int) -> _Inventory:
    workbook = _open_workbook(content, max_rows)
    try:
        inventory = _Inventory(_Errors())
        building_by_ref = _read_buildings(workbook, unit_ids, max_rows, inventory)
        _read_rooms(workbook, building_by_ref, max_rows, inventory)
        return inventory
    finally:
        workbook.close()


def _read_buildings(
    workbook: Any, unit_ids: dict[str, str], max_rows: int, inventory: _Inventory
) -> dict[str, str]:
    errors = inventory.errors
    building_by_ref: dict[str, str] = {}
    for row_number, row in _rows(workbook, BUILDINGS_SHEET, BUILDING_COLUMNS, max_rows, errors):
        ref = str(row.get("ref") or "")
        if ref in building_by_ref:
            errors.add(
                BUILDINGS_SHEET,
                row_number,
                "ref",
                "ref-used-twice",
                f"reference {ref} is used twice",
            )
        owner = unit_ids.get(str(row.get("owner_unit_code") or ""))
        if row.get("owner_unit_code") and owner is None:
            errors.add(
                BUILDINGS_SHEET,
                row_number,
                "owner_unit_code",
                "unknown-unit-code",
                "no unit has this code",
            )
        building_id = new_id()
        building_by_ref[ref] = building_id
        building, _ = _checked(
            BuildingCreate,
            {
                "name": _text(row.get("name")),
                "address": _text(row.get("address")),
                "owner_unit_id": owner or "",
                "title_certificate_no": _text(row.get("title_certificate_no")),
                "gross_area": row.get("gross_area"),
                "usable_area": row.get("usable_area"),
                "built_year": row.get("built_year"),
                "use": row.get("use"),
            },
            BUILDINGS_SHEET,
            row_number,
            BUILDING_FIELD_COLUMNS,
            errors,
        )
        if building is None:
            continue
        data = building.model_dump(mode="json")
        if data["usable_area"] is not None and data["usable_area"] > data["gross_area"]:
            errors.add(
                BUILDINGS_SHEET,
                row_number,
                "usable_area",
                "usable-over-gross",
                "larger than the gross area",
            )
        inventory.buildings.append({"id": building_id, **data})
    return building_by_ref


def _read_rooms(
    workbook: Any, building_by_ref: dict[str, str], max_rows: int, inventory: _Inventory
) -> None:
    errors = inventory.errors
    for row_number, row in _rows(workbook, ROOMS_SHEET, ROOM_COLUMNS, max_rows, errors):
        reference = str(row.get("building") or "")
        building_id = building_by_ref.get(reference, reference)
        number = _text(row.get("number")) or ""
        room, faulty = _checked(
            RoomCreate,
            {
                "building_id": building_id,
                "floor": row.get("floor"),
                "number": number,
                "usable_area": row.get("usable_area"),
                "kind": row.get("kind"),
            },
            ROOMS_SHEET,
            row_number,
            ROOM_FIELD_COLUMNS,
            errors,
        )
        # Only what the rules let through is looked up in the database.
        if reference and reference not in building_by_ref and "building_id" not in faulty:
            inventory.named_buildings.setdefault(reference, []).append(row_number)
        key = (building_id, number)
        if number and key in inventory.room_rows:
            errors.add(
                ROOMS_SHEET,
                row_number,
                "number",
                "room-twice-in-workbook",
                f"room {number} is already on row {inventory.room_rows[key]}",
                {"row": inventory.room_rows[key]},
            )
        if not faulty & {"building_id", "number"}:
            inventory.room_rows.setdefault(key, row_number)
        if room is not None:
            inventory.rooms.append({"id": new_id(), **room.model_dump(mode="json")})


async def import_workbook(
    *, session: AsyncSession, content: bytes, max_rows: int, actor: Principal
) -> ImportResult:
    """`max_rows`: the rows a sheet may hold."""
    ensure_role(actor, policy.IMPORTERS)
    unit_ids = dict((await session.execute(select(Unit.code, Unit.id))).all())
    inventory = await asyncio.to_thread(_read_inventory, content, unit_ids, max_rows)
    errors = inventory.errors
    await _check_existing_buildings(session, inventory.named_buildings, errors)
    await _check_existing_room_numbers(session, inventory.room_rows, errors)
    if errors.count:
        raise InvalidInput(
            f"{errors.count} problem(s) in the workbook; nothing was imported",
            errors=[error.model_dump(exclude_none=True) for error in errors.items],
        )
    return await _write(session, inventory.buildings, inventory.rooms)


async def _check_existing_buildings(
    session: AsyncSession, named: dict[str, list[int]], errors: _Errors
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
    for building_id, rows in named.items():
        if building_id not in known:
            for row in rows:
                errors.add(
                    ROOMS_SHEET,
                    row,
                    "building",
                    "unknown-building",
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
                "room-registered",
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
        room
        | {
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
        await record_event(session, events.BUILDING_CREATED, subject=row["id"], data=data)
    await session.commit()
    return ImportResult(buildings_created=len(building_rows), rooms_created=len(room_rows))
