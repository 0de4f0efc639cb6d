"""Renovations at the service: the state machine, the rules only a leader sets aside, the
register entry on acceptance, who sees what, and the events published.

Numbers: room 101 is 62.5 m²; at the default cap of 1 500 yuan/m² an admin may approve up
to 62.5 × 1 500 = 93 750.00 yuan; 93 750.01 needs a leader.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from asset_svc.changes.models import ChangeRoom, PropertyChange
from asset_svc.register.models import Building, Room
from guanjia_shared.clock import frozen_at
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events

RENOVATIONS = "/api/v1/asset/renovations"


@pytest.fixture
def leader(token_mint):
    return token_mint.headers("leader", sub="leader-1")


async def request(client, admin, room_ids, estimated_cost="30000.00", area=62.5, **fields):
    body = {
        "room_ids": room_ids,
        "title": "101室墙面地面翻新",
        "area": area,
        "estimated_cost": estimated_cost,
        "document_no": "市管〔2025〕12号",
        "reason": "墙皮脱落",
        **fields,
    }
    answer = await client.post(RENOVATIONS, json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def move(client, headers, renovation_id, name, body=None):
    return await client.post(f"{RENOVATIONS}/{renovation_id}/{name}", json=body, headers=headers)


async def accepted(client, admin, room_ids, **fields):
    renovation = await request(client, admin, room_ids, **fields)
    for name, body in (("approve", None), ("start", None), ("accept", {"final_cost": "1.00"})):
        answer = await move(client, admin, renovation["id"], name, body)
        assert answer.status_code == 200, answer.text
    return renovation


# The state machine


async def test_a_renovation_goes_from_requested_through_to_accepted(client, admin, holdings):
    renovation = await request(client, admin, [holdings.room_101])
    assert renovation["status"] == "requested"
    assert renovation["estimated_cost"] == "30000.00"
    assert renovation["unit_id"] == holdings.first
    assert renovation["building_id"] == holdings.building

    steps = [
        ("approve", None, "approved"),
        ("start", None, "in_progress"),
        ("accept", {"final_cost": "58800.5"}, "accepted"),
    ]
    for name, body, status in steps:
        answer = await move(client, admin, renovation["id"], name, body)
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == status

    fetched = (await client.get(f"{RENOVATIONS}/{renovation['id']}", headers=admin)).json()
    assert fetched["final_cost"] == "58800.50"
    assert fetched["accepted_on"] is not None
    assert [(m["from_status"], m["to_status"]) for m in fetched["moves"]] == [
        (None, "requested"),
        ("requested", "approved"),
        ("approved", "in_progress"),
        ("in_progress", "accepted"),
    ]
    assert [m["step"] for m in fetched["moves"]] == [1, 2, 3, 4]


async def test_a_rejection_keeps_its_reason(client, admin, holdings):
    renovation = await request(client, admin, [holdings.room_101])
    answer = await move(client, admin, renovation["id"], "reject", {"reason": "预算不足"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "rejected"
    assert answer.json()["moves"][-1]["reason"] == "预算不足"


async def test_a_rejection_without_a_reason_is_invalid(client, admin, holdings):
    renovation = await request(client, admin, [holdings.room_101])
    answer = await move(client, admin, renovation["id"], "reject", {})
    assert answer.status_code == 422


# (moves that reach the state, moves refused from it)
WRONG_STATE_MOVES = [
    ([], ["start", "accept"]),
    (["approve"], ["approve", "reject", "accept"]),
    (["reject"], ["approve", "reject", "start", "accept"]),
    (["approve", "start"], ["approve", "reject", "start"]),
    (["approve", "start", "accept"], ["approve", "reject", "start", "accept"]),
]
BODIES = {"reject": {"reason": "不予批准"}, "accept": {"final_cost": "100.00"}}


@pytest.mark.parametrize(("path", "refused"), WRONG_STATE_MOVES)
async def test_a_move_from_the_wrong_state_is_refused_naming_the_rule(
    client, admin, holdings, path, refused
):
    renovation = await request(client, admin, [holdings.room_101])
    for name in path:
        answer = await move(client, admin, renovation["id"], name, BODIES.get(name))
        assert answer.status_code == 200, answer.text
    status = answer.json()["status"] if path else "requested"
    for name in refused:
        answer = await move(client, admin, renovation["id"], name, BODIES.get(name))
        assert answer.status_code == 409, (status, name, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["rule"] == "renovation-state-machine"
        assert problem["current_status"] == status
    fetched = (await client.get(f"{RENOVATIONS}/{renovation['id']}", headers=admin)).json()
    assert fetched["status"] == status and len(fetched["moves"]) == len(path) + 1


# The cost cap


async def test_at_the_cost_cap_an_admin_approves(client, admin, holdings):
    renovation = await request(client, admin, [holdings.room_101], estimated_cost="93750.00")
    answer = await move(client, admin, renovation["id"], "approve")
    assert answer.status_code == 200, answer.text
    assert answer.json()["overridden_rules"] == []


async def test_above_the_cost_cap_an_admin_may_not_approve(client, admin, holdings):
    renovation = await request(client, admin, [holdings.room_101], estimated_cost="93750.01")
    answer = await move(client, admin, renovation["id"], "approve", {"reason": "急需"})
    assert answer.status_code == 403, answer.text
    assert answer.json()["rule"] == "renovation-cost-cap"


async def test_a_request_names_the_rules_it_goes_beyond_until_it_is_decided(
    client, admin, leader, holdings
):
    within = await request(client, admin, [holdings.room_101], estimated_cost="93750.00")
    beyond = await request(client, admin, [holdings.room_101], estimated_cost="93750.01")
    assert beyond["rules_needing_a_leader"] == ["renovation-cost-cap"]

    async def rules_read():
        listed = (await client.get(RENOVATIONS, headers=admin)).json()["items"]
        one = (await client.get(f"{RENOVATIONS}/{beyond['id']}", headers=admin)).json()
        by_id = {item["id"]: item["rules_needing_a_leader"] for item in listed}
        return by_id[within["id"]], by_id[beyond["id"]], one["rules_needing_a_leader"]

    assert await rules_read() == ([], ["renovation-cost-cap"], ["renovation-cost-cap"])
    answer = await move(client, leader, beyond["id"], "approve", {"reason": "涉及消防整改"})
    assert answer.json()["rules_needing_a_leader"] == []
    # Decided, it names none: what was set aside is its overridden_rules.
    assert await rules_read() == ([], [], [])


async def test_above_the_cost_cap_a_leader_must_give_a_reason(client, admin, leader, holdings):
    renovation = await request(client, admin, [holdings.room_101], estimated_cost="93750.01")
    answer = await move(client, leader, renovation["id"], "approve", {})
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["pointer"] == "#/reason"


async def test_above_the_cost_cap_a_leader_approves_with_a_reason_and_it_is_kept(
    client, admin, leader, holdings
):
    renovation = await request(client, admin, [holdings.room_101], estimated_cost="93750.01")
    answer = await move(client, leader, renovation["id"], "approve", {"reason": "涉及消防整改"})
    assert answer.status_code == 200, answer.text
    approved = answer.json()
    assert approved["approved_by"] == "leader-1"
    assert approved["approval_reason"] == "涉及消防整改"
    assert approved["overridden_rules"] == ["renovation-cost-cap"]
    last = approved["moves"][-1]
    assert (last["actor_id"], last["reason"], last["overridden_rules"]) == (
        "leader-1",
        "涉及消防整改",
        ["renovation-cost-cap"],
    )


# Repeat renovations: accepted on 2019-06-01, the same room may be renovated again from
# 2027-06-01 on (eight years); on 2027-05-31 only a leader approves.


def day(text):
    return datetime.fromisoformat(f"{text}T10:00:00+08:00").astimezone(UTC)


async def test_a_room_renovated_within_eight_years_needs_a_leader(client, admin, leader, holdings):
    with frozen_at(day("2019-06-01")):
        first = await accepted(client, admin, [holdings.room_101])
    first = (await client.get(f"{RENOVATIONS}/{first['id']}", headers=admin)).json()
    assert first["accepted_on"] == "2019-06-01"

    with frozen_at(day("2027-05-31")):
        again = await request(client, admin, [holdings.room_101, holdings.room_102])
        refused = await move(client, admin, again["id"], "approve")
        assert refused.status_code == 403, refused.text
        assert refused.json()["rule"] == "renovation-min-years-between"
        no_reason = await move(client, leader, again["id"], "approve")
        assert no_reason.status_code == 422
        approved = await move(client, leader, again["id"], "approve", {"reason": "漏水"})
        assert approved.status_code == 200, approved.text
        assert approved.json()["overridden_rules"] == ["renovation-min-years-between"]
        # Another room of the same building was not renovated: an admin approves it.
        other = await request(client, admin, [holdings.room_102])
        assert (await move(client, admin, other["id"], "approve")).status_code == 200


async def test_eight_years_after_acceptance_an_admin_approves_again(client, admin, holdings):
    with frozen_at(day("2019-06-01")):
        await accepted(client, admin, [holdings.room_101])
    with frozen_at(day("2027-06-01")):
        again = await request(client, admin, [holdings.room_101])
        answer = await move(client, admin, again["id"], "approve")
    assert answer.status_code == 200, answer.text


async def test_a_whole_building_renovation_counts_for_each_of_its_rooms(client, admin, holdings):
    with frozen_at(day("2024-01-01")):
        whole = await request(client, admin, None, building_id=holdings.building, area=5000)
        assert whole["whole_building"] and whole["room_ids"] == []
        for name, body in (("approve", None), ("start", None), ("accept", {"final_cost": "1"})):
            assert (await move(client, admin, whole["id"], name, body)).status_code == 200
        one_room = await request(client, admin, [holdings.room_201], area=30)
        answer = await move(client, admin, one_room["id"], "approve")
    assert answer.status_code == 403
    assert answer.json()["rule"] == "renovation-min-years-between"


# The change register


async def test_acceptance_records_a_renovate_change_keeping_each_rooms_occupant(
    client, admin, holdings, session_factory
):
    earlier = await accepted(client, admin, [holdings.room_201], area=30)
    renovation = await request(client, admin, [holdings.room_101, holdings.room_102])
    for name, body in (("approve", None), ("start", None), ("accept", {"final_cost": "59000"})):
        assert (await move(client, admin, renovation["id"], name, body)).status_code == 200
    change_id = (await client.get(f"{RENOVATIONS}/{renovation['id']}", headers=admin)).json()[
        "change_id"
    ]

    async with session_factory() as session:
        change = await session.get(PropertyChange, change_id)
        previous = (
            await session.scalars(select(PropertyChange.seq).where(PropertyChange.id != change_id))
        ).all()
        rooms = (
            await session.execute(
                select(ChangeRoom.room_id, ChangeRoom.occupant_after).where(
                    ChangeRoom.change_id == change_id
                )
            )
        ).all()
        room = await session.get(Room, holdings.room_101)
    assert room.occupant_unit_id == holdings.first
    assert earlier["id"] != renovation["id"] and previous == [1]
    assert (change.type, change.seq, change.building_id) == ("renovate", 2, holdings.building)
    assert change.document_no == "市管〔2025〕12号"
    assert sorted(rooms) == sorted(
        [(holdings.room_101, holdings.first), (holdings.room_102, holdings.first)]
    )


# Requests


async def test_a_request_names_rooms_of_one_building(client, admin, holdings, add_rows):
    other = Building(
        name="二号楼",
        address="中原路1号",
        owner_unit_id=holdings.second,
        gross_area=100,
        use="office",
    )
    room = Room(building_id=other.id, floor=1, number="1", usable_area=10, kind="office")
    await add_rows(other, room)
    body = {"room_ids": [holdings.room_101, room.id], "title": "t", "area": 1}
    body |= {"estimated_cost": "1", "reason": "r"}
    answer = await client.post(RENOVATIONS, json=body, headers=admin)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["pointer"] == "#/room_ids"


async def test_a_request_names_rooms_or_a_building(client, admin):
    body = {"title": "t", "area": 1, "estimated_cost": "1", "reason": "r"}
    assert (await client.post(RENOVATIONS, json=body, headers=admin)).status_code == 422


# Who may do what


async def test_only_an_admin_requests_starts_and_accepts(client, admin, token_mint, holdings):
    staff = token_mint.headers("unit_staff", unit_id=holdings.first)
    leader = token_mint.headers("leader")
    body = {"room_ids": [holdings.room_101], "title": "t", "area": 1}
    body |= {"estimated_cost": "1", "reason": "r"}
    assert (await client.post(RENOVATIONS, json=body, headers=staff)).status_code == 403
    renovation = await request(client, admin, [holdings.room_101])
    assert (await move(client, staff, renovation["id"], "approve")).status_code == 403
    assert (await move(client, admin, renovation["id"], "approve")).status_code == 200
    assert (await move(client, leader, renovation["id"], "start")).status_code == 403


async def test_unit_staff_read_only_their_own_units_renovations(
    client, admin, token_mint, holdings
):
    ours = await request(client, admin, [holdings.room_101])
    theirs = await request(client, admin, [holdings.room_201], area=30)
    staff = token_mint.headers("unit_staff", unit_id=holdings.first)

    listed = (await client.get(RENOVATIONS, headers=staff)).json()
    assert [item["id"] for item in listed["items"]] == [ours["id"]] and listed["total"] == 1
    assert (await client.get(f"{RENOVATIONS}/{ours['id']}", headers=staff)).status_code == 200
    assert (await client.get(f"{RENOVATIONS}/{theirs['id']}", headers=staff)).status_code == 404
    auditor = token_mint.headers("auditor")
    assert (await client.get(RENOVATIONS, headers=auditor)).json()["total"] == 2
    assert (await move(client, auditor, ours["id"], "approve")).status_code == 403


async def test_renovations_are_listed_by_status_building_and_unit(
    client, admin, token_mint, holdings
):
    first = await request(client, admin, [holdings.room_101])
    second = await request(client, admin, [holdings.room_201], area=30)
    await move(client, admin, second["id"], "approve")

    async def ids(**params):
        answer = await client.get(RENOVATIONS, params=params, headers=admin)
        return [item["id"] for item in answer.json()["items"]]

    assert await ids(status="requested") == [first["id"]]
    assert await ids(status="approved") == [second["id"]]
    assert sorted(await ids(building_id=holdings.building)) == sorted([first["id"], second["id"]])
    assert await ids(building_id="nowhere") == []
    assert await ids(unit_id=holdings.first) == [first["id"]]
    assert await ids(unit_id=holdings.second) == [second["id"]]
    # A unit's staff asking for another unit's renovations get none of them.
    staff = token_mint.headers("unit_staff", unit_id=holdings.first)
    answer = await client.get(RENOVATIONS, params={"unit_id": holdings.second}, headers=staff)
    assert answer.json() == {"items": [], "total": 0}


# Events


async def test_every_move_publishes_its_event(
    client, admin, holdings, nats_server_url, event_namespace
):
    renovation = await accepted(client, admin, [holdings.room_101])
    rejected = await request(client, admin, [holdings.room_102], area=40)
    await move(client, admin, rejected["id"], "reject", {"reason": "重复申报"})

    async def renovation_events():
        events = await published_events(nats_server_url, event_namespace, "asset")
        mine = [e for e in events if e.short_type.startswith("asset.renovation.")]
        assert [(e.short_type, e.subject) for e in mine] == [
            ("asset.renovation.requested", renovation["id"]),
            ("asset.renovation.approved", renovation["id"]),
            ("asset.renovation.started", renovation["id"]),
            ("asset.renovation.accepted", renovation["id"]),
            ("asset.renovation.requested", rejected["id"]),
            ("asset.renovation.rejected", rejected["id"]),
        ]
        return mine

    events = await eventually(renovation_events)
    assert events[3].data["status"] == "accepted" and events[3].data["final_cost"] == "1.00"
    assert events[3].data["change_id"] is not None
    assert events[5].data["status"] == "rejected"


async def test_a_request_names_the_rules_it_goes_beyond_in_its_event(
    client, admin, holdings, nats_server_url, event_namespace
):
    within = await request(client, admin, [holdings.room_101], estimated_cost="93750.00")
    beyond = await request(client, admin, [holdings.room_102], estimated_cost="93750.01")

    async def requested_events():
        events = await published_events(nats_server_url, event_namespace, "asset")
        found = {e.subject: e.data for e in events if e.short_type == "asset.renovation.requested"}
        assert {within["id"], beyond["id"]} <= set(found)
        return found

    found = await eventually(requested_events)
    assert found[within["id"]]["rules_needing_a_leader"] == []
    assert found[beyond["id"]]["rules_needing_a_leader"] == ["renovation-cost-cap"]
