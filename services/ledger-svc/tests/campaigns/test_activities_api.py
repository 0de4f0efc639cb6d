"""Activities within the campaign's dates, the departments that took part, and results only
for them."""

import pytest

from .campaign_helpers import (
    CAMPAIGNS,
    add_activity,
    create_campaign,
    event_types_are,
    record_result,
    set_participants,
)


@pytest.fixture
async def contest(client, leader):
    """A campaign (1 April – 30 June 2025) and its skills competition on 20 May."""
    campaign = await create_campaign(client, leader)
    activity = await add_activity(client, leader, campaign["id"])
    return campaign["id"], activity["id"]


async def test_activities_are_listed_in_date_order_with_their_participants(client, leader):
    campaign = await create_campaign(client, leader)
    late = await add_activity(client, leader, campaign["id"], held_on="2025-06-30")
    early = await add_activity(
        client,
        leader,
        campaign["id"],
        kind="inspection",
        title="服务规范检查",
        held_on="2025-04-01",
    )
    await set_participants(client, leader, campaign["id"], late["id"], [("车队", 2)])
    listed = await client.get(f"{CAMPAIGNS}/{campaign['id']}/activities", headers=leader)
    assert listed.status_code == 200
    assert listed.json()["total"] == 2
    assert [(a["id"], a["kind"]) for a in listed.json()["items"]] == [
        (early["id"], "inspection"),
        (late["id"], "competition"),
    ]
    assert listed.json()["items"][1]["participants"] == [{"department": "车队", "people": 2}]
    one = await client.get(f"{CAMPAIGNS}/{campaign['id']}/activities/{late['id']}", headers=leader)
    assert one.status_code == 200 and one.json() == listed.json()["items"][1]


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        ({"held_on": "2025-03-31"}, "#/held_on"),  # the day before the campaign
        ({"held_on": "2025-07-01"}, "#/held_on"),  # the day after
        ({"kind": "party"}, "#/kind"),
        ({"title": ""}, "#/title"),
        ({"held_on": None}, "#/held_on"),
    ],
)
async def test_an_activity_outside_the_campaign_or_malformed_is_refused(
    client, leader, fields, pointer
):
    campaign = await create_campaign(client, leader)
    body = {"kind": "training", "title": "培训", "held_on": "2025-05-01", **fields}
    url = f"{CAMPAIGNS}/{campaign['id']}/activities"
    refused = await client.post(url, json=body, headers=leader)
    assert refused.status_code == 422, refused.text
    assert pointer in [error["pointer"] for error in refused.json()["errors"]]
    assert (await client.get(url, headers=leader)).json() == {"items": [], "total": 0}


async def test_participants_are_replaced_as_a_whole(client, leader, contest):
    campaign_id, activity_id = contest
    await set_participants(client, leader, campaign_id, activity_id, [("车队", 4), ("办公室", 3)])
    replaced = await set_participants(
        client, leader, campaign_id, activity_id, [("车队", 6), ("后勤服务中心", 5)]
    )
    assert replaced["participants"] == [
        {"department": "后勤服务中心", "people": 5},
        {"department": "车队", "people": 6},
    ]
    emptied = await set_participants(client, leader, campaign_id, activity_id, [])
    assert emptied["participants"] == []


@pytest.mark.parametrize(
    ("participants", "pointer"),
    [
        (
            [{"department": "车队", "people": 4}, {"department": "车队", "people": 1}],
            "#/1/department",
        ),
        (
            [{"department": "车队", "people": 4}, {"department": " 车队 ", "people": 1}],
            "#/1/department",
        ),
        ([{"department": "车队", "people": 0}], "#/0/people"),
        ([{"department": "", "people": 1}], "#/0/department"),
        ([{"department": "车队", "people": "4"}], "#/0/people"),
        ({"department": "车队", "people": 4}, "#/"),
    ],
)
async def test_bad_participant_lists_are_refused_and_the_list_stays(
    client, leader, contest, participants, pointer
):
    campaign_id, activity_id = contest
    await set_participants(client, leader, campaign_id, activity_id, [("办公室", 3)])
    url = f"{CAMPAIGNS}/{campaign_id}/activities/{activity_id}/participants"
    refused = await client.put(url, json=participants, headers=leader)
    assert refused.status_code == 422, refused.text
    assert pointer in [error["pointer"] for error in refused.json()["errors"]]
    activity = await client.get(
        f"{CAMPAIGNS}/{campaign_id}/activities/{activity_id}", headers=leader
    )
    assert activity.json()["participants"] == [{"department": "办公室", "people": 3}]


async def test_a_department_with_results_stays_a_participant(
    client, leader, contest, nats_server_url, event_namespace
):
    campaign_id, activity_id = contest
    await set_participants(client, leader, campaign_id, activity_id, [("车队", 4), ("办公室", 3)])
    result = await record_result(
        client, leader, campaign_id, activity_id, department="车队", rank=1
    )
    url = f"{CAMPAIGNS}/{campaign_id}/activities/{activity_id}/participants"

    refused = await client.put(url, json=[{"department": "办公室", "people": 9}], headers=leader)
    assert refused.status_code == 409, refused.text
    assert refused.json()["rule"] == "participant-has-results"
    activity = await client.get(
        f"{CAMPAIGNS}/{campaign_id}/activities/{activity_id}", headers=leader
    )
    assert activity.json()["participants"] == [
        {"department": "办公室", "people": 3},
        {"department": "车队", "people": 4},
    ]
    assert [r["id"] for r in activity.json()["results"]] == [result["id"]]
    # Changing its headcount, or dropping another department, is fine.
    kept = await set_participants(client, leader, campaign_id, activity_id, [("车队", 5)])
    assert kept["participants"] == [{"department": "车队", "people": 5}]
    await event_types_are(
        nats_server_url,
        event_namespace,
        [
            ("ledger.campaign.created", campaign_id),
            ("ledger.campaign.result_recorded", campaign_id),
        ],
    )


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        ({"department": "办公室", "rank": 1}, "#/department"),  # did not take part
        ({"department": "车队"}, "#/"),  # says nothing of how it went
        ({"department": "车队", "note": "参加"}, "#/"),
        ({"department": "车队", "rank": 0}, "#/rank"),
        ({"department": "车队", "score": -1}, "#/score"),
        ({"department": "车队", "score": 95.555}, "#/score"),
        ({"department": "车队", "score": 100000}, "#/score"),
        ({"department": "车队", "rank": 1, "medal": "gold"}, "#/medal"),
    ],
)
async def test_a_result_for_a_non_participant_or_saying_nothing_is_refused(
    client, leader, contest, fields, pointer, nats_server_url, event_namespace
):
    campaign_id, activity_id = contest
    await set_participants(client, leader, campaign_id, activity_id, [("车队", 4)])
    url = f"{CAMPAIGNS}/{campaign_id}/activities/{activity_id}/results"
    refused = await client.post(url, json=fields, headers=leader)
    assert refused.status_code == 422, refused.text
    assert pointer in [error["pointer"] for error in refused.json()["errors"]]
    activity = await client.get(
        f"{CAMPAIGNS}/{campaign_id}/activities/{activity_id}", headers=leader
    )
    assert activity.json()["results"] == []
    await event_types_are(
        nats_server_url, event_namespace, [("ledger.campaign.created", campaign_id)]
    )


async def test_a_department_may_hold_several_results_in_one_activity(client, leader, contest):
    campaign_id, activity_id = contest
    await set_participants(client, leader, campaign_id, activity_id, [("车队", 4)])
    await record_result(client, leader, campaign_id, activity_id, department="车队", rank=3)
    await record_result(client, leader, campaign_id, activity_id, department="车队", award="组织奖")
    activity = await client.get(
        f"{CAMPAIGNS}/{campaign_id}/activities/{activity_id}", headers=leader
    )
    assert [(r["rank"], r["award"]) for r in activity.json()["results"]] == [
        (3, None),
        (None, "组织奖"),
    ]


async def test_an_activity_of_another_campaign_is_not_found_under_this_one(client, leader, contest):
    campaign_id, activity_id = contest
    other = await create_campaign(client, leader, theme="另一个主题")
    base = f"{CAMPAIGNS}/{other['id']}/activities/{activity_id}"
    assert (await client.get(base, headers=leader)).status_code == 404
    put = await client.put(
        f"{base}/participants", json=[{"department": "车队", "people": 1}], headers=leader
    )
    assert put.status_code == 404
    posted = await client.post(
        f"{base}/results", json={"department": "车队", "rank": 1}, headers=leader
    )
    assert posted.status_code == 404
    mine = await client.get(f"{CAMPAIGNS}/{campaign_id}/activities/{activity_id}", headers=leader)
    assert mine.json()["participants"] == []
