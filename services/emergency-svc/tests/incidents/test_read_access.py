"""Who reads incidents, timelines, reports upward, tasks and the availability list (issue
14, hole 6): the bureau's own people read all of it; a served unit's staff only the
incidents they reported, those at their unit's buildings (the replica of asset's buildings
says whose a building is) and those they hold a task in, without what others wrote or who
they are; integration clients nothing, unless their client was given a role that reads.
An incident out of sight answers 404 and is counted nowhere."""

import json
import uuid
from dataclasses import dataclass

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.replica_checks import building_event
from guanjia_shared.testing.streams import publish_event
from guanjia_shared.testing.tokens import Person

from .incident_helpers import (
    API,
    AVAILABILITY,
    INCIDENTS,
    PLANS,
    TASKS,
    People,
    activated,
    fire_plan,
    plan_in_force,
    reported,
    tasks_of,
    timeline_of,
)

# What must not reach a unit's staff: a casualty, named, with a telephone number.
CASUALTY = "王局长受伤，已送市第一医院，联系人李秘书 13800001234"
CASUALTY_MARKS = ("王局长", "李秘书", "13800001234")


@dataclass
class World:
    """Two served units, each owning a building; four incidents: one at each unit's
    building and one elsewhere, reported by a bureau agent, and one reported by the first
    unit's staff themself."""

    people: People
    staff: Person
    staff_unit: str
    other_staff: Person  # of unit "other"
    at_own_building: dict
    reported_by_staff: dict
    at_other_building: dict
    elsewhere: dict


@pytest.fixture
async def world(client, people, token_mint, nats_server_url, event_namespace) -> World:
    own_unit, other_unit = str(uuid.uuid4()), str(uuid.uuid4())
    own_building, other_building = f"bldg-{uuid.uuid4()}", f"bldg-{uuid.uuid4()}"
    for building_id, unit_id in ((own_building, own_unit), (other_building, other_unit)):
        event = building_event(
            "created", building_id, version=1, name="办公楼", owner_unit_id=unit_id
        )
        await publish_event(nats_server_url, event_namespace, event)

    async def replicated(building_id: str) -> None:
        answer = await client.get(
            f"{API}/buildings/{building_id}", headers=people.commander.headers
        )
        assert answer.status_code == 200, answer.text

    for building_id in (own_building, other_building):
        await eventually(lambda building_id=building_id: replicated(building_id))

    staff = Person(token_mint, "unit_staff", unit_id=own_unit)
    return World(
        people=people,
        staff=staff,
        staff_unit=own_unit,
        other_staff=Person(token_mint, "unit_staff", unit_id=other_unit),
        at_own_building=await reported(
            client, people.agent, building_id=own_building, description=CASUALTY
        ),
        reported_by_staff=await reported(
            client, staff, title="三楼走廊焦糊味", description="三楼走廊有焦糊味，来源不明"
        ),
        at_other_building=await reported(
            client, people.agent, building_id=other_building, description=CASUALTY
        ),
        elsewhere=await reported(client, people.agent, description=CASUALTY),
    )


async def listed(client, person: Person, path: str = INCIDENTS, **query) -> dict:
    answer = await client.get(path, params={"limit": 500, **query}, headers=person.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def reveals_the_casualty(text: str) -> bool:
    return any(mark in text for mark in CASUALTY_MARKS)


async def test_unit_staff_list_and_read_only_the_incidents_that_concern_their_unit(client, world):
    mine = await listed(client, world.staff)
    assert {item["id"] for item in mine["items"]} == {
        world.at_own_building["id"],
        world.reported_by_staff["id"],
    }
    assert mine["total"] == 2

    theirs = await listed(client, world.other_staff)
    assert [item["id"] for item in theirs["items"]] == [world.at_other_building["id"]]
    assert theirs["total"] == 1

    # Out of sight is as if it did not exist: the same 404 as an id nobody ever made.
    for incident_id in (world.at_other_building["id"], world.elsewhere["id"], str(uuid.uuid4())):
        for path in (f"{INCIDENTS}/{incident_id}", f"{INCIDENTS}/{incident_id}/timeline"):
            answer = await client.get(path, headers=world.staff.headers)
            assert answer.status_code == 404, (path, answer.text)

    everything = await listed(client, world.people.agent)
    assert everything["total"] == 4


async def test_unit_staff_read_their_buildings_incident_without_others_personal_details(
    client, world
):
    answer = await client.get(
        f"{INCIDENTS}/{world.at_own_building['id']}", headers=world.staff.headers
    )

    assert answer.status_code == 200, answer.text
    seen = answer.json()
    assert not reveals_the_casualty(answer.text)
    assert world.people.agent.id not in answer.text
    assert (seen["title"], seen["building_id"], seen["status"], seen["level"]) == (
        world.at_own_building["title"],
        world.at_own_building["building_id"],
        "reported",
        "IV",
    )
    assert seen["description"] == "" and seen["reported_by"] is None
    assert {"description", "reported_by", "summary", "follow_ups"} <= set(seen["withheld"])
    # Listed the same way as read.
    [listed_as] = [
        item for item in (await listed(client, world.staff))["items"] if item["id"] == seen["id"]
    ]
    assert listed_as == seen

    own = await client.get(
        f"{INCIDENTS}/{world.reported_by_staff['id']}", headers=world.staff.headers
    )
    assert own.json()["description"] == "三楼走廊有焦糊味，来源不明"
    assert own.json()["reported_by"] == world.staff.id
    assert "description" not in own.json()["withheld"]

    in_full = await client.get(
        f"{INCIDENTS}/{world.at_own_building['id']}", headers=world.people.agent.headers
    )
    assert in_full.json()["description"] == CASUALTY and in_full.json()["withheld"] == []


async def test_unit_staff_follow_the_response_without_what_others_wrote_or_who_they_are(
    client, world
):
    people = world.people
    await plan_in_force(client, people)
    incident_id = world.at_own_building["id"]
    await activated(client, people.commander, incident_id)
    task = (await tasks_of(client, people.commander, incident_id))[0]
    assignee = people.with_id(task["assignee"])
    steps = [
        (assignee, f"{TASKS}/{task['id']}/complete", {"note": f"已扑灭。{CASUALTY}"}),
        (
            people.commander,
            f"{INCIDENTS}/{incident_id}/level",
            {"level": "III", "reason": CASUALTY},
        ),
        (
            people.commander,
            f"{INCIDENTS}/{incident_id}/reports",
            {"kind": "initial", "content": CASUALTY},
        ),
        (
            people.commander,
            f"{INCIDENTS}/{incident_id}/close",
            {"summary": CASUALTY, "follow_ups": [CASUALTY]},
        ),
    ]
    for person, path, body in steps:
        answer = await client.post(path, json=body, headers=person.headers)
        assert answer.status_code in (200, 201), (path, answer.text)

    lines = await timeline_of(client, world.staff, incident_id)
    in_full = await timeline_of(client, people.commander, incident_id)

    assert [line["kind"] for line in lines] == [line["kind"] for line in in_full]
    text = json.dumps(lines, ensure_ascii=False)
    assert reveals_the_casualty(json.dumps(in_full, ensure_ascii=False))
    assert not reveals_the_casualty(text)
    for person in vars(people).values():
        assert person.id not in text
    assert all(line["actor"] is None and line["task_id"] is None for line in lines)
    level_line = next(line for line in lines if line["kind"] == "level_changed")
    assert (level_line["data"]["from"], level_line["data"]["to"]) == ("IV", "III")
    assert "data.reason" in level_line["withheld"]

    incident = await client.get(f"{INCIDENTS}/{incident_id}", headers=world.staff.headers)
    assert not reveals_the_casualty(incident.text)
    assert incident.json()["status"] == "closed"
    assert incident.json()["summary"] is None and incident.json()["follow_ups"] is None
    assert incident.json()["commander_id"] is None and incident.json()["closed_by"] is None

    # The reports upward are the bureau's: refused to the unit whatever the incident.
    for some_incident in (incident_id, world.elsewhere["id"], str(uuid.uuid4())):
        answer = await client.get(
            f"{INCIDENTS}/{some_incident}/reports", headers=world.staff.headers
        )
        assert answer.status_code == 403, answer.text


async def test_unit_staff_holding_a_role_see_their_own_tasks_and_the_incident_they_serve(
    client, world
):
    people = world.people
    plan = fire_plan(people)
    site_lead = next(role for role in plan["organization"] if role["role"] == "site_lead")
    site_lead["holders"] = [world.staff.id, people.guard_a.id]
    await plan_in_force(client, people, plan)
    incident_id = world.elsewhere["id"]
    await activated(client, people.commander, incident_id)
    tasks = {
        task["assignee"]: task for task in await tasks_of(client, people.commander, incident_id)
    }
    own, colleagues = tasks[world.staff.id], tasks[people.guard_a.id]

    for query in ({}, {"incident_id": incident_id}, {"assignee": people.guard_a.id}):
        seen = await listed(client, world.staff, TASKS, **query)
        expected = [] if "assignee" in query else [own["id"]]
        assert [task["id"] for task in seen["items"]] == expected, query
        assert seen["total"] == len(expected)
    assert (await listed(client, world.other_staff, TASKS))["total"] == 0

    mine = await client.get(f"{TASKS}/{own['id']}", headers=world.staff.headers)
    assert mine.status_code == 200 and mine.json()["action"] == own["action"]
    for method, path in (
        ("GET", f"{TASKS}/{colleagues['id']}"),
        ("POST", f"{TASKS}/{colleagues['id']}/acknowledge"),
        ("POST", f"{TASKS}/{colleagues['id']}/complete"),
    ):
        answer = await client.request(method, path, headers=world.staff.headers)
        assert answer.status_code == 404, (method, path, answer.text)

    # Mobilised, they read the incident they serve (without what others wrote) ...
    incident = await client.get(f"{INCIDENTS}/{incident_id}", headers=world.staff.headers)
    assert incident.status_code == 200, incident.text
    assert not reveals_the_casualty(incident.text)
    # ... and its timeline, the lines of their own task with its id.
    lines = await timeline_of(client, world.staff, incident_id)
    assert {line["task_id"] for line in lines} == {own["id"], None}
    assert colleagues["id"] not in json.dumps(lines)


async def test_unit_staff_see_only_their_own_mark_on_the_availability_list(client, world):
    people = world.people
    marks = (
        (people.commander, {"user_id": people.guard_a.id, "reason": "住院治疗"}),
        (world.staff, {"user_id": world.staff.id, "reason": "出差"}),
    )
    for person, body in marks:
        answer = await client.post(AVAILABILITY, json=body, headers=person.headers)
        assert answer.status_code == 200, answer.text

    mine = await listed(client, world.staff, AVAILABILITY)
    assert [(m["user_id"], m["reason"]) for m in mine["items"]] == [(world.staff.id, "出差")]
    assert mine["total"] == 1
    assert (await listed(client, world.other_staff, AVAILABILITY))["total"] == 0
    assert (await listed(client, people.agent, AVAILABILITY))["total"] == 2
    # One person's mark alone, whoever asks; a unit's staff still only their own.
    for viewer, person, found in (
        (people.agent, world.staff, ["出差"]),
        (people.agent, people.guard_a, ["住院治疗"]),
        (world.staff, world.staff, ["出差"]),
        (world.staff, people.guard_a, []),
    ):
        answer = await client.get(
            AVAILABILITY, params={"user_id": person.id}, headers=viewer.headers
        )
        assert answer.status_code == 200, answer.text
        assert [mark["reason"] for mark in answer.json()["items"]] == found


async def test_an_integration_client_reads_nothing_unless_its_client_was_given_a_reading_role(
    client, world, token_mint
):
    # Bound to the unit whose building burns: a unit is no reason for a machine to read.
    integration = token_mint.headers("integration", unit_id=world.staff_unit)
    incident_id = world.at_own_building["id"]
    for path, query in (
        (INCIDENTS, {}),
        (f"{INCIDENTS}/{incident_id}", {}),
        (f"{INCIDENTS}/{incident_id}/timeline", {}),
        (f"{INCIDENTS}/{incident_id}/reports", {}),
        (TASKS, {"assignee": "me"}),
        (AVAILABILITY, {}),
        (PLANS, {}),
    ):
        answer = await client.get(path, params=query, headers=integration)
        assert answer.status_code == 403, (path, answer.text)

    auditing = token_mint.headers("integration", "auditor")
    answer = await client.get(INCIDENTS, headers=auditing)
    assert answer.status_code == 200 and answer.json()["total"] == 4
