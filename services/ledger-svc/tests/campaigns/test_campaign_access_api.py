"""Who may read and write campaigns: the bureau's people read, admins and leaders write."""

import pytest

from guanjia_shared.clock import frozen_at

from .campaign_helpers import (
    CAMPAIGNS,
    add_activity,
    bureau_morning,
    create_campaign,
    event_types_are,
    set_participants,
)


@pytest.mark.parametrize("role", ["dept_head", "agent", "commander", "auditor", "unit_staff"])
async def test_only_admins_and_leaders_write_campaigns(
    client, leader, token_mint, role, nats_server_url, event_namespace
):
    campaign = await create_campaign(client, leader)
    activity = await add_activity(client, leader, campaign["id"])
    await set_participants(client, leader, campaign["id"], activity["id"], [("车队", 4)])
    before = (await client.get(f"{CAMPAIGNS}/{campaign['id']}", headers=leader)).json()
    other = token_mint.headers(role)
    base = f"{CAMPAIGNS}/{campaign['id']}"
    activity_url = f"{base}/activities/{activity['id']}"
    with frozen_at(bureau_morning("2025-07-01")):
        attempts = [
            client.post(
                CAMPAIGNS,
                json={
                    "year": 2025,
                    "theme": "x",
                    "starts_on": "2025-04-01",
                    "ends_on": "2025-04-30",
                },
                headers=other,
            ),
            client.patch(base, json={"theme": "改"}, headers=other),
            client.post(
                f"{base}/activities",
                json={"kind": "training", "title": "t", "held_on": "2025-05-01"},
                headers=other,
            ),
            client.put(
                f"{activity_url}/participants",
                json=[{"department": "办公室", "people": 1}],
                headers=other,
            ),
            client.post(
                f"{activity_url}/results", json={"department": "车队", "rank": 1}, headers=other
            ),
            client.post(f"{base}/close", json={"summary": "完"}, headers=other),
        ]
        for attempt in attempts:
            refused = await attempt
            assert refused.status_code == 403, refused.text
            assert refused.json()["type"] == "urn:guanjia:problem:forbidden"
    assert (await client.get(base, headers=leader)).json() == before
    assert (await client.get(CAMPAIGNS, headers=leader)).json()["total"] == 1
    await event_types_are(
        nats_server_url, event_namespace, [("ledger.campaign.created", campaign["id"])]
    )


@pytest.mark.parametrize("role", ["admin", "leader", "dept_head", "agent", "commander", "auditor"])
async def test_the_bureau_s_people_read_campaigns(client, leader, token_mint, role):
    campaign = await create_campaign(client, leader)
    reader = token_mint.headers(role)
    assert (await client.get(CAMPAIGNS, headers=reader)).json()["total"] == 1
    one = await client.get(f"{CAMPAIGNS}/{campaign['id']}", headers=reader)
    assert one.status_code == 200 and one.json()["id"] == campaign["id"]
    activities = await client.get(f"{CAMPAIGNS}/{campaign['id']}/activities", headers=reader)
    assert activities.status_code == 200


@pytest.mark.parametrize("role", ["unit_staff", "integration"])
async def test_served_agencies_and_machine_clients_do_not_read_campaigns(
    client, leader, token_mint, role
):
    campaign = await create_campaign(client, leader)
    outsider = token_mint.headers(role)
    assert (await client.get(CAMPAIGNS, headers=outsider)).status_code == 403
    assert (await client.get(f"{CAMPAIGNS}/{campaign['id']}", headers=outsider)).status_code == 403


async def test_campaigns_need_a_token(client):
    answer = await client.get(CAMPAIGNS)
    assert answer.status_code == 401
    assert answer.json()["type"] == "urn:guanjia:problem:unauthorized"
