"""Every spreadsheet asset-svc answers holds what people typed as text, never as a formula:
a name typed as `=HYPERLINK(…)` must reach the reader's workbook as those characters, not
as a live link (as a ledger item's title once did)."""

from guanjia_shared.testing.spreadsheets import FORMULA_TEXTS, assert_text_only

from ..asset_helpers import API, change, make_building, make_rooms, make_unit

LINK, DDE, MINUS, AT = FORMULA_TEXTS


async def test_the_rooms_register(client, admin):
    unit = await make_unit(client, admin, name=AT)
    building = await make_building(client, admin, unit, name=LINK, address=DDE)
    rooms = await make_rooms(client, admin, building["id"], [20])
    assert (await change(client, admin, "allocate", room_ids=rooms, unit_id=unit)).is_success
    answer = await client.get(f"{API}/rooms", params={"format": "xlsx"}, headers=admin)
    assert answer.status_code == 200, answer.text
    assert_text_only(answer.content, LINK, DDE, AT)


async def test_the_space_compliance_report(client, admin):
    await make_unit(client, admin, name=LINK)
    answer = await client.get(
        f"{API}/reports/space-compliance", params={"format": "xlsx"}, headers=admin
    )
    assert answer.status_code == 200, answer.text
    assert_text_only(answer.content, LINK)


async def test_the_stocktake_report(client, admin):
    unit = await make_unit(client, admin, name=AT)
    building = await make_building(client, admin, unit, name=LINK)
    stocktakes = f"{API}/stocktakes"
    opened = await client.post(
        stocktakes, json={"title": DDE, "building_id": building["id"]}, headers=admin
    )
    assert opened.status_code == 201, opened.text
    stocktake = opened.json()["id"]
    finding = {
        "building_id": building["id"],
        "room_number": MINUS,
        "found_area": 12.0,
        "found_kind": "office",
        "found_occupant_unit_id": unit,
        "note": LINK,
    }
    recorded = await client.post(
        f"{stocktakes}/{stocktake}/findings", json=[finding], headers=admin
    )
    assert recorded.status_code == 200, recorded.text
    assert (await client.post(f"{stocktakes}/{stocktake}/close", headers=admin)).is_success
    answer = await client.get(
        f"{stocktakes}/{stocktake}/report", params={"format": "xlsx"}, headers=admin
    )
    assert answer.status_code == 200, answer.text
    # The title is the caption's beginning: a formula, were it written as one.
    assert_text_only(answer.content, LINK, MINUS, AT, f"{DDE}（{stocktake}）")


async def test_the_import_template(client, admin):
    answer = await client.get(f"{API}/imports/template", headers=admin)
    assert answer.status_code == 200
    assert_text_only(answer.content)
