"""What the ticket tests share: a published commitment, people with fixed ids, and a
frozen clock. 2026-09-21 is a Monday; the default calendar works 08:30–12:00 and
14:30–18:00, Asia/Shanghai."""

import datetime as dt
from zoneinfo import ZoneInfo

from guanjia_shared.clock import frozen_at

TICKETS = "/api/v1/ticket/tickets"
COMMITMENTS = "/api/v1/ticket/commitments"
SHANGHAI = ZoneInfo("Asia/Shanghai")
DEPARTMENT = "后勤服务中心"
OTHER_DEPARTMENT = "财务处"


def at(day, hour, minute=0, month=9):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def moment(text):
    return dt.datetime.fromisoformat(text)


async def publish_commitment(client, admin, code="C-REPAIR", **terms):
    body = {
        "code": code,
        "name": "水电维修",
        "category": "repair",
        "department": DEPARTMENT,
        "response_minutes": 30,
        "resolve_hours": 4,
        "calendar_id": None,
        **terms,
    }
    created = await client.post(COMMITMENTS, json=body, headers=admin)
    assert created.status_code == 201, created.text
    commitment = created.json()
    published = await client.post(f"{COMMITMENTS}/{commitment['id']}/publish", headers=admin)
    assert published.status_code == 200, published.text
    return commitment


def ticket_body(**fields):
    return {
        "channel": "phone",
        "requester": {"name": "张三", "unit_id": "unit-a", "phone": "13800000000"},
        "commitment_code": "C-REPAIR",
        "title": "三楼卫生间漏水",
        "description": "302 室外走廊",
        "room_id": "room-302",
        "building_id": "building-1",
        **fields,
    }


async def act(client, person, when, method, path, body=None):
    """One call made at `when` (the service's clock is frozen for it)."""
    with frozen_at(when):
        kwargs = {"headers": person.headers}
        if body is not None:
            kwargs["json"] = body
        return await client.request(method, path, **kwargs)


async def open_ticket(client, person, when, **fields):
    answer = await act(client, person, when, "POST", TICKETS, ticket_body(**fields))
    assert answer.status_code == 201, answer.text
    return answer.json()
