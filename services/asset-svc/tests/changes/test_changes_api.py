"""The change register's guards, each refusal a 409 naming its rule and changing nothing."""

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events

from ..asset_helpers import API, change, make_building, make_rooms, make_unit


@pytest.fixture
async def holdings(client, admin):
    first, second = await make_unit(client, admin, "甲局"), await make_unit(client, admin, "乙局")
    building = await make_building(client, admin, first)
    rooms = await make_rooms(client, admin, building["id"], [20, 30, 40])
    return {"first": first, "second": second, "building": building["id"], "rooms": rooms}


async def occupant(client, admin, room_id):
    return (await client.get(f"{API}/rooms/{room_id}", headers=admin)).json()["occupant_unit_id"]


async def change_count(client, admin):
    return (await client.get(f"{API}/changes", headers=admin)).json()["total"]


async def test_allocating_rooms_records_a_change_and_sets_the_occupant(client, admin, holdings):
    answer = await change(
        client,
        admin,
        "allocate",
        room_ids=holdings["rooms"][:2],
        unit_id=holdings["first"],
        document_no="郑管〔2025〕12号",
    )
    assert answer.status_code == 201, answer.text
    recorded = answer.json()
    assert recorded["type"] == "allocate" and recorded["document_no"] == "郑管〔2025〕12号"
    assert sorted(recorded["room_ids"]) == sorted(holdings["rooms"][:2])
    assert recorded["actor_id"] and recorded["recorded_at"]
    assert await occupant(client, admin, holdings["rooms"][0]) == holdings["first"]
    assert await occupant(client, admin, holdings["rooms"][2]) is None


async def test_a_change_names_its_rooms_by_building_and_number_as_the_reader_may_see_them(
    client, admin, holdings, token_mint
):
    building = holdings["building"]
    office = await client.post(
        f"{API}/rooms",
        json={
            "building_id": building,
            "floor": 8,
            "number": "801",
            "usable_area": 60,
            "kind": "office",
            "leader_office": True,
        },
        headers=admin,
    )
    assert office.status_code == 201, office.text
    rooms = [holdings["rooms"][1], office.json()["id"]]
    recorded = await change(client, admin, "allocate", room_ids=rooms, unit_id=holdings["first"])
    assert recorded.status_code == 201, recorded.text
    change_id = recorded.json()["id"]

    def named(answer):
        assert answer.status_code in (200, 201), answer.text
        body = answer.json()
        found = body["items"][0] if "items" in body else body
        return [(room["building_name"], room["floor"], room["number"]) for room in found["rooms"]]

    both = [("市政府一号楼", 1, "102"), ("市政府一号楼", 8, "801")]
    assert named(recorded) == both
    assert named(await client.get(f"{API}/changes/{change_id}", headers=admin)) == both
    # A department head reads the register but not where a leader sits: that room is only
    # counted.
    head = token_mint.headers("dept_head")
    assert named(await client.get(f"{API}/changes/{change_id}", headers=head)) == both[:1]
    listed = await client.get(f"{API}/changes", params={"limit": 1}, headers=head)
    assert named(listed) == both[:1] and len(listed.json()["items"][0]["room_ids"]) == 2


async def test_allocating_an_occupied_room_is_refused(client, admin, holdings):
    await change(
        client, admin, "allocate", room_ids=holdings["rooms"][:1], unit_id=holdings["first"]
    )
    before = await change_count(client, admin)
    answer = await change(
        client, admin, "allocate", room_ids=holdings["rooms"][:2], unit_id=holdings["second"]
    )
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["rule"] == "no-double-allocation"
    assert await occupant(client, admin, holdings["rooms"][1]) is None  # nothing half done
    assert await change_count(client, admin) == before


async def test_reclaiming_an_empty_room_is_refused(client, admin, holdings):
    answer = await change(client, admin, "reclaim", room_ids=holdings["rooms"][:1])
    assert answer.status_code == 409
    assert answer.json()["rule"] == "no-reclaim-of-empty-room"


async def test_reallocation_moves_rooms_from_one_unit_to_another(client, admin, holdings):
    rooms = holdings["rooms"][:2]
    await change(client, admin, "allocate", room_ids=rooms, unit_id=holdings["first"])
    moved = await change(
        client,
        admin,
        "reallocate",
        room_ids=rooms,
        unit_id=holdings["second"],
        effective_date="2025-04-01",
    )
    assert moved.status_code == 201, moved.text
    assert moved.json()["from_unit_id"] == holdings["first"]
    assert await occupant(client, admin, rooms[0]) == holdings["second"]
    same = await change(
        client,
        admin,
        "reallocate",
        room_ids=rooms,
        unit_id=holdings["second"],
        effective_date="2025-04-02",
    )
    assert same.json()["rule"] == "reallocate-to-another-unit"
    empty = await change(
        client,
        admin,
        "reallocate",
        room_ids=holdings["rooms"][2:],
        unit_id=holdings["first"],
        effective_date="2025-04-02",
    )
    assert empty.json()["rule"] == "reallocate-held-rooms"


async def test_a_disposed_room_takes_no_further_change(client, admin, holdings):
    room = holdings["rooms"][:1]
    assert (await change(client, admin, "dispose", room_ids=room)).status_code == 201
    answer = await change(client, admin, "allocate", room_ids=room, unit_id=holdings["first"])
    assert answer.status_code == 409
    assert answer.json()["rule"] == "no-change-after-disposal"


async def test_an_occupied_room_is_reclaimed_before_disposal(client, admin, holdings):
    await change(
        client, admin, "allocate", room_ids=holdings["rooms"][:1], unit_id=holdings["first"]
    )
    answer = await change(client, admin, "dispose", building_id=holdings["building"])
    assert answer.status_code == 409
    assert answer.json()["rule"] == "reclaim-before-disposal"
    building = (await client.get(f"{API}/buildings/{holdings['building']}", headers=admin)).json()
    assert building["disposed"] is False


@pytest.mark.parametrize("forbidden", ["lease_out", "lend_out"])
async def test_office_space_is_never_leased_or_lent_out(client, admin, holdings, forbidden):
    answer = await change(
        client, admin, forbidden, room_ids=holdings["rooms"][:1], unit_id=holdings["second"]
    )
    assert answer.status_code == 409
    assert answer.json()["rule"] == "no-lease-or-loan-of-office-space"
    assert await change_count(client, admin) == 0


async def test_an_unknown_change_type_is_a_422(client, admin, holdings):
    answer = await change(client, admin, "sell_to_a_friend", room_ids=holdings["rooms"][:1])
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["pointer"] == "#/type"


async def test_a_change_naming_unknown_rooms_changes_nothing(client, admin, holdings):
    answer = await change(
        client,
        admin,
        "allocate",
        room_ids=[holdings["rooms"][0], "nope"],
        unit_id=holdings["first"],
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["pointer"] == "#/room_ids"
    assert await occupant(client, admin, holdings["rooms"][0]) is None


@pytest.mark.on_day("2026-06-01T10:00:00+08:00")  # 2026-06-02 is tomorrow
async def test_a_future_or_out_of_order_date_is_refused(client, admin, holdings):
    future = await change(
        client,
        admin,
        "allocate",
        effective_date="2026-06-02",
        room_ids=holdings["rooms"][:1],
        unit_id=holdings["first"],
    )
    assert future.status_code == 422
    await change(
        client,
        admin,
        "allocate",
        effective_date="2025-06-01",
        room_ids=holdings["rooms"][:1],
        unit_id=holdings["first"],
    )
    earlier = await change(
        client, admin, "reclaim", effective_date="2025-05-01", room_ids=holdings["rooms"][:1]
    )
    assert earlier.status_code == 409
    assert earlier.json()["rule"] == "changes-in-date-order"


@pytest.mark.parametrize("day", [0, 1735689600, 1735689600.0, "1735689600", True])
async def test_an_effective_date_that_is_not_iso_text_is_refused(client, admin, holdings, day):
    # A number would otherwise be read as a Unix timestamp: 0 as 1970-01-01.
    answer = await change(
        client,
        admin,
        "allocate",
        effective_date=day,
        room_ids=holdings["rooms"][:1],
        unit_id=holdings["first"],
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["pointer"] == "#/effective_date"
    assert await occupant(client, admin, holdings["rooms"][0]) is None
    assert await change_count(client, admin) == 0


async def test_a_mistake_is_corrected_by_a_counter_change_never_an_edit(client, admin, holdings):
    wrong = (
        await change(
            client, admin, "allocate", room_ids=holdings["rooms"][:1], unit_id=holdings["second"]
        )
    ).json()
    fix = await change(
        client,
        admin,
        "reclaim",
        room_ids=holdings["rooms"][:1],
        corrects_change_id=wrong["id"],
        reason="误分配，更正",
    )
    assert fix.status_code == 201
    assert fix.json()["corrects_change_id"] == wrong["id"]
    assert (await client.get(f"{API}/changes/{wrong['id']}", headers=admin)).json()[
        "unit_id"
    ] == holdings["second"]
    assert (
        await client.patch(f"{API}/changes/{wrong['id']}", json={"unit_id": None}, headers=admin)
    ).status_code == 405
    assert (await client.delete(f"{API}/changes/{wrong['id']}", headers=admin)).status_code == 405


async def test_title_transfer_moves_ownership_once(client, admin, holdings):
    moved = await change(
        client,
        admin,
        "transfer_title",
        building_id=holdings["building"],
        unit_id=holdings["second"],
    )
    assert moved.status_code == 201
    assert moved.json()["from_unit_id"] == holdings["first"]
    building = (await client.get(f"{API}/buildings/{holdings['building']}", headers=admin)).json()
    assert building["owner_unit_id"] == holdings["second"]
    again = await change(
        client,
        admin,
        "transfer_title",
        building_id=holdings["building"],
        unit_id=holdings["second"],
    )
    assert again.json()["rule"] == "transfer-to-another-owner"


async def test_acquisition_is_recorded_once(client, admin, holdings):
    assert (
        await change(client, admin, "acquire", building_id=holdings["building"])
    ).status_code == 201
    again = await change(client, admin, "acquire", building_id=holdings["building"])
    assert again.json()["rule"] == "acquire-once"


async def test_only_an_admin_records_changes(client, admin, holdings, token_mint):
    answer = await change(
        client,
        token_mint.headers("leader"),
        "allocate",
        room_ids=holdings["rooms"][:1],
        unit_id=holdings["first"],
    )
    assert answer.status_code == 403
    assert await change_count(client, admin) == 0


async def test_allocation_and_reclaim_are_published(
    client, admin, holdings, nats_server_url, event_namespace
):
    room = holdings["rooms"][:1]
    await change(client, admin, "allocate", room_ids=room, unit_id=holdings["first"])
    await change(client, admin, "reclaim", room_ids=room, effective_date="2025-03-02")

    async def room_events():
        events = await published_events(nats_server_url, event_namespace, "asset")
        room_types = [
            event.short_type for event in events if event.short_type.startswith("asset.room.")
        ]
        assert room_types == ["asset.room.allocated", "asset.room.reclaimed"]
        return [event for event in events if event.short_type.startswith("asset.room.")]

    allocated, reclaimed = await eventually(room_events)
    assert allocated.data["unit_id"] == holdings["first"] and allocated.data["room_ids"] == room
    assert reclaimed.data["from_unit_id"] == holdings["first"]


async def test_a_title_transfer_and_a_disposal_publish_the_building_as_it_now_is(
    client, admin, holdings, nats_server_url, event_namespace
):
    # Other services' replicas of buildings (emergency-svc's) learn of new owners and
    # disposals from these alone.
    building = holdings["building"]
    await change(client, admin, "transfer_title", building_id=building, unit_id=holdings["second"])
    await change(client, admin, "dispose", building_id=building, effective_date="2025-03-02")

    async def building_updates():
        events = await published_events(nats_server_url, event_namespace, "asset")
        updates = [event for event in events if event.short_type == "asset.building.updated"]
        assert len(updates) == 2
        return updates

    transferred, disposed = await eventually(building_updates)
    assert transferred.subject == building and disposed.subject == building
    assert transferred.data["owner_unit_id"] == holdings["second"]
    assert transferred.data["disposed"] is False
    assert disposed.data["disposed"] is True
    assert disposed.data["version"] == transferred.data["version"] + 1
