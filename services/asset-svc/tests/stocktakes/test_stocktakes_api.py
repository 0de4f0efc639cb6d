"""Stocktakes at the service: findings held against the books, the report fixed at closing,
its spreadsheet, who sees what, and the events published."""

from io import BytesIO

from openpyxl import load_workbook

from asset_svc.register.models import Room
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events

STOCKTAKES = "/api/v1/asset/stocktakes"


async def open_stocktake(client, admin, **scope):
    answer = await client.post(STOCKTAKES, json={"title": "2025年度清查", **scope}, headers=admin)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def found(building_id, number, area, kind="office", occupant=None, note=None):
    return {
        "building_id": building_id,
        "room_number": number,
        "found_area": area,
        "found_kind": kind,
        "found_occupant_unit_id": occupant,
        "note": note,
    }


async def record(client, admin, stocktake_id, findings):
    return await client.post(f"{STOCKTAKES}/{stocktake_id}/findings", json=findings, headers=admin)


async def building_x_closed(client, admin, books):
    """101 as on the books; 102 found at 24.5 m² as equipment; 109 not on the books; 103
    not found."""
    stocktake = await open_stocktake(client, admin, building_id=books.x)
    findings = [
        found(books.x, "101", 30.0, occupant=books.first),
        found(books.x, "102", 24.5, "equipment", books.first, note="隔墙已拆"),
        found(books.x, "109", 12.0, occupant=books.first, note="加建"),
    ]
    answer = await record(client, admin, stocktake, findings)
    assert answer.status_code == 200, answer.text
    assert answer.json()["finding_count"] == 3
    closed = await client.post(f"{STOCKTAKES}/{stocktake}/close", headers=admin)
    assert closed.status_code == 200, closed.text
    return stocktake, closed.json()


def rooms(lines):
    return [line["room_number"] for line in lines]


async def test_a_building_stocktake_reports_match_discrepancy_surplus_and_shortfall(
    client, admin, books
):
    stocktake, report = await building_x_closed(client, admin, books)
    assert report["stocktake"]["status"] == "closed"
    assert rooms(report["matches"]) == ["101"]
    assert rooms(report["discrepancies"]) == ["102"]
    assert rooms(report["surpluses"]) == ["109"]
    assert rooms(report["shortfalls"]) == ["103"]

    discrepancy = report["discrepancies"][0]
    assert discrepancy["differences"] == ["area", "kind"]
    assert (discrepancy["book_area"], discrepancy["found_area"]) == (20.0, 24.5)
    assert (discrepancy["book_kind"], discrepancy["found_kind"]) == ("office", "equipment")
    assert report["surpluses"][0]["room_id"] is None
    shortfall = report["shortfalls"][0]
    assert (shortfall["book_area"], shortfall["found_area"]) == (15.0, None)

    fetched = await client.get(f"{STOCKTAKES}/{stocktake}/report", headers=admin)
    assert fetched.json() == report


async def test_a_unit_stocktake_finds_a_room_used_by_the_wrong_unit(client, admin, books):
    stocktake = await open_stocktake(client, admin, unit_id=books.first)
    findings = [
        found(books.x, "101", 30.004, occupant=books.first),
        found(books.y, "201", 25.0, occupant=books.first),
    ]
    assert (await record(client, admin, stocktake, findings)).status_code == 200
    report = (await client.post(f"{STOCKTAKES}/{stocktake}/close", headers=admin)).json()
    # 30.004 m² is 30 m² to the hundredth.
    assert rooms(report["matches"]) == ["101"]
    assert rooms(report["discrepancies"]) == ["201"]
    assert report["discrepancies"][0]["differences"] == ["occupant"]
    assert report["discrepancies"][0]["book_occupant_unit_id"] == books.second
    assert report["surpluses"] == []
    assert rooms(report["shortfalls"]) == ["102", "103"]


async def test_a_room_seen_again_replaces_its_finding(client, admin, books):
    stocktake = await open_stocktake(client, admin, building_id=books.x)
    await record(client, admin, stocktake, [found(books.x, "101", 28.0, occupant=books.first)])
    answer = await record(
        client, admin, stocktake, [found(books.x, "101", 30.0, occupant=books.first)]
    )
    assert answer.json()["finding_count"] == 1
    # The counters' working list holds the room once, as last seen.
    listed = (await client.get(f"{STOCKTAKES}/{stocktake}/findings", headers=admin)).json()
    assert [(f["room_number"], f["found_area"], f["found_kind"]) for f in listed] == [
        ("101", 30.0, "office")
    ]
    report = (await client.post(f"{STOCKTAKES}/{stocktake}/close", headers=admin)).json()
    assert rooms(report["matches"]) == ["101"]


async def test_a_closed_stocktake_takes_no_findings_and_closes_once(client, admin, books):
    stocktake, _ = await building_x_closed(client, admin, books)
    answer = await record(client, admin, stocktake, [found(books.x, "103", 15.0, "service")])
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["rule"] == "closed-stocktake-is-final"
    again = await client.post(f"{STOCKTAKES}/{stocktake}/close", headers=admin)
    assert again.status_code == 409 and again.json()["rule"] == "closed-stocktake-is-final"


async def test_an_open_stocktake_has_no_report_yet(client, admin, books):
    stocktake = await open_stocktake(client, admin, building_id=books.x)
    answer = await client.get(f"{STOCKTAKES}/{stocktake}/report", headers=admin)
    assert answer.status_code == 409 and answer.json()["rule"] == "report-after-closing"


async def test_a_building_stocktake_takes_findings_of_that_building_only(client, admin, books):
    stocktake = await open_stocktake(client, admin, building_id=books.x)
    answer = await record(client, admin, stocktake, [found(books.y, "201", 25.0)])
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["pointer"] == "#/0/building_id"


async def test_a_stocktake_covers_a_unit_or_a_building(client, admin, books):
    for scope in ({}, {"unit_id": books.first, "building_id": books.x}):
        answer = await client.post(STOCKTAKES, json={"title": "t", **scope}, headers=admin)
        assert answer.status_code == 422, scope


async def test_the_report_as_a_spreadsheet(client, admin, books):
    stocktake, _ = await building_x_closed(client, admin, books)
    answer = await client.get(
        f"{STOCKTAKES}/{stocktake}/report", params={"format": "xlsx"}, headers=admin
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("结果", "楼宇", "房间号")
    assert [row[:7] for row in rows[2:]] == [
        ("账实相符", "一号楼", "101", 30, 30, "办公室用房", "办公室用房"),
        ("账实不符", "一号楼", "102", 20, 24.5, "办公室用房", "设备用房"),
        ("盘盈", "一号楼", "109", None, 12, None, "办公室用房"),
        ("盘亏", "一号楼", "103", 15, None, "服务用房", None),
    ]
    assert rows[3][7:] == ("市财政局", "市财政局", "面积、用途", "隔墙已拆")


async def test_only_an_admin_runs_a_stocktake(client, admin, token_mint, books):
    stocktake = await open_stocktake(client, admin, building_id=books.x)
    for role in ("leader", "auditor"):
        headers = token_mint.headers(role)
        assert (await client.get(f"{STOCKTAKES}/{stocktake}", headers=headers)).status_code == 200
        answer = await record(client, headers, stocktake, [found(books.x, "101", 30.0)])
        assert answer.status_code == 403, role
        close = await client.post(f"{STOCKTAKES}/{stocktake}/close", headers=headers)
        assert close.status_code == 403, role


async def test_unit_staff_read_only_their_own_units_stocktakes(client, admin, token_mint, books):
    of_x = await open_stocktake(client, admin, building_id=books.x)
    of_first = await open_stocktake(client, admin, unit_id=books.first)
    of_second = await open_stocktake(client, admin, unit_id=books.second)
    staff = token_mint.headers("unit_staff", unit_id=books.first)

    listed = (await client.get(STOCKTAKES, headers=staff)).json()
    assert sorted(item["id"] for item in listed["items"]) == sorted([of_x, of_first])
    assert (await client.get(f"{STOCKTAKES}/{of_second}", headers=staff)).status_code == 404
    assert (await client.get(f"{STOCKTAKES}/{of_first}", headers=staff)).status_code == 200
    assert (await client.get(STOCKTAKES, headers=admin)).json()["total"] == 3


async def test_opening_and_closing_publish_events(
    client, admin, books, nats_server_url, event_namespace
):
    stocktake, _ = await building_x_closed(client, admin, books)

    async def stocktake_events():
        events = await published_events(nats_server_url, event_namespace, "asset")
        assert [(e.short_type, e.subject) for e in events] == [
            ("asset.stocktake.opened", stocktake),
            ("asset.stocktake.closed", stocktake),
        ]
        return events

    events = await eventually(stocktake_events)
    assert events[1].data["counts"] == {
        "matches": 1,
        "discrepancies": 1,
        "surpluses": 1,
        "shortfalls": 1,
    }


async def test_unit_staff_read_in_a_report_only_the_rooms_the_register_shows_them(
    client, admin, token_mint, books, add_rows
):
    # Building X is the first unit's; in it the second unit holds 104, and 105 is the first
    # unit's leader's office. The register shows the first unit's staff neither; nor may
    # the report of X's stocktake, nor 110, found in the second unit's use.
    await add_rows(
        Room(
            building_id=books.x,
            floor=1,
            number="104",
            usable_area=18.0,
            kind="office",
            occupant_unit_id=books.second,
        ),
        Room(
            building_id=books.x,
            floor=1,
            number="105",
            usable_area=40.0,
            kind="office",
            occupant_unit_id=books.first,
            leader_office=True,
        ),
    )
    stocktake = await open_stocktake(client, admin, building_id=books.x)
    findings = [
        found(books.x, "101", 30.0, occupant=books.first),
        found(books.x, "109", 12.0, occupant=books.first),
        found(books.x, "110", 12.0, occupant=books.second),
    ]
    assert (await record(client, admin, stocktake, findings)).status_code == 200
    assert (await client.post(f"{STOCKTAKES}/{stocktake}/close", headers=admin)).status_code == 200
    staff = token_mint.headers("unit_staff", unit_id=books.first)

    def every_room(report):
        return sorted(
            number
            for outcome in ("matches", "discrepancies", "surpluses", "shortfalls")
            for number in rooms(report[outcome])
        )

    register = await client.get("/api/v1/asset/rooms", params={"limit": 100}, headers=staff)
    assert sorted(room["number"] for room in register.json()["items"]) == ["101", "102", "103"]
    as_staff = (await client.get(f"{STOCKTAKES}/{stocktake}/report", headers=staff)).json()
    assert every_room(as_staff) == ["101", "102", "103", "109"]
    spreadsheet = await client.get(
        f"{STOCKTAKES}/{stocktake}/report", params={"format": "xlsx"}, headers=staff
    )
    rows = list(load_workbook(BytesIO(spreadsheet.content)).active.iter_rows(values_only=True))
    assert sorted(row[2] for row in rows[2:]) == ["101", "102", "103", "109"]

    as_admin = (await client.get(f"{STOCKTAKES}/{stocktake}/report", headers=admin)).json()
    assert every_room(as_admin) == ["101", "102", "103", "104", "105", "109", "110"]
