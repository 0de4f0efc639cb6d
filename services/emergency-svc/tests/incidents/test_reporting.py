"""Reporting an incident: anyone signed in may; the plan in force for its type is matched
(the master plan when no special plan covers it); bad input is refused with nothing
written; three scales — warning colour, grade, mode — kept apart."""

import pytest

from emergency_svc.incidents.models import Incident
from guanjia_shared.testing.apps import eventually

from .incident_helpers import (
    API,
    INCIDENTS,
    act,
    activated,
    at,
    incident_body,
    master_plan,
    plan_in_force,
    published,
    reported,
    timeline_of,
)


async def test_anyone_signed_in_reports_an_incident_and_the_special_plan_is_matched(
    client, people, nats_server_url, event_namespace
):
    plan = await plan_in_force(client, people)
    await plan_in_force(client, people, master_plan(people))

    incident = await reported(client, people.reporter, building_id="bldg-2")

    assert incident["status"] == "reported"
    assert incident["reported_by"] == people.reporter.id
    assert (incident["plan_id"], incident["plan_code"], incident["plan_version"]) == (
        plan["id"],
        "P-FIRE",
        1,
    )
    assert (incident["type"], incident["level"], incident["mode"]) == ("fire", "IV", "lead")
    assert incident["commander_id"] is None and incident["is_drill"] is False
    lines = await timeline_of(client, people.reporter, incident["id"])
    assert [line["kind"] for line in lines] == ["reported", "plan_matched"]
    assert lines[0]["actor"] == people.reporter.id
    assert lines[1]["data"]["plan_kind"] == "special"

    [event] = await eventually(
        published(nats_server_url, event_namespace, "emergency.incident.reported", count=1)
    )
    assert event.subject == incident["id"]
    assert event.data["plan_id"] == plan["id"] and event.data["is_drill"] is False


async def test_the_master_plan_is_matched_when_no_special_plan_covers_the_type(client, people):
    await plan_in_force(client, people)
    master = await plan_in_force(client, people, master_plan(people))

    incident = await reported(client, people.reporter, type="power_outage", title="一号楼停电")

    assert (incident["plan_id"], incident["plan_code"]) == (master["id"], "P-MASTER")
    [_, matched] = await timeline_of(client, people.reporter, incident["id"])
    assert matched["data"]["plan_kind"] == "master"


async def test_with_no_plan_in_force_the_incident_is_reported_without_one(client, people):
    incident = await reported(client, people.reporter)

    assert incident["plan_id"] is None and incident["plan_version"] is None
    lines = await timeline_of(client, people.reporter, incident["id"])
    assert [line["kind"] for line in lines] == ["reported", "no_plan_matched"]


async def test_the_three_scales_are_kept_apart_and_an_assist_incident_carries_the_city_reference(
    client, people
):
    incident = await reported(
        client,
        people.reporter,
        level="III",
        warning_colour="orange",
        mode="assist",
        external_ref="SZ-YJ-2026-0118",
    )

    assert (incident["level"], incident["warning_colour"], incident["mode"]) == (
        "III",
        "orange",
        "assist",
    )
    assert incident["external_ref"] == "SZ-YJ-2026-0118"


async def test_a_drill_incident_is_marked_on_its_title_and_its_events(
    client, people, nats_server_url, event_namespace
):
    incident = await reported(client, people.commander, is_drill=True, drill_id="drill-7")

    assert incident["title"] == "【演练】二号楼配电室冒烟"
    assert incident["is_drill"] is True and incident["drill_id"] == "drill-7"

    [event] = await eventually(
        published(nats_server_url, event_namespace, "emergency.incident.reported", count=1)
    )
    assert event.data["is_drill"] is True
    assert event.data["title"].startswith("【演练】")


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"type": "volcano"}, "#/type"),
        ({"level": "V"}, "#/level"),
        ({"level": "red"}, "#/level"),
        ({"mode": "coordinate"}, "#/mode"),
        ({"warning_colour": "purple"}, "#/warning_colour"),
        ({"mode": "assist"}, "#/external_ref"),
        ({"title": ""}, "#/title"),
        ({"surprise": 1}, "#/surprise"),
    ],
    ids=[
        "unknown-type",
        "unknown-level",
        "colour-as-level",
        "unknown-mode",
        "unknown-colour",
        "assist-without-ref",
        "blank-title",
        "unknown-field",
    ],
)
async def test_bad_input_is_refused_with_nothing_written(service, client, people, changes, pointer):
    await plan_in_force(client, people)

    answer = await client.post(
        INCIDENTS,
        json=incident_body(building_id="bldg-new", **changes),
        headers=people.reporter.headers,
    )

    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == "urn:guanjia:problem:validation-error"
    assert pointer in [error["pointer"] for error in problem["errors"]]
    assert await service.count(Incident) == 0
    assert await service.timeline_count() == 0
    # Not even the check of the building it named.
    unconfirmed = await client.get(f"{API}/buildings/unconfirmed", headers=people.leader.headers)
    assert unconfirmed.json()["total"] == 0


async def test_reporting_needs_a_token(client):
    answer = await client.post(INCIDENTS, json=incident_body())
    assert answer.status_code == 401


async def test_incidents_are_listed_and_read_back(client, people):
    first = await reported(client, people.reporter)
    second = await reported(client, people.reporter, type="gas_leak", title="食堂燃气泄漏")

    listed = await client.get(INCIDENTS, params={"type": "gas_leak"}, headers=people.agent.headers)
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [second["id"]]
    one = await client.get(f"{INCIDENTS}/{first['id']}", headers=people.agent.headers)
    assert one.json()["title"] == "二号楼配电室冒烟"
    missing = await client.get(f"{INCIDENTS}/nope", headers=people.agent.headers)
    assert missing.status_code == 404


async def test_the_open_incidents_are_those_reported_or_under_way(client, people):
    """The cockpit's question: what is not over yet, waiting for a response or in one."""
    await plan_in_force(client, people)
    waiting = await reported(client, people.reporter, title="三号楼电梯困人")
    under_way = await reported(client, people.reporter, title="二号楼配电室冒烟")
    await activated(client, people.commander, under_way["id"], at(9, 0))
    over = await reported(client, people.reporter, title="食堂燃气泄漏")
    await activated(client, people.commander, over["id"], at(9, 5))
    closing = {"summary": "已处置完毕", "follow_ups": []}
    await act(
        client, people.commander, at(10, 0), "POST", f"{INCIDENTS}/{over['id']}/close", closing
    )

    open_ones = await client.get(
        INCIDENTS, params={"status": ["reported", "active"]}, headers=people.commander.headers
    )
    assert open_ones.status_code == 200
    assert open_ones.json()["total"] == 2
    assert {item["id"] for item in open_ones.json()["items"]} == {waiting["id"], under_way["id"]}
    only_active = await client.get(
        INCIDENTS, params={"status": "active"}, headers=people.commander.headers
    )
    assert [item["id"] for item in only_active.json()["items"]] == [under_way["id"]]
    unknown = await client.get(
        INCIDENTS, params={"status": ["active", "burning"]}, headers=people.commander.headers
    )
    assert unknown.status_code == 422


# Timeline rows are only ever added: there is no route that changes or removes one.
def test_the_timeline_has_no_route_to_change_it(service):
    paths = service.app.openapi()["paths"]
    timeline = {path: set(operations) for path, operations in paths.items() if "timeline" in path}
    assert timeline == {f"{INCIDENTS}/{{incident_id}}/timeline": {"get"}}
