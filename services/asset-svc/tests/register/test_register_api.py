"""The register: parcels, buildings and rooms, what each must name, and who sees what."""

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events

from ..asset_helpers import API, change, make_building, make_rooms, make_unit


async def test_a_building_with_its_rooms_is_registered_and_published(
    client, admin, nats_server_url, event_namespace
):
    owner = await make_unit(client, admin)
    parcel = await client.post(
        f"{API}/land-parcels",
        json={
            "location": "中原路233号",
            "area": 5000,
            "use": "机关团体用地",
            "owner_unit_id": owner,
        },
        headers=admin,
    )
    assert parcel.status_code == 201, parcel.text
    building = await make_building(client, admin, owner, land_parcel_id=parcel.json()["id"])
    assert building["use"] == "office" and building["land_parcel_id"] == parcel.json()["id"]
    [room_id] = await make_rooms(client, admin, building["id"], [18.5])
    room = (await client.get(f"{API}/rooms/{room_id}", headers=admin)).json()
    assert room["occupant_unit_id"] is None and room["usable_area"] == 18.5

    async def building_created():
        events = await published_events(nats_server_url, event_namespace, "asset")
        assert "asset.building.created" in [event.short_type for event in events]

    await eventually(building_created)


async def test_an_unknown_use_or_kind_is_refused(client, admin):
    owner = await make_unit(client, admin)
    bad_use = await client.post(
        f"{API}/buildings",
        json={
            "name": "x",
            "address": "y",
            "owner_unit_id": owner,
            "gross_area": 1,
            "use": "casino",
        },
        headers=admin,
    )
    assert bad_use.status_code == 422
    assert bad_use.json()["errors"][0]["pointer"] == "#/use"
    building = await make_building(client, admin, owner)
    bad_kind = await client.post(
        f"{API}/rooms",
        json={
            "building_id": building["id"],
            "floor": 1,
            "number": "1",
            "usable_area": 9,
            "kind": "ballroom",
        },
        headers=admin,
    )
    assert bad_kind.status_code == 422


async def test_usable_area_cannot_exceed_gross_area(client, admin):
    owner = await make_unit(client, admin)
    answer = await client.post(
        f"{API}/buildings",
        json={
            "name": "x",
            "address": "y",
            "owner_unit_id": owner,
            "gross_area": 100,
            "usable_area": 120,
            "use": "office",
        },
        headers=admin,
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["pointer"] == "#/usable_area"


async def test_buildings_are_found_by_words_of_their_name_or_address(client, admin):
    owner = await make_unit(client, admin)
    await make_building(client, admin, owner, name="财政综合楼", address="中原路1号")
    await make_building(client, admin, owner, name="档案楼", address="财政巷8号")
    await make_building(client, admin, owner, name="车库", address="建设路2号")

    async def found(words):
        answer = await client.get(f"{API}/buildings", params={"q": words}, headers=admin)
        assert answer.status_code == 200, answer.text
        return [building["name"] for building in answer.json()["items"]]

    assert await found("财政") == ["档案楼", "财政综合楼"]
    assert await found("建设路") == ["车库"]
    assert await found("%") == []


async def test_a_room_number_is_unique_within_its_building(client, admin):
    owner = await make_unit(client, admin)
    building = await make_building(client, admin, owner)
    await make_rooms(client, admin, building["id"], [20])
    again = await client.post(
        f"{API}/rooms",
        json={
            "building_id": building["id"],
            "floor": 1,
            "number": "101",
            "usable_area": 9,
            "kind": "office",
        },
        headers=admin,
    )
    assert again.status_code == 409
    assert again.json()["rule"] == "unique-room-number"


async def test_unit_staff_see_only_their_own_units_rooms_and_unit(client, admin, token_mint):
    mine, theirs = await make_unit(client, admin, "甲局"), await make_unit(client, admin, "乙局")
    building = await make_building(client, admin, theirs)
    my_room, their_room = await make_rooms(client, admin, building["id"], [20, 30])
    await change(client, admin, "allocate", room_ids=[my_room], unit_id=mine)
    await change(client, admin, "allocate", room_ids=[their_room], unit_id=theirs)
    staff = token_mint.headers("unit_staff", unit_id=mine)

    rooms = (await client.get(f"{API}/rooms", headers=staff)).json()
    assert [room["id"] for room in rooms["items"]] == [my_room]
    assert (await client.get(f"{API}/rooms/{their_room}", headers=staff)).status_code == 404
    units = (await client.get(f"{API}/units", headers=staff)).json()
    assert [unit["id"] for unit in units["items"]] == [mine]
    assert (await client.get(f"{API}/units/{theirs}", headers=staff)).status_code == 403
    # The building is another unit's, but holds a room of theirs: they see it.
    assert (await client.get(f"{API}/buildings/{building['id']}", headers=staff)).status_code == 200


async def test_a_leaders_office_is_shown_only_to_admin_leader_and_auditor(
    client, admin, token_mint
):
    unit = await make_unit(client, admin)
    building = await make_building(client, admin, unit)
    answer = await client.post(
        f"{API}/rooms",
        json={
            "building_id": building["id"],
            "floor": 8,
            "number": "801",
            "usable_area": 42,
            "kind": "office",
            "leader_office": True,
        },
        headers=admin,
    )
    room_id = answer.json()["id"]
    for role in ("leader", "auditor", "admin"):
        seen = await client.get(f"{API}/rooms/{room_id}", headers=token_mint.headers(role))
        assert seen.status_code == 200, role
    for role in ("agent", "dept_head"):
        hidden = await client.get(f"{API}/rooms/{room_id}", headers=token_mint.headers(role))
        assert hidden.status_code == 404, role
        listing = await client.get(f"{API}/rooms", headers=token_mint.headers(role))
        assert listing.json()["total"] == 0


async def test_only_an_admin_registers_property(client, admin, token_mint):
    owner = await make_unit(client, admin)
    answer = await client.post(
        f"{API}/buildings",
        json={
            "name": "x",
            "address": "y",
            "owner_unit_id": owner,
            "gross_area": 10,
            "use": "office",
        },
        headers=token_mint.headers("leader"),
    )
    assert answer.status_code == 403
    assert (await client.get(f"{API}/buildings", headers=admin)).json()["total"] == 0


async def test_a_building_update_needs_the_current_version(client, admin):
    owner = await make_unit(client, admin)
    building = await make_building(client, admin, owner)
    url = f"{API}/buildings/{building['id']}"
    renamed = await client.patch(url, json={"name": "新楼名"}, headers={**admin, "If-Match": '"1"'})
    assert renamed.status_code == 200 and renamed.json()["version"] == 2
    stale = await client.patch(url, json={"name": "再改"}, headers={**admin, "If-Match": '"1"'})
    assert stale.status_code == 412
    title = await client.patch(url, json={"owner_unit_id": owner}, headers=admin)
    assert title.status_code == 422  # ownership moves only by transfer_title


@pytest.mark.parametrize(
    "body",
    [
        {"gross_area": None},
        {"name": None},
        {"use": None},
        {"usable_area": True},
        {"gross_area": "900"},
        {"built_year": 1990.5},
    ],
)
async def test_a_building_update_refuses_nulls_and_values_of_the_wrong_type(client, admin, body):
    owner = await make_unit(client, admin)
    building = await make_building(client, admin, owner)
    url = f"{API}/buildings/{building['id']}"
    refused = await client.patch(url, json=body, headers=admin)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert (await client.get(url, headers=admin)).json() == building


async def test_null_clears_what_a_building_may_not_know(client, admin):
    owner = await make_unit(client, admin)
    building = await make_building(client, admin, owner)
    url = f"{API}/buildings/{building['id']}"
    known = await client.patch(url, json={"usable_area": 80, "built_year": 2001}, headers=admin)
    assert known.json()["usable_area"] == 80 and known.json()["built_year"] == 2001
    cleared = await client.patch(url, json={"usable_area": None, "built_year": None}, headers=admin)
    assert cleared.status_code == 200
    assert cleared.json()["usable_area"] is None and cleared.json()["built_year"] is None
    assert cleared.json()["gross_area"] == building["gross_area"]


async def test_the_rooms_export_holds_every_room_the_caller_may_see(client, admin, token_mint):
    import io

    from openpyxl import load_workbook

    mine, theirs = await make_unit(client, admin, "甲局"), await make_unit(client, admin, "乙局")
    building = await make_building(client, admin, mine)
    rooms = await make_rooms(client, admin, building["id"], [20, 30, 12.5])
    await change(client, admin, "allocate", room_ids=rooms[:2], unit_id=mine)
    await change(client, admin, "allocate", room_ids=rooms[2:], unit_id=theirs)

    everything = await client.get(
        f"{API}/rooms", params={"format": "xlsx", "limit": 1}, headers=admin
    )
    assert everything.status_code == 200
    assert everything.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(everything.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("楼宇", "地址", "楼层", "房间号")
    assert sorted((row[3], row[4], row[5], row[6]) for row in rows[1:]) == [
        ("101", 20, "办公室用房", "甲局"),
        ("102", 30, "办公室用房", "甲局"),
        ("103", 12.5, "办公室用房", "乙局"),
    ]
    staff = token_mint.headers("unit_staff", unit_id=theirs)
    scoped = await client.get(f"{API}/rooms", params={"format": "xlsx"}, headers=staff)
    scoped_rows = list(load_workbook(io.BytesIO(scoped.content)).active.iter_rows(values_only=True))
    assert [row[3] for row in scoped_rows[1:]] == ["103"]
