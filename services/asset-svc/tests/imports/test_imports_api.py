"""Importing the inventory workbook: all rows or none, with the errors row by row."""

import io

from holdings import API, make_building, make_unit
from openpyxl import Workbook, load_workbook

from asset_svc.imports.models import BUILDING_COLUMNS, BUILDINGS_SHEET, ROOM_COLUMNS, ROOMS_SHEET

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
    errors = {
        (error["sheet"], error["row"], error.get("column")) for error in answer.json()["errors"]
    }
    assert errors == {
        (BUILDINGS_SHEET, 2, "usable_area"),
        (BUILDINGS_SHEET, 3, "owner_unit_code"),
        (BUILDINGS_SHEET, 3, "use"),
        (ROOMS_SHEET, 3, "number"),
        (ROOMS_SHEET, 4, "usable_area"),
        (ROOMS_SHEET, 4, "building"),
        (ROOMS_SHEET, 5, "floor"),
        (ROOMS_SHEET, 5, "kind"),
    }
    assert await totals(client, admin) == (0, 0)


async def test_a_room_already_registered_is_refused(client, admin):
    unit = await make_unit(client, admin)
    building = await make_building(client, admin, unit)
    first = await upload(client, admin, workbook([], [[building["id"], 1, "101", 20, "office"]]))
    assert first.status_code == 200, first.text
    again = await upload(client, admin, workbook([], [[building["id"], 1, "101", 20, "office"]]))
    assert again.status_code == 422
    assert again.json()["errors"][0]["row"] == 2


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
