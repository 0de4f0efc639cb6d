"""The campaigns (主题活动) contract: a year's theme, its activities, the departments that
took part and how they did, closed with a summary — read back in one answer."""

from datetime import datetime

import pytest

from guanjia_shared.clock import frozen_at

from .campaign_helpers import (
    CAMPAIGNS,
    add_activity,
    bureau_morning,
    campaign_body,
    create_campaign,
    event_types_are,
    record_result,
    set_participants,
)


async def test_a_whole_campaign_is_run_closed_and_read_back_in_one_answer(
    client, leader, admin, nats_server_url, event_namespace
):
    with frozen_at(bureau_morning("2025-03-10")):
        created = await client.post(CAMPAIGNS, json=campaign_body(), headers=leader)
        assert created.status_code == 201, created.text
        campaign = created.json()
        assert campaign["status"] == "planned" and campaign["version"] == 1
        assert created.headers["etag"] == '"1"'
        assert created.headers["location"] == f"{CAMPAIGNS}/{campaign['id']}"
        url = f"{CAMPAIGNS}/{campaign['id']}"

    with frozen_at(bureau_morning("2025-04-15")):
        training = await add_activity(
            client,
            admin,
            campaign["id"],
            kind="training",
            title="第一受理服务培训",
            held_on="2025-04-10",
        )
        contest = await add_activity(client, leader, campaign["id"], description="决赛")
        assert contest["participants"] == [] and contest["results"] == []
        await set_participants(
            client, admin, campaign["id"], training["id"], [("后勤服务中心", 40)]
        )
        listed = await set_participants(
            client,
            admin,
            campaign["id"],
            contest["id"],
            [("后勤服务中心", 5), ("车队", 4), ("办公室", 3)],
        )
        assert listed["participants"] == [
            {"department": "办公室", "people": 3},
            {"department": "后勤服务中心", "people": 5},
            {"department": "车队", "people": 4},
        ]
        second = await record_result(
            client, admin, campaign["id"], contest["id"], department="车队", rank=2, score=90
        )
        first = await record_result(
            client,
            admin,
            campaign["id"],
            contest["id"],
            department="后勤服务中心",
            rank=1,
            score=95.5,
            award="一等奖",
            note="团体",
        )
        organised = await record_result(
            client, admin, campaign["id"], contest["id"], department="办公室", award="优秀组织奖"
        )
        running = await client.get(url, headers=admin)
        assert running.json()["status"] == "running"

    with frozen_at(bureau_morning("2025-07-02")):
        closed = await client.post(
            f"{url}/close", json={"summary": "三个月,培训40人次,比赛一场"}, headers=admin
        )
        assert closed.status_code == 200, closed.text
        assert closed.headers["etag"] == '"2"'
        read = await client.get(url, headers=admin)

    assert read.status_code == 200 and read.headers["etag"] == '"2"'
    body = read.json()
    assert body["status"] == "finished" and body["version"] == 2
    assert body["summary"] == "三个月,培训40人次,比赛一场"
    assert body["closed_at"].startswith("2025-07-02T01:00:00")
    assert [(a["kind"], a["title"], a["held_on"]) for a in body["activities"]] == [
        ("training", "第一受理服务培训", "2025-04-10"),
        ("competition", "水电维修技能比赛", "2025-05-20"),
    ]
    assert body["activities"][0]["participants"] == [{"department": "后勤服务中心", "people": 40}]
    assert body["activities"][0]["results"] == []
    answered = body["activities"][1]
    assert answered["description"] == "决赛"
    assert [p["department"] for p in answered["participants"]] == ["办公室", "后勤服务中心", "车队"]
    # Placings first, in order; the unranked award after them.
    assert [
        (r["id"], r["department"], r["rank"], r["score"], r["award"], r["note"])
        for r in answered["results"]
    ] == [
        (first["id"], "后勤服务中心", 1, 95.5, "一等奖", "团体"),
        (second["id"], "车队", 2, 90.0, None, None),
        (organised["id"], "办公室", None, None, "优秀组织奖", None),
    ]

    events = await event_types_are(
        nats_server_url,
        event_namespace,
        [
            ("ledger.campaign.created", campaign["id"]),
            ("ledger.campaign.result_recorded", campaign["id"]),
            ("ledger.campaign.result_recorded", campaign["id"]),
            ("ledger.campaign.result_recorded", campaign["id"]),
            ("ledger.campaign.closed", campaign["id"]),
        ],
    )
    assert events[0].data["theme"] == "学习提高强素质,岗位创新促发展"
    assert events[0].data["year"] == 2025 and "status" not in events[0].data
    recorded = events[2].data
    assert recorded["campaign_id"] == campaign["id"] and recorded["activity_id"] == contest["id"]
    assert recorded["activity_kind"] == "competition"
    assert (recorded["department"], recorded["rank"], recorded["score"]) == (
        "后勤服务中心",
        1,
        95.5,
    )
    assert recorded["result_id"] == first["id"] and recorded["award"] == "一等奖"
    assert events[3].data["rank"] is None and events[3].data["award"] == "优秀组织奖"
    closing = events[4].data
    assert closing["summary"] == "三个月,培训40人次,比赛一场"
    assert (closing["activities"], closing["results"], closing["early"]) == (2, 3, False)


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        ("2025-03-31T15:59:00+00:00", "planned"),  # 23:59 on 31 March in Shanghai
        ("2025-03-31T16:00:00+00:00", "running"),  # 00:00 on 1 April, the first day
        ("2025-06-30T15:59:00+00:00", "running"),  # the last day
        ("2025-06-30T16:00:00+00:00", "finished"),  # 1 July
    ],
)
async def test_the_status_follows_the_campaign_dates_on_the_bureau_calendar(
    client, leader, moment, status
):
    campaign = await create_campaign(client, leader)
    with frozen_at(datetime.fromisoformat(moment)):
        answer = await client.get(f"{CAMPAIGNS}/{campaign['id']}", headers=leader)
        listed = await client.get(CAMPAIGNS, headers=leader)
    assert answer.json()["status"] == status
    assert listed.json()["items"][0]["status"] == status


async def test_the_list_filters_by_year(client, leader, token_mint):
    await create_campaign(client, leader)
    await create_campaign(
        client,
        leader,
        year=2024,
        theme="本职岗位做贡献",
        starts_on="2024-05-01",
        ends_on="2024-07-31",
    )
    auditor = token_mint.headers("auditor")
    everything = (await client.get(CAMPAIGNS, headers=auditor)).json()
    assert [c["year"] for c in everything["items"]] == [2025, 2024] and everything["total"] == 2
    of_2024 = (await client.get(CAMPAIGNS, params={"year": 2024}, headers=auditor)).json()
    assert [c["theme"] for c in of_2024["items"]] == ["本职岗位做贡献"]
    assert of_2024["total"] == 1


@pytest.mark.parametrize(
    ("ends_on", "days"),
    [("2025-04-01", "one day"), ("2025-06-30", "about three months"), ("2026-03-31", "a year")],
)
async def test_any_length_up_to_a_year_is_accepted(client, leader, ends_on, days):
    campaign = await create_campaign(client, leader, starts_on="2025-04-01", ends_on=ends_on)
    assert (campaign["starts_on"], campaign["ends_on"]) == ("2025-04-01", ends_on)


async def test_a_campaign_may_end_in_the_next_year_but_starts_in_its_own(client, leader):
    campaign = await create_campaign(client, leader, starts_on="2025-11-01", ends_on="2026-01-31")
    assert campaign["year"] == 2025 and campaign["ends_on"] == "2026-01-31"


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        ({"ends_on": "2025-03-31"}, "#/ends_on"),  # before it starts
        ({"starts_on": "2024-12-01", "ends_on": "2025-01-31"}, "#/starts_on"),  # not in 2025
        ({"starts_on": "2026-01-05", "ends_on": "2026-02-05"}, "#/starts_on"),
        ({"ends_on": "2026-04-01"}, "#/ends_on"),  # one day longer than a year
        ({"year": "2025"}, "#/year"),
        ({"year": 1999}, "#/year"),
        ({"theme": ""}, "#/theme"),
        ({"theme": "   "}, "#/theme"),
        ({"starts_on": 1743465600}, "#/starts_on"),
        ({"starts_on": "1743465600"}, "#/starts_on"),  # a timestamp as text is no day either
        ({"ends_on": "30/06/2025"}, "#/ends_on"),
        ({"colour": "red"}, "#/colour"),
    ],
)
async def test_a_campaign_with_bad_dates_or_fields_is_refused_and_nothing_is_written(
    client, leader, fields, pointer, nats_server_url, event_namespace
):
    refused = await client.post(CAMPAIGNS, json=campaign_body(**fields), headers=leader)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert pointer in [error["pointer"] for error in refused.json()["errors"]]
    assert (await client.get(CAMPAIGNS, headers=leader)).json()["total"] == 0
    after = await create_campaign(client, leader)
    await event_types_are(
        nats_server_url, event_namespace, [("ledger.campaign.created", after["id"])]
    )


async def test_a_campaign_that_is_not_there_is_404(client, leader):
    missing = f"{CAMPAIGNS}/00000000-0000-0000-0000-000000000000"
    assert (await client.get(missing, headers=leader)).status_code == 404
    assert (await client.get(f"{missing}/activities", headers=leader)).status_code == 404
    answer = await client.patch(missing, json={"theme": "x"}, headers=leader)
    assert answer.status_code == 404
    answer = await client.post(f"{missing}/close", json={"summary": "x"}, headers=leader)
    assert answer.status_code == 404
