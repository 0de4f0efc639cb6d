"""What the campaign tests share: paths, bodies, a shape of fixed times."""

from datetime import UTC, datetime, time, timedelta
from datetime import date as Date

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events

CAMPAIGNS = "/api/v1/ledger/campaigns"


def bureau_morning(day: str) -> datetime:
    """09:00 in Asia/Shanghai on `day`, as a UTC moment (to freeze the clock at)."""
    return datetime.combine(Date.fromisoformat(day), time(9), tzinfo=UTC) - timedelta(hours=8)


def campaign_body(**fields):
    return {
        "year": 2025,
        "theme": "学习提高强素质,岗位创新促发展",
        "starts_on": "2025-04-01",
        "ends_on": "2025-06-30",
        "description": "以提高服务质量、提升服务品位为主要内容",
        **fields,
    }


async def create_campaign(client, headers, **fields):
    answer = await client.post(CAMPAIGNS, json=campaign_body(**fields), headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def add_activity(client, headers, campaign_id, **fields):
    body = {"kind": "competition", "title": "水电维修技能比赛", "held_on": "2025-05-20", **fields}
    answer = await client.post(f"{CAMPAIGNS}/{campaign_id}/activities", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def set_participants(client, headers, campaign_id, activity_id, participants):
    answer = await client.put(
        f"{CAMPAIGNS}/{campaign_id}/activities/{activity_id}/participants",
        json=[{"department": d, "people": n} for d, n in participants],
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def record_result(client, headers, campaign_id, activity_id, **fields):
    answer = await client.post(
        f"{CAMPAIGNS}/{campaign_id}/activities/{activity_id}/results", json=fields, headers=headers
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


async def event_types_are(nats_url, namespace, expected):
    """Wait until the ledger stream holds exactly `expected` (short type, subject) pairs.

    The relay publishes in commit order, so once the last expected event is there, any
    event a refused request had written would be there too."""

    async def check():
        events = await published_events(nats_url, namespace, "ledger")
        assert [(e.short_type, e.subject) for e in events] == expected
        return events

    return await eventually(check)
