"""Seating at the service: who sits in an office room on any day, the rules of taking and
vacating a seat, who sees names and leaders' offices, the change register's refusal to move
a room under seated people, and the events published."""

from types import SimpleNamespace

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events

from ..asset_helpers import API, change, make_building, make_rooms, make_unit


@pytest.fixture
async def estate(client, admin):
    """Two municipal units; rooms 101 and 102 allocated to the first from 2024-01-01, the
    leader's office 201 too, and an unallocated office 103."""
    first = await make_unit(client, admin, "市财政局")
    second = await make_unit(client, admin, "市教育局")
    building = (await make_building(client, admin, first))["id"]
    office, other_office, empty = await make_rooms(client, admin, building, [18.0, 24.0, 12.0])
    body = {"building_id": building, "floor": 2, "number": "201", "usable_area": 30.0}
    answer = await client.post(
        f"{API}/rooms", json={**body, "kind": "office", "leader_office": True}, headers=admin
    )
    leaders = answer.json()["id"]
    rooms = [office, other_office, leaders]
    answer = await change(client, admin, "allocate", "2024-01-01", room_ids=rooms, unit_id=first)
    assert answer.status_code == 201, answer.text
    return SimpleNamespace(
        first=first,
        second=second,
        building=building,
        office=office,
        other_office=other_office,
        empty=empty,
        leaders=leaders,
    )


async def take_seat(client, admin, room_id, name, day, rank="staff", **fields):
    body = {"name": name, "rank": rank, "effective_date": day, **fields}
    return await client.post(f"{API}/rooms/{room_id}/seats", json=body, headers=admin)


async def seated(client, admin, room_id, name, day, rank="staff") -> str:
    answer = await take_seat(client, admin, room_id, name, day, rank)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


async def move_out(client, admin, seat_id, day):
    body = {"effective_date": day}
    return await client.post(f"{API}/seats/{seat_id}/move-out", json=body, headers=admin)


async def names(client, headers, path, day=None) -> list:
    params = {"as_of": day} if day else {}
    answer = await client.get(f"{API}/{path}/seats", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return [seat["name"] for seat in answer.json()["seats"]]


async def test_who_sat_in_a_room_is_answered_for_any_date(client, admin, estate):
    zhang = await seated(client, admin, estate.office, "张伟", "2024-02-01")
    answer = await take_seat(
        client, admin, estate.office, "李娜", "2024-03-01", "bureau_director", position_title="处长"
    )
    assert answer.status_code == 201, answer.text
    assert answer.json() | {"id": None} == {
        "id": None,
        "room_id": estate.office,
        "unit_id": estate.first,
        "name": "李娜",
        "rank": "bureau_director",
        "position_title": "处长",
        "taken_on": "2024-03-01",
        "vacated_on": None,
    }
    answer = await move_out(client, admin, zhang, "2024-04-01")
    assert answer.status_code == 201, answer.text
    assert answer.json()["vacated_on"] == "2024-04-01"

    room = f"rooms/{estate.office}"
    assert await names(client, admin, room, "2024-01-31") == []
    assert await names(client, admin, room, "2024-02-01") == ["张伟"]
    assert await names(client, admin, room, "2024-03-15") == ["张伟", "李娜"]
    assert await names(client, admin, room, "2024-04-01") == ["李娜"]
    assert await names(client, admin, room) == ["李娜"]
    answer = await client.get(f"{API}/{room}/seats", params={"as_of": "2024-03-15"}, headers=admin)
    seats = answer.json()
    assert seats["as_of"] == "2024-03-15"
    assert seats["seats"][0]["vacated_on"] == "2024-04-01"


async def test_a_units_seats_follow_the_rooms_it_held_on_the_day(client, admin, estate):
    zhang = await seated(client, admin, estate.office, "张伟", "2024-02-01")
    await seated(client, admin, estate.other_office, "王芳", "2024-02-01")
    assert (await move_out(client, admin, zhang, "2024-05-01")).status_code == 201
    answer = await change(
        client, admin, "reallocate", "2024-06-01", room_ids=[estate.office], unit_id=estate.second
    )
    assert answer.status_code == 201, answer.text
    answer = await take_seat(client, admin, estate.office, "赵强", "2024-07-01", "deputy")
    assert answer.status_code == 201, answer.text
    assert answer.json()["unit_id"] == estate.second

    first, second = f"units/{estate.first}", f"units/{estate.second}"
    assert await names(client, admin, first, "2024-03-01") == ["张伟", "王芳"]
    assert await names(client, admin, second, "2024-03-01") == []
    assert await names(client, admin, first) == ["王芳"]
    assert await names(client, admin, second) == ["赵强"]


async def test_refused_seats_and_move_outs_change_nothing(
    client, admin, token_mint, estate, nats_server_url, event_namespace
):
    zhang = await seated(client, admin, estate.office, "张伟", "2024-02-01")
    garage = (await make_building(client, admin, estate.first, name="车库", use="garage"))["id"]
    parking = (await make_rooms(client, admin, garage, [15.0], kind="parking"))[0]
    annex = (await make_building(client, admin, estate.first, name="附楼"))["id"]
    # An office allocated, then reclaimed and disposed.
    gone = (await make_rooms(client, admin, annex, [20.0]))[0]
    for kind, rooms in (("allocate", [parking, gone]), ("reclaim", [gone]), ("dispose", [gone])):
        answer = await change(
            client, admin, kind, "2024-01-01", room_ids=rooms, unit_id=estate.first
        )
        assert answer.status_code == 201, answer.text
    staff = token_mint.headers("unit_staff", unit_id=estate.first)

    async def refused(answer, status, rule=None):
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        if rule:
            assert answer.json()["rule"] == rule

    await refused(
        await take_seat(client, admin, estate.empty, "李娜", "2024-02-01"),
        409,
        "seat-in-an-allocated-room",
    )
    await refused(
        await take_seat(client, admin, estate.office, "李娜", "2023-12-31"),
        409,
        "seat-in-an-allocated-room",
    )
    await refused(
        await take_seat(client, admin, parking, "李娜", "2024-02-01"), 409, "seat-in-office-space"
    )
    await refused(
        await take_seat(client, admin, gone, "李娜", "2024-02-01"), 409, "no-change-after-disposal"
    )
    for rank in ("section_chief", "minister", ""):
        await refused(
            await take_seat(client, admin, estate.office, "李娜", "2024-02-01", rank), 422
        )
    await refused(await take_seat(client, admin, estate.office, "李娜", "2999-01-01"), 422)
    await refused(await take_seat(client, staff, estate.office, "李娜", "2024-02-01"), 403)
    await refused(await take_seat(client, admin, "no-such-room", "李娜", "2024-02-01"), 404)

    await refused(await move_out(client, admin, zhang, "2024-01-31"), 422)
    await refused(await move_out(client, admin, zhang, "2999-01-01"), 422)
    await refused(await move_out(client, staff, zhang, "2024-03-01"), 403)
    await refused(await move_out(client, admin, "no-such-seat", "2024-03-01"), 404)
    assert await names(client, admin, f"units/{estate.first}") == ["张伟"]

    assert (await move_out(client, admin, zhang, "2024-03-01")).status_code == 201
    await refused(await move_out(client, admin, zhang, "2024-04-01"), 409, "vacate-a-seat-once")
    answer = await client.get(
        f"{API}/rooms/{estate.office}/seats", params={"as_of": "2024-02-15"}, headers=admin
    )
    assert [s["vacated_on"] for s in answer.json()["seats"]] == ["2024-03-01"]

    async def seat_events():
        events = await published_events(nats_server_url, event_namespace, "asset")
        seats = [e.short_type for e in events if e.short_type.startswith("asset.seat.")]
        assert seats == ["asset.seat.taken", "asset.seat.vacated"]

    await eventually(seat_events)


async def test_names_are_shown_to_the_bureaus_few_and_the_units_own_staff(
    client, admin, token_mint, estate
):
    await seated(client, admin, estate.office, "张伟", "2024-02-01")
    room, unit = f"rooms/{estate.office}", f"units/{estate.first}"
    for role in ("leader", "auditor"):
        headers = token_mint.headers(role)
        assert await names(client, headers, room) == ["张伟"], role
        assert await names(client, headers, unit) == ["张伟"], role
    own_staff = token_mint.headers("unit_staff", unit_id=estate.first)
    assert await names(client, own_staff, room) == ["张伟"]
    assert await names(client, own_staff, unit) == ["张伟"]
    for role in ("dept_head", "agent", "commander"):
        headers = token_mint.headers(role)
        assert await names(client, headers, room) == [None], role
        assert await names(client, headers, unit) == [None], role

    other_staff = token_mint.headers("unit_staff", unit_id=estate.second)
    answer = await client.get(f"{API}/{room}/seats", headers=other_staff)
    assert answer.status_code == 404
    answer = await client.get(f"{API}/{unit}/seats", headers=other_staff)
    assert answer.status_code == 403


async def test_leaders_offices_and_their_seats_are_shown_to_few(client, admin, token_mint, estate):
    await seated(client, admin, estate.office, "张伟", "2024-02-01")
    await seated(client, admin, estate.leaders, "刘局长", "2024-02-01", rank="head")
    leaders, unit = f"rooms/{estate.leaders}", f"units/{estate.first}"
    for role in ("leader", "auditor"):
        headers = token_mint.headers(role)
        assert await names(client, headers, leaders) == ["刘局长"], role
        assert sorted(await names(client, headers, unit)) == ["刘局长", "张伟"], role

    for headers in (
        token_mint.headers("dept_head"),
        token_mint.headers("unit_staff", unit_id=estate.first),
    ):
        answer = await client.get(f"{API}/{leaders}/seats", headers=headers)
        assert answer.status_code == 404
        answer = await client.get(f"{API}/{unit}/seats", headers=headers)
        assert [seat["room_id"] for seat in answer.json()["seats"]] == [estate.office]


async def test_a_room_is_not_moved_from_under_seated_people(client, admin, estate):
    zhang = await seated(client, admin, estate.office, "张伟", "2024-02-01")
    for kind, fields in (
        ("reclaim", {"room_ids": [estate.office]}),
        ("reallocate", {"room_ids": [estate.office], "unit_id": estate.second}),
        ("dispose", {"building_id": estate.building}),
    ):
        answer = await change(client, admin, kind, "2024-03-01", **fields)
        assert answer.status_code == 409, (kind, answer.text)
        assert answer.json()["rule"] == "vacate-seats-first", kind
    history = await client.get(f"{API}/rooms/{estate.office}/history", headers=admin)
    assert [entry["type"] for entry in history.json()] == ["allocate"]

    assert (await move_out(client, admin, zhang, "2024-04-01")).status_code == 201
    # He sat there until 1 April: a reclaim from before then would carry him along.
    answer = await change(client, admin, "reclaim", "2024-03-01", room_ids=[estate.office])
    assert answer.status_code == 409 and answer.json()["rule"] == "vacate-seats-first"
    answer = await change(client, admin, "reclaim", "2024-04-01", room_ids=[estate.office])
    assert answer.status_code == 201, answer.text
    answer = await client.get(f"{API}/rooms/{estate.office}", headers=admin)
    assert answer.json()["occupant_unit_id"] is None


async def test_seats_publish_events_without_names(
    client, admin, estate, nats_server_url, event_namespace
):
    seat = await seated(client, admin, estate.office, "张伟", "2024-02-01", rank="deputy")
    assert (await move_out(client, admin, seat, "2024-04-01")).status_code == 201

    async def seat_events():
        events = await published_events(nats_server_url, event_namespace, "asset")
        seats = [e for e in events if e.short_type.startswith("asset.seat.")]
        assert [e.short_type for e in seats] == ["asset.seat.taken", "asset.seat.vacated"]
        return seats

    expected = {
        "seat_id": seat,
        "room_id": estate.office,
        "unit_id": estate.first,
        "rank": "deputy",
    }
    for event in await eventually(seat_events):
        assert event.subject == seat
        assert event.data == expected
        assert "张伟" not in event.model_dump_json()
