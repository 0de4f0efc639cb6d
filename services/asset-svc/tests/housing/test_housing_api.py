"""Staff housing at the service: moves in and out over time, the rules that keep one
household to a unit, who sees names, and the events published."""

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events

HOUSING = "/api/v1/asset/housing"


async def housing_unit(client, admin, building_id, number="1-201", area=89.5):
    body = {"building_id": building_id, "number": number, "usable_area": area, "layout": "三室一厅"}
    answer = await client.post(HOUSING, json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


async def household(client, admin, name, unit_id):
    answer = await client.post(
        f"{HOUSING}/occupants", json={"name": name, "unit_id": unit_id}, headers=admin
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


async def move_in(client, admin, housing_id, occupant_id, day):
    body = {"occupant_id": occupant_id, "effective_date": day}
    return await client.post(f"{HOUSING}/{housing_id}/move-in", json=body, headers=admin)


async def move_out(client, admin, housing_id, day):
    body = {"effective_date": day}
    return await client.post(f"{HOUSING}/{housing_id}/move-out", json=body, headers=admin)


async def two_households_move(client, admin, estate, flat):
    """张伟 (the first unit's) lives in 1-201 from 2024-01-10 to 06-30, then in 1-202 from
    07-01; 李娜 (the second unit's) in 1-201 from 06-30."""
    zhang = await household(client, admin, "张伟", estate.first)
    li = await household(client, admin, "李娜", estate.second)
    other = await housing_unit(client, admin, estate.building, number="1-202")
    for answer in [
        await move_in(client, admin, flat, zhang, "2024-01-10"),
        await move_out(client, admin, flat, "2024-06-30"),
        await move_in(client, admin, flat, li, "2024-06-30"),
        await move_in(client, admin, other, zhang, "2024-07-01"),
    ]:
        assert answer.status_code == 201, answer.text


@pytest.fixture
async def flat(client, admin, estate):
    return await housing_unit(client, admin, estate.building)


async def test_who_lived_where_is_answered_for_any_date(client, admin, estate, flat):
    await two_households_move(client, admin, estate, flat)

    async def living(day=None):
        params = {"as_of": day} if day else {}
        answer = await client.get(HOUSING, params=params, headers=admin)
        assert answer.status_code == 200, answer.text
        return {
            item["number"]: item["occupant"] and (item["occupant"]["name"], item["occupied_since"])
            for item in answer.json()["items"]
        }

    assert await living("2024-01-09") == {"1-201": None, "1-202": None}
    assert await living("2024-01-10") == {"1-201": ("张伟", "2024-01-10"), "1-202": None}
    assert await living("2024-06-29") == {"1-201": ("张伟", "2024-01-10"), "1-202": None}
    assert await living("2024-06-30") == {"1-201": ("李娜", "2024-06-30"), "1-202": None}
    assert await living("2024-07-01") == {
        "1-201": ("李娜", "2024-06-30"),
        "1-202": ("张伟", "2024-07-01"),
    }
    assert await living() == await living("2024-07-01")

    history = (await client.get(f"{HOUSING}/{flat}/history", headers=admin)).json()
    assert history["housing_unit"]["occupant"]["name"] == "李娜"
    assert [(m["kind"], m["occupant"]["name"], m["effective_date"]) for m in history["moves"]] == [
        ("move_in", "张伟", "2024-01-10"),
        ("move_out", "张伟", "2024-06-30"),
        ("move_in", "李娜", "2024-06-30"),
    ]


async def test_a_second_household_may_not_move_in(client, admin, estate, flat):
    zhang = await household(client, admin, "张伟", estate.first)
    li = await household(client, admin, "李娜", estate.first)
    assert (await move_in(client, admin, flat, zhang, "2024-01-10")).status_code == 201
    answer = await move_in(client, admin, flat, li, "2024-02-01")
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["rule"] == "one-household-per-unit"


async def test_an_empty_unit_has_no_one_to_move_out(client, admin, estate, flat):
    answer = await move_out(client, admin, flat, "2024-01-10")
    assert answer.status_code == 409
    assert answer.json()["rule"] == "no-move-out-of-empty-unit"
    zhang = await household(client, admin, "张伟", estate.first)
    await move_in(client, admin, flat, zhang, "2024-01-10")
    assert (await move_out(client, admin, flat, "2024-03-01")).status_code == 201
    answer = await move_out(client, admin, flat, "2024-04-01")
    assert answer.status_code == 409 and answer.json()["rule"] == "no-move-out-of-empty-unit"


async def test_a_household_lives_in_one_unit_at_a_time(client, admin, estate, flat):
    other = await housing_unit(client, admin, estate.building, number="2-101")
    zhang = await household(client, admin, "张伟", estate.first)
    await move_in(client, admin, flat, zhang, "2024-01-10")
    answer = await move_in(client, admin, other, zhang, "2024-02-01")
    assert answer.status_code == 409 and answer.json()["rule"] == "one-unit-per-household"


async def test_moves_are_recorded_in_date_order_and_once_they_happened(client, admin, estate, flat):
    zhang = await household(client, admin, "张伟", estate.first)
    await move_in(client, admin, flat, zhang, "2024-05-01")
    answer = await move_out(client, admin, flat, "2024-04-30")
    assert answer.status_code == 409 and answer.json()["rule"] == "housing-moves-in-date-order"
    answer = await move_out(client, admin, flat, "2999-01-01")
    assert answer.status_code == 422
    history = (await client.get(f"{HOUSING}/{flat}/history", headers=admin)).json()
    assert len(history["moves"]) == 1


async def test_names_are_shown_only_to_admin_leader_and_auditor(
    client, admin, token_mint, estate, flat
):
    zhang = await household(client, admin, "张伟", estate.first)
    await move_in(client, admin, flat, zhang, "2024-01-10")
    for role in ("leader", "auditor"):
        seen = (await client.get(f"{HOUSING}/{flat}", headers=token_mint.headers(role))).json()
        assert seen["occupant"]["name"] == "张伟", role

    staff = token_mint.headers("unit_staff", unit_id=estate.first)
    seen = (await client.get(f"{HOUSING}/{flat}", headers=staff)).json()
    assert seen["occupant"] == {"id": zhang, "name": None, "unit_id": estate.first}
    listed = (await client.get(HOUSING, headers=staff)).json()
    assert [item["occupant"]["name"] for item in listed["items"]] == [None]
    history = (await client.get(f"{HOUSING}/{flat}/history", headers=staff)).json()
    assert [move["occupant"]["name"] for move in history["moves"]] == [None]
    assert (await client.get(f"{HOUSING}/occupants", headers=staff)).status_code == 403


async def test_unit_staff_see_only_their_own_units_households(
    client, admin, token_mint, estate, flat
):
    zhang = await household(client, admin, "张伟", estate.first)
    await move_in(client, admin, flat, zhang, "2024-01-10")
    staff = token_mint.headers("unit_staff", unit_id=estate.second)
    assert (await client.get(HOUSING, headers=staff)).json() == {"items": [], "total": 0}
    assert (await client.get(f"{HOUSING}/{flat}", headers=staff)).status_code == 404
    assert (await client.get(f"{HOUSING}/{flat}/history", headers=staff)).status_code == 404
    assert (await move_out(client, staff, flat, "2024-02-01")).status_code == 403


async def test_homes_are_listed_by_the_unit_of_their_household_on_a_day(
    client, admin, token_mint, estate, flat
):
    await two_households_move(client, admin, estate, flat)

    async def homes(headers, unit_id, day):
        params = {"occupant_unit_id": unit_id, "as_of": day}
        answer = await client.get(HOUSING, params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return [item["number"] for item in answer.json()["items"]], answer.json()["total"]

    assert await homes(admin, estate.first, "2024-03-01") == (["1-201"], 1)
    assert await homes(admin, estate.first, "2024-08-01") == (["1-202"], 1)
    assert await homes(admin, estate.second, "2024-08-01") == (["1-201"], 1)
    assert await homes(admin, estate.second, "2024-03-01") == ([], 0)
    staff = token_mint.headers("unit_staff", unit_id=estate.first)
    assert await homes(staff, estate.first, "2024-08-01") == (["1-202"], 1)
    # Another unit's households are not a unit's staff's to list.
    assert await homes(staff, estate.second, "2024-08-01") == ([], 0)


async def test_a_building_numbers_its_housing_units_once(client, admin, estate, flat):
    body = {"building_id": estate.building, "number": "1-201", "usable_area": 60}
    answer = await client.post(HOUSING, json=body, headers=admin)
    assert answer.status_code == 409 and answer.json()["rule"] == "unique-housing-unit-number"


async def test_moves_publish_events_without_names(
    client, admin, estate, flat, nats_server_url, event_namespace
):
    zhang = await household(client, admin, "张伟", estate.first)
    await move_in(client, admin, flat, zhang, "2024-01-10")
    await move_out(client, admin, flat, "2024-06-30")

    async def housing_events():
        events = await published_events(nats_server_url, event_namespace, "asset")
        assert [e.short_type for e in events] == [
            "asset.housing.moved_in",
            "asset.housing.moved_out",
        ]
        return events

    events = await eventually(housing_events)
    assert events[0].subject == flat
    assert events[0].data["occupant_id"] == zhang
    assert events[0].data["occupant_unit_id"] == estate.first
    assert events[1].data["effective_date"] == "2024-06-30"
    assert all("张伟" not in event.model_dump_json() for event in events)
