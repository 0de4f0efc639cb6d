"""Importing the inventory workbook: all rows or none, with the errors row by row."""

import asyncio
import io
import os
import sys
import threading
import zipfile
from unittest.mock import ANY

from openpyxl import Workbook, load_workbook

from asset_svc.config import Settings
from asset_svc.database import MIGRATIONS
from asset_svc.imports.models import BUILDING_COLUMNS, BUILDINGS_SHEET, ROOM_COLUMNS, ROOMS_SHEET
from asset_svc.imports.service import UNPACKED_BYTES_PER_ROW
from asset_svc.main import create_app

from ..asset_helpers import API, make_building, make_unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(buildings, rooms) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = BUILDINGS_SHEET
    sheet.append([column.label for column in BUILDING_COLUMNS])
    for row in buildings:
        sheet.append(row)
    room_sheet = book.create_sheet(ROOMS_SHEET)
    room_sheet.append([column.label for column in ROOM_COLUMNS])
    for row in rooms:
        room_sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def unit_code(client, admin, unit_id):
    return (await client.get(f"{API}/units/{unit_id}", headers=admin)).json()["code"]


async def upload(client, admin, content):
    return await client.post(
        f"{API}/imports", content=content, headers={**admin, "content-type": XLSX}
    )


async def totals(client, admin):
    buildings = (await client.get(f"{API}/buildings", headers=admin)).json()["total"]
    rooms = (await client.get(f"{API}/rooms", headers=admin)).json()["total"]
    return buildings, rooms


async def test_the_template_is_a_workbook_with_both_sheets(client, admin):
    answer = await client.get(f"{API}/imports/template", headers=admin)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(answer.content))
    assert BUILDINGS_SHEET in book.sheetnames and ROOMS_SHEET in book.sheetnames
    assert [cell.value for cell in book[ROOMS_SHEET][1]] == [
        column.label for column in ROOM_COLUMNS
    ]


async def test_a_good_workbook_imports_every_row(client, admin):
    code = await unit_code(client, admin, await make_unit(client, admin))
    existing = await make_building(client, admin, await make_unit(client, admin, "乙局"))
    content = workbook(
        [
            [
                "B1",
                "一号楼",
                "中原路1号",
                code,
                "豫(2024)郑州市不动产权第1号",
                5000,
                4000,
                2001,
                "office",
            ],
            ["B2", "食堂", "中原路2号", code, None, 800, None, None, "canteen"],
        ],
        [
            ["B1", 1, "101", 20, "office"],
            ["B1", 1, "102", 12.5, "service"],
            ["B2", 1, "1", 300, "other"],
            [existing["id"], 2, "201", 18, "office"],
        ],
    )
    answer = await upload(client, admin, content)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"buildings_created": 2, "rooms_created": 4}
    assert await totals(client, admin) == (3, 4)


async def test_a_workbook_with_bad_rows_imports_nothing_and_lists_each_error(client, admin):
    code = await unit_code(client, admin, await make_unit(client, admin))
    content = workbook(
        [
            ["B1", "一号楼", "中原路1号", code, None, 5000, 6000, 2001, "office"],
            ["B2", "二号楼", "中原路2号", "no-such-unit", None, 800, None, None, "palace"],
        ],
        [
            ["B1", 1, "101", 20, "office"],
            ["B1", 1, "101", 20, "office"],
            ["B9", 1, "1", "big", "office"],
            ["B2", "x", "2", 10, "bathroom"],
        ],
    )
    answer = await upload(client, admin, content)
    assert answer.status_code == 422
    # Each fault by place, with a code (and its limits) a reader words in its own language.
    errors = {
        (error["sheet"], error["row"], error.get("column"), error["code"]): error.get("context")
        for error in answer.json()["errors"]
    }
    assert errors == {
        (BUILDINGS_SHEET, 2, "usable_area", "usable-over-gross"): None,
        (BUILDINGS_SHEET, 3, "owner_unit_code", "unknown-unit-code"): None,
        (BUILDINGS_SHEET, 3, "use", "enum"): {
            "expected": "'office', 'residential', 'mixed', 'canteen', 'garage' or 'other'"
        },
        (ROOMS_SHEET, 3, "number", "room-twice-in-workbook"): {"row": 2},
        (ROOMS_SHEET, 4, "usable_area", "float_type"): None,
        (ROOMS_SHEET, 4, "building", "unknown-building"): None,
        (ROOMS_SHEET, 5, "floor", "int_parsing"): None,
        (ROOMS_SHEET, 5, "kind", "enum"): {"expected": ANY},
    }
    assert await totals(client, admin) == (0, 0)


async def test_a_room_already_registered_is_refused(client, admin):
    unit = await make_unit(client, admin)
    building = await make_building(client, admin, unit)
    first = await upload(client, admin, workbook([], [[building["id"], 1, "101", 20, "office"]]))
    assert first.status_code == 200, first.text
    again = await upload(client, admin, workbook([], [[building["id"], 1, "101", 20, "office"]]))
    assert again.status_code == 422
    assert [(e["row"], e["code"]) for e in again.json()["errors"]] == [(2, "room-registered")]


async def test_a_file_that_is_not_a_workbook_is_a_422(client, admin):
    answer = await upload(client, admin, b"name,area\nroom,20\n")
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"


async def test_the_workbook_may_come_as_a_multipart_form(client, admin):
    code = await unit_code(client, admin, await make_unit(client, admin))
    content = workbook([["B1", "一号楼", "中原路1号", code, None, 5000, None, None, "office"]], [])
    answer = await client.post(
        f"{API}/imports", files={"file": ("inventory.xlsx", content, XLSX)}, headers=admin
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["buildings_created"] == 1


async def test_only_an_admin_imports(client, admin, token_mint):
    answer = await upload(client, token_mint.headers("leader"), workbook([], []))
    assert answer.status_code == 403


# Hostile or careless workbooks: values longer than their columns, control characters, and
# workbooks that unpack to far more than they weigh.


async def test_a_value_longer_than_its_column_is_refused_by_row_and_column(client, admin):
    # A 33-character room number was a 500 on PostgreSQL (its column holds 32).
    code = await unit_code(client, admin, await make_unit(client, admin))
    content = workbook(
        [["B1", "一号楼", "中原路1号", code, None, 5000, None, None, "office"]],
        [["B1", 1, "101", 20, "office"], ["B1", 1, "3" * 33, 20, "office"]],
    )
    answer = await upload(client, admin, content)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert [
        (e["sheet"], e["row"], e["column"], e["code"], e["context"])
        for e in answer.json()["errors"]
    ] == [(ROOMS_SHEET, 3, "number", "string_too_long", {"max_length": 32})]
    assert await totals(client, admin) == (0, 0)


async def test_a_control_character_in_a_text_cell_is_refused_by_row_and_column(client, admin):
    code = await unit_code(client, admin, await make_unit(client, admin))
    content = workbook(
        [["B1", "一号\x7f楼", "中原路1号", code, None, 5000, None, None, "office"]], []
    )
    answer = await upload(client, admin, content)
    assert answer.status_code == 422, answer.text
    assert [(e["sheet"], e["row"], e["column"], e["code"]) for e in answer.json()["errors"]] == [
        (BUILDINGS_SHEET, 2, "name", "string_pattern_mismatch")
    ]
    assert await totals(client, admin) == (0, 0)


ATTACK_ROWS = 200_000


def with_rooms_sheet(content: bytes, sheet_xml: bytes, *extra: tuple[str, bytes]) -> bytes:
    """`content` with its rooms sheet (the second) replaced, and `extra` members added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            data = (
                sheet_xml if member.filename == "xl/worksheets/sheet2.xml" else source.read(member)
            )
            target.writestr(member.filename, data)
        for name, data in extra:
            target.writestr(name, data)
    return out.getvalue()


def rooms_sheet_xml(rows: int, *, dimension: bool) -> bytes:
    """The rooms sheet of the attack: the header, then `rows` rows alike (so they pack to
    little), with the size of the sheet declared as spreadsheet programs declare it or not
    at all."""

    def text(value: str) -> str:
        return f'<c t="inlineStr"><is><t>{value}</t></is></c>'

    header = "".join(text(column.label) for column in ROOM_COLUMNS)
    room = text("B1") + "<c><v>1</v></c><c><v>101</v></c><c><v>20</v></c>" + text("office")
    body = "".join(f"<row>{room}</row>" for _ in range(rows))
    size = f'<dimension ref="A1:E{rows + 1}"/>' if dimension else ""
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'{size}<sheetData><row r="1">{header}</row>{body}</sheetData></worksheet>'
    ).encode()


async def test_a_sheet_of_200000_rows_is_refused_before_it_is_read(client, admin):
    content = with_rooms_sheet(workbook([], []), rooms_sheet_xml(ATTACK_ROWS, dimension=True))
    assert len(content) < 200 * 1024  # the reported file was 141 KiB
    answer = await upload(client, admin, content)
    assert answer.status_code == 413, answer.text
    problem = answer.json()
    assert answer.headers["content-type"] == "application/problem+json"
    assert problem["type"] == "urn:guanjia:problem:payload-too-large"
    assert problem["sheet"] == ROOMS_SHEET
    assert problem["max_rows"] == Settings().import_max_rows < ATTACK_ROWS
    assert await totals(client, admin) == (0, 0)


def a_thread_is_reading_a_workbook() -> bool:
    """Whether another thread is inside openpyxl at this moment."""
    for ident, frame in sys._current_frames().items():
        if ident == threading.get_ident():
            continue
        while frame is not None:
            if f"{os.sep}openpyxl{os.sep}" in frame.f_code.co_filename:
                return True
            frame = frame.f_back
    return False


async def test_a_sheet_that_hides_its_size_is_read_no_further_than_the_cap_and_blocks_nothing(
    service_factory, admin
):
    # Without a declared size the rows are counted as they are read, up to the cap: that
    # reading takes seconds, and the service answers other requests meanwhile. Each answer
    # below is checked against what the import is doing at that moment: a request the
    # event loop answered while another thread was inside the workbook. Were the workbook
    # read on the event loop, no answer could arrive while it was being read. (A lower cap
    # than the default's 100 000 rows keeps the test short on a busy machine; the rows are
    # twice as many, as the 200 000 are to the default, and unpack to less than the cap.)
    content = with_rooms_sheet(workbook([], []), rooms_sheet_xml(20_000, dimension=False))
    async with service_factory(create_app, Settings, MIGRATIONS, import_max_rows=10_000) as service:
        answer = await while_importing_answers_health_checks(service.client, admin, content)
        assert answer.status_code == 413, answer.text
        assert answer.json()["sheet"] == ROOMS_SHEET
        assert answer.json()["max_rows"] == 10_000
        assert await totals(service.client, admin) == (0, 0)


async def while_importing_answers_health_checks(client, admin, content):
    """Upload `content`, asking for the health check meanwhile; answers the upload's answer
    once a health check was answered while the workbook was being read."""
    importing = asyncio.create_task(upload(client, admin, content))
    answered_while_reading = False
    while not (answered_while_reading or importing.done()):
        await asyncio.sleep(0)  # a turn for the import (the health check never waits)
        answer = await client.get("/healthz")
        assert answer.status_code == 200
        answered_while_reading = a_thread_is_reading_a_workbook()
    assert answered_while_reading
    return await importing


async def test_a_workbook_that_unpacks_to_more_than_the_cap_is_refused_unread(client, admin):
    padding = ("xl/media/padding.bin", bytes(Settings().import_max_rows * UNPACKED_BYTES_PER_ROW))
    content = with_rooms_sheet(workbook([], []), rooms_sheet_xml(1, dimension=True), padding)
    assert len(content) < 100 * 1024
    answer = await upload(client, admin, content)
    assert answer.status_code == 413, answer.text
    assert answer.json()["type"] == "urn:guanjia:problem:payload-too-large"
    assert answer.json()["max_unpacked_bytes"] == len(padding[1])
    assert await totals(client, admin) == (0, 0)
