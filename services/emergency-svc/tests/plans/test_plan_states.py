"""draft → active → retired, the moves refused, one plan in force per incident type (and
one master plan), and the events every change publishes."""

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events

from .emergency_plan_helpers import PLANS, activated, created, master_body


async def test_a_draft_is_activated_then_retired(client, leader, admin):
    plan = await created(client, leader)
    url = f"{PLANS}/{plan['id']}"

    active = await client.post(f"{url}/activate", headers=leader)
    assert active.status_code == 200, active.text
    assert active.json()["status"] == "active" and active.json()["version"] == 1
    assert active.headers["etag"] == '"1"'

    retired = await client.post(f"{url}/retire", headers=admin)
    assert retired.status_code == 200, retired.text
    assert retired.json()["status"] == "retired"
    assert (await client.get(url, headers=leader)).json()["status"] == "retired"


@pytest.mark.parametrize(
    ("moves", "refused_move", "rule"),
    [
        (["activate"], "activate", "plan-activates-from-draft"),
        (["activate", "retire"], "activate", "plan-activates-from-draft"),
        ([], "retire", "plan-retires-from-active"),
        (["activate", "retire"], "retire", "plan-retires-from-active"),
    ],
)
async def test_a_move_from_the_wrong_state_is_refused(client, leader, moves, refused_move, rule):
    plan = await created(client, leader)
    url = f"{PLANS}/{plan['id']}"
    for move in moves:
        assert (await client.post(f"{url}/{move}", headers=leader)).status_code == 200
    before = (await client.get(url, headers=leader)).json()["status"]

    refused = await client.post(f"{url}/{refused_move}", headers=leader)
    assert refused.status_code == 409
    assert refused.json()["rule"] == rule
    assert (await client.get(url, headers=leader)).json()["status"] == before


async def test_a_commander_neither_activates_nor_retires_a_plan(client, leader, commander):
    plan = await created(client, leader)
    url = f"{PLANS}/{plan['id']}"
    assert (await client.post(f"{url}/activate", headers=commander)).status_code == 403
    await activated(client, leader, plan["id"])
    assert (await client.post(f"{url}/retire", headers=commander)).status_code == 403


async def test_activating_what_was_not_read_is_refused_with_412(client, leader):
    plan = await created(client, leader)
    url = f"{PLANS}/{plan['id']}"
    assert (await client.patch(url, json={"scope": "二号楼"}, headers=leader)).status_code == 200

    stale = await client.post(f"{url}/activate", headers={**leader, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert (await client.get(url, headers=leader)).json()["status"] == "draft"
    fresh = await client.post(f"{url}/activate", headers={**leader, "If-Match": '"2"'})
    assert fresh.status_code == 200


async def test_a_second_active_special_plan_for_an_incident_type_is_refused(client, leader):
    first = await activated(client, leader, (await created(client, leader))["id"])
    second = await created(
        client,
        leader,
        code="P-FIRE-ANNEX",
        title="附楼火灾预案",
        incident_types=["gas_leak", "fire"],
    )

    refused = await client.post(f"{PLANS}/{second['id']}/activate", headers=leader)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["rule"] == "one-active-plan-per-incident-type"
    assert problem["incident_type"] == "fire"
    assert problem["active_plan_id"] == first["id"]
    assert problem["active_plan_code"] == "P-FIRE-HQ"
    assert "fire" in problem["detail"] and "P-FIRE-HQ" in problem["detail"]
    assert (await client.get(f"{PLANS}/{second['id']}", headers=leader)).json()["status"] == (
        "draft"
    )

    # Once the first is retired, the second takes over.
    assert (await client.post(f"{PLANS}/{first['id']}/retire", headers=leader)).status_code == 200
    assert (await activated(client, leader, second["id"]))["status"] == "active"


async def test_a_second_active_master_plan_is_refused(client, leader):
    first = await client.post(PLANS, json=master_body(), headers=leader)
    assert first.status_code == 201, first.text
    await activated(client, leader, first.json()["id"])
    # The seeded master plan is a draft: activating it now would make two.
    seeded = await client.get(PLANS, params={"kind": "master", "status": "draft"}, headers=leader)
    seeded_id = seeded.json()["items"][0]["id"]

    refused = await client.post(f"{PLANS}/{seeded_id}/activate", headers=leader)
    assert refused.status_code == 409
    assert refused.json()["rule"] == "one-active-master-plan"
    assert refused.json()["active_plan_code"] == "P-MASTER"


async def test_a_special_plan_and_the_master_plan_are_active_together(client, leader):
    master = await client.post(PLANS, json=master_body(), headers=leader)
    await activated(client, leader, master.json()["id"])
    assert (await activated(client, leader, (await created(client, leader))["id"]))["status"] == (
        "active"
    )


async def test_every_change_of_a_plan_is_published(
    client, leader, nats_server_url, event_namespace
):
    plan = await created(client, leader)
    url = f"{PLANS}/{plan['id']}"
    await activated(client, leader, plan["id"])
    assert (await client.patch(url, json={"scope": "二号楼"}, headers=leader)).status_code == 200
    assert (await client.post(f"{url}/retire", headers=leader)).status_code == 200

    async def plan_events():
        events = await published_events(nats_server_url, event_namespace, "emergency")
        assert [(e.short_type, e.subject) for e in events] == [
            ("emergency.plan.created", plan["id"]),
            ("emergency.plan.activated", plan["id"]),
            ("emergency.plan.updated", plan["id"]),
            ("emergency.plan.retired", plan["id"]),
        ]
        return events

    created_, activated_, updated, retired = await eventually(plan_events)
    assert created_.data["code"] == "P-FIRE-HQ" and created_.data["status"] == "draft"
    assert created_.data["version"] == 1 and created_.data["incident_types"] == ["fire"]
    assert activated_.data["status"] == "active" and activated_.data["actor"]
    assert updated.data["version"] == 2 and updated.data["previous_version"] == 1
    assert retired.data["status"] == "retired" and retired.data["version"] == 2


async def test_a_refused_change_publishes_nothing(client, leader, nats_server_url, event_namespace):
    plan = await created(client, leader)
    assert (await client.post(f"{PLANS}/{plan['id']}/retire", headers=leader)).status_code == 409
    await created(client, leader, code="P-OTHER", title="其他")

    async def plan_events():
        events = await published_events(nats_server_url, event_namespace, "emergency")
        assert [e.short_type for e in events] == ["emergency.plan.created"] * 2
        return events

    await eventually(plan_events)
