"""Closing a campaign records its outcome and ends it; edits keep activities inside the
dates and are refused from a stale version."""

import pytest

from guanjia_shared.clock import frozen_at

from .campaign_helpers import (
    CAMPAIGNS,
    add_activity,
    bureau_morning,
    create_campaign,
    event_types_are,
    record_result,
    set_participants,
)


async def test_an_admin_closes_a_campaign_only_after_its_last_day(
    client, admin, nats_server_url, event_namespace
):
    campaign = await create_campaign(client, admin)
    url = f"{CAMPAIGNS}/{campaign['id']}/close"
    with frozen_at(bureau_morning("2025-06-30")):
        refused = await client.post(url, json={"summary": "提前"}, headers=admin)
    assert refused.status_code == 403, refused.text
    assert refused.json()["rule"] == "campaign-not-over"
    read = (await client.get(f"{CAMPAIGNS}/{campaign['id']}", headers=admin)).json()
    assert read["summary"] is None and read["closed_at"] is None and read["version"] == 1

    with frozen_at(bureau_morning("2025-07-01")):
        closed = await client.post(url, json={"summary": "如期结束"}, headers=admin)
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "finished" and closed.json()["closed_by"]
    events = await event_types_are(
        nats_server_url,
        event_namespace,
        [
            ("ledger.campaign.created", campaign["id"]),
            ("ledger.campaign.closed", campaign["id"]),
        ],
    )
    assert events[1].data["early"] is False and events[1].data["summary"] == "如期结束"


async def test_a_leader_may_close_a_running_campaign_early(
    client, leader, nats_server_url, event_namespace
):
    campaign = await create_campaign(client, leader)
    with frozen_at(bureau_morning("2025-05-01")):
        closed = await client.post(
            f"{CAMPAIGNS}/{campaign['id']}/close", json={"summary": "提前完成"}, headers=leader
        )
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "finished"
        assert closed.json()["ends_on"] == "2025-06-30"  # the plan stays as it was
    events = await event_types_are(
        nats_server_url,
        event_namespace,
        [
            ("ledger.campaign.created", campaign["id"]),
            ("ledger.campaign.closed", campaign["id"]),
        ],
    )
    assert events[1].data["early"] is True
    assert (events[1].data["activities"], events[1].data["results"]) == (0, 0)


async def test_nothing_is_added_to_or_changed_in_a_closed_campaign(
    client, leader, nats_server_url, event_namespace
):
    campaign = await create_campaign(client, leader)
    activity = await add_activity(client, leader, campaign["id"])
    await set_participants(client, leader, campaign["id"], activity["id"], [("车队", 4)])
    base = f"{CAMPAIGNS}/{campaign['id']}"
    with frozen_at(bureau_morning("2025-07-01")):
        closed = await client.post(f"{base}/close", json={"summary": "结束"}, headers=leader)
        assert closed.status_code == 200
        before = (await client.get(base, headers=leader)).json()

        attempts = [
            client.post(
                f"{base}/activities",
                json={"kind": "training", "title": "补课", "held_on": "2025-06-01"},
                headers=leader,
            ),
            client.post(
                f"{base}/activities/{activity['id']}/results",
                json={"department": "车队", "rank": 1},
                headers=leader,
            ),
            client.put(
                f"{base}/activities/{activity['id']}/participants",
                json=[{"department": "办公室", "people": 2}],
                headers=leader,
            ),
            client.patch(base, json={"theme": "改名"}, headers=leader),
            client.post(f"{base}/close", json={"summary": "再结束一次"}, headers=leader),
        ]
        for attempt in attempts:
            refused = await attempt
            assert refused.status_code == 409, refused.text
            assert refused.json()["rule"] == "campaign-closed"
        after = (await client.get(base, headers=leader)).json()
    assert after == before
    assert after["summary"] == "结束"
    await event_types_are(
        nats_server_url,
        event_namespace,
        [
            ("ledger.campaign.created", campaign["id"]),
            ("ledger.campaign.closed", campaign["id"]),
        ],
    )


async def test_a_summary_is_needed_to_close(client, leader):
    campaign = await create_campaign(client, leader)
    url = f"{CAMPAIGNS}/{campaign['id']}/close"
    for body in ({}, {"summary": ""}, {"summary": "  "}):
        refused = await client.post(url, json=body, headers=leader)
        assert refused.status_code == 422, refused.text
    read = (await client.get(f"{CAMPAIGNS}/{campaign['id']}", headers=leader)).json()
    assert read["closed_at"] is None


async def test_an_edit_makes_a_new_version(client, leader):
    campaign = await create_campaign(client, leader)
    url = f"{CAMPAIGNS}/{campaign['id']}"
    edited = await client.patch(
        url,
        json={"theme": "满意在事管局", "ends_on": "2025-07-15", "description": None},
        headers={**leader, "If-Match": '"1"'},
    )
    assert edited.status_code == 200, edited.text
    assert edited.headers["etag"] == '"2"'
    assert (edited.json()["theme"], edited.json()["ends_on"]) == ("满意在事管局", "2025-07-15")
    assert edited.json()["description"] is None and edited.json()["version"] == 2
    read = await client.get(url, headers=leader)
    assert read.headers["etag"] == '"2"' and read.json()["theme"] == "满意在事管局"
    unchanged = await client.patch(url, json={"theme": "满意在事管局"}, headers=leader)
    assert unchanged.status_code == 200 and unchanged.json()["version"] == 2


async def test_an_edit_from_a_stale_version_is_refused_with_412(client, leader):
    campaign = await create_campaign(client, leader)
    url = f"{CAMPAIGNS}/{campaign['id']}"
    assert (await client.patch(url, json={"theme": "第二版"}, headers=leader)).status_code == 200
    stale = await client.patch(url, json={"theme": "第三版"}, headers={**leader, "If-Match": '"1"'})
    assert stale.status_code == 412
    current = (await client.get(url, headers=leader)).json()
    assert current["theme"] == "第二版" and current["version"] == 2


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        ({"year": 2026}, "#/year"),  # the campaign starts in 2025
        ({"starts_on": "2025-07-01"}, "#/ends_on"),  # after its end
        ({"ends_on": "2026-04-01"}, "#/ends_on"),  # longer than a year
        ({"theme": None}, "#/theme"),
        ({"starts_on": None}, "#/starts_on"),
        ({"status": "finished"}, "#/status"),  # status is derived, not written
    ],
)
async def test_an_edit_breaking_the_date_rules_is_refused(client, leader, fields, pointer):
    campaign = await create_campaign(client, leader)
    url = f"{CAMPAIGNS}/{campaign['id']}"
    refused = await client.patch(url, json=fields, headers=leader)
    assert refused.status_code == 422, refused.text
    assert pointer in [error["pointer"] for error in refused.json()["errors"]]
    assert (await client.get(url, headers=leader)).json() == {
        **campaign,
        "activities": [],
    }


async def test_dates_cannot_move_past_an_activity(client, leader):
    campaign = await create_campaign(client, leader)
    await add_activity(client, leader, campaign["id"], held_on="2025-06-20")
    url = f"{CAMPAIGNS}/{campaign['id']}"
    refused = await client.patch(url, json={"ends_on": "2025-06-15"}, headers=leader)
    assert refused.status_code == 409, refused.text
    assert refused.json()["rule"] == "activities-outside-dates"
    assert "2025-06-20" in refused.json()["detail"]
    read = (await client.get(url, headers=leader)).json()
    assert read["ends_on"] == "2025-06-30" and read["version"] == 1
    moved = await client.patch(url, json={"ends_on": "2025-06-20"}, headers=leader)
    assert moved.status_code == 200 and moved.json()["ends_on"] == "2025-06-20"


async def test_results_and_activities_of_a_campaign_count_in_its_closing_event(
    client, leader, nats_server_url, event_namespace
):
    campaign = await create_campaign(client, leader)
    other = await create_campaign(client, leader, theme="别的主题")
    for target in (campaign, other):
        activity = await add_activity(client, leader, target["id"])
        await set_participants(client, leader, target["id"], activity["id"], [("车队", 1)])
        await record_result(client, leader, target["id"], activity["id"], department="车队", rank=1)
    with frozen_at(bureau_morning("2025-08-01")):
        closed = await client.post(
            f"{CAMPAIGNS}/{campaign['id']}/close", json={"summary": "完"}, headers=leader
        )
    assert closed.status_code == 200
    events = await event_types_are(
        nats_server_url,
        event_namespace,
        [
            ("ledger.campaign.created", campaign["id"]),
            ("ledger.campaign.created", other["id"]),
            ("ledger.campaign.result_recorded", campaign["id"]),
            ("ledger.campaign.result_recorded", other["id"]),
            ("ledger.campaign.closed", campaign["id"]),
        ],
    )
    assert (events[4].data["activities"], events[4].data["results"]) == (1, 1)
