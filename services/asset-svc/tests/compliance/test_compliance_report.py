"""The city-wide space-compliance report, as JSON pages and as a spreadsheet."""

import io
import uuid

import pytest
from openpyxl import load_workbook

from ..asset_helpers import API, change, make_building, make_rooms, make_unit

REPORT = f"{API}/reports/space-compliance"


async def unit_with(client, admin, name, level, office_areas, **headcounts):
    unit = await make_unit(client, admin, name=name, level=level)
    lines = [{"rank": rank, "headcount": count} for rank, count in headcounts.items()]
    assert (
        await client.put(f"{API}/units/{unit}/staffing", json=lines, headers=admin)
    ).status_code == 200
    if office_areas:
        building = await make_building(client, admin, unit, name=f"楼{uuid.uuid4().hex[:6]}")
        rooms = await make_rooms(client, admin, building["id"], office_areas)
        answer = await change(client, admin, "allocate", room_ids=rooms, unit_id=unit)
        assert answer.status_code == 201, answer.text
    return unit


async def three_units(client, admin):
    # 市财政局: 1×42 + 2×30 + 10×9 = 192 against 200 m²: over by 8
    # 县教育局: 1×30 + 1×24 + 5×9 = 99 against 90 m²: within
    # 乡政府: no rooms, 1×18 = 18: within
    await unit_with(
        client, admin, "市财政局", "municipal", [120.0, 80.0], head=1, deputy=2, staff=10
    )
    await unit_with(client, admin, "县教育局", "county", [90.0], head=1, deputy=1, staff=5)
    await unit_with(client, admin, "乡政府", "township", [], head=1)


async def test_the_report_lists_every_unit_with_its_figures(client, admin):
    await three_units(client, admin)
    body = (await client.get(REPORT, headers=admin)).json()
    assert body["total"] == 3 and body["units_over"] == 1
    assert body["by_level"] == [
        {"level": "municipal", "units": 1, "units_over": 1},
        {"level": "county", "units": 1, "units_over": 0},
        {"level": "township", "units": 1, "units_over": 0},
    ]
    rows = {row["unit_name"]: row for row in body["items"]}
    assert (
        rows["市财政局"]["standard_area"],
        rows["市财政局"]["excess"],
        rows["市财政局"]["status"],
    ) == (192.0, 8.0, "over")
    assert (rows["县教育局"]["standard_area"], rows["县教育局"]["difference"]) == (99.0, -9.0)
    assert (rows["乡政府"]["actual_area"], rows["乡政府"]["status"]) == (0.0, "within")


async def test_a_units_line_is_its_own_answer_with_every_class_of_room(client, admin):
    """The report judges today's statuses on office rooms alone, then reads the page's
    units whole: each line must still be the unit's own answer, its other rooms included."""
    await three_units(client, admin)
    [finance] = [
        u
        for u in (await client.get(f"{API}/units", headers=admin)).json()["items"]
        if u["name"] == "市财政局"
    ]
    building = await make_building(client, admin, finance["id"], name="财政局附楼")
    rooms = await make_rooms(client, admin, building["id"], [25.0, 5.5], kind="service")
    answer = await change(client, admin, "allocate", room_ids=rooms, unit_id=finance["id"])
    assert answer.status_code == 201, answer.text

    body = (await client.get(REPORT, params={"status": "over"}, headers=admin)).json()
    own = await client.get(f"{API}/units/{finance['id']}/space-compliance", headers=admin)
    assert body["items"] == [own.json()]
    assert own.json()["area_by_class"]["service"] == 30.5
    assert own.json()["actual_area"] == 200.0


async def test_the_report_filters_by_status_and_pages(client, admin):
    await three_units(client, admin)
    over = (await client.get(REPORT, params={"status": "over"}, headers=admin)).json()
    assert [row["unit_name"] for row in over["items"]] == ["市财政局"] and over["total"] == 1
    page = (await client.get(REPORT, params={"limit": 2, "offset": 2}, headers=admin)).json()
    assert page["total"] == 3 and len(page["items"]) == 1


async def test_the_report_filters_by_level_in_json_and_in_the_spreadsheet(client, admin):
    await three_units(client, admin)
    county = (await client.get(REPORT, params={"level": "county"}, headers=admin)).json()
    assert [row["unit_name"] for row in county["items"]] == ["县教育局"]
    assert (county["total"], county["units_over"]) == (1, 0)
    assert county["by_level"] == [{"level": "county", "units": 1, "units_over": 0}]
    municipal_over = await client.get(
        REPORT, params={"level": "municipal", "status": "over"}, headers=admin
    )
    assert [row["unit_name"] for row in municipal_over.json()["items"]] == ["市财政局"]
    answer = await client.get(REPORT, params={"level": "township", "format": "xlsx"}, headers=admin)
    rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["乡政府"]
    unknown = await client.get(REPORT, params={"level": "galactic"}, headers=admin)
    assert unknown.status_code == 422


async def test_the_report_is_sorted_by_a_figure_either_way_in_pages_and_in_the_spreadsheet(
    client, admin
):
    await three_units(client, admin)

    async def names(sort, **params):
        answer = await client.get(REPORT, params={"sort": sort, **params}, headers=admin)
        assert answer.status_code == 200, answer.text
        return [row["unit_name"] for row in answer.json()["items"]]

    # Differences +8, -9, -18; office areas 200, 90, 0; standards 192, 99, 18.
    assert await names("-difference") == ["市财政局", "县教育局", "乡政府"]
    assert await names("difference") == ["乡政府", "县教育局", "市财政局"]
    assert await names("-actual_area") == ["市财政局", "县教育局", "乡政府"]
    assert await names("standard_area") == ["乡政府", "县教育局", "市财政局"]
    assert await names("name") == sorted(["市财政局", "县教育局", "乡政府"])
    assert await names("-difference", limit=1, offset=1) == ["县教育局"]
    assert await names("-difference", status="within") == ["县教育局", "乡政府"]
    answer = await client.get(
        REPORT, params={"sort": "difference", "format": "xlsx"}, headers=admin
    )
    rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["乡政府", "县教育局", "市财政局"]
    assert (await client.get(REPORT, params={"sort": "-name"}, headers=admin)).status_code == 422


@pytest.mark.on_day("2026-06-01T10:00:00+08:00")  # the file is named for the day asked
async def test_the_report_as_a_spreadsheet_has_chinese_headers_and_the_same_figures(client, admin):
    await three_units(client, admin)
    answer = await client.get(REPORT, params={"format": "xlsx"}, headers=admin)
    assert answer.status_code == 200
    assert (
        answer.headers["content-type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert (
        answer.headers["content-disposition"]
        == 'attachment; filename="space-compliance-2026-06-01.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:9] == (
        "单位名称",
        "单位级别",
        "实有人数",
        "人员构成",
        "核定办公室面积（㎡）",
        "办公室用房面积（㎡）",
        "差额（㎡）",
        "状态",
        "超标面积（㎡）",
    )
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"市财政局", "县教育局", "乡政府"}
    finance = by_name["市财政局"]
    assert finance[1:9] == (
        "市级",
        13,
        "市级正职1人；市级副职2人；局（处）级以下10人",
        192,
        200,
        8,
        "超标",
        8,
    )
    assert by_name["县教育局"][7] == "未超标"


async def test_the_city_wide_report_is_the_bureaus(client, admin, token_mint):
    unit = await make_unit(client, admin)
    for role in ("unit_staff", "integration"):
        answer = await client.get(REPORT, headers=token_mint.headers(role, unit_id=unit))
        assert answer.status_code == 403, role
    for role in ("leader", "auditor"):
        assert (await client.get(REPORT, headers=token_mint.headers(role))).status_code == 200
