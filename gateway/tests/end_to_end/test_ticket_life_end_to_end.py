"""A ticket's whole life as the service desk and the requester live it, through the
gateway in front of the real services: a unit and its room in asset-svc, a published
commitment, a phone call taken by an agent, a department head handing it on, a wait on
the requester, a dissatisfied answer, a satisfied close, and the repair landing in the
room's history in asset-svc."""

import pytest

from guanjia_shared.testing.apps import eventually

DEPARTMENT = "后勤服务中心"


@pytest.fixture
def ticket_and_asset(real_services):
    with real_services("asset", "ticket") as processes:
        yield processes


@pytest.fixture
async def gateway(start_gateway, ticket_and_asset, gateway_port):
    urls = {f"{service}_url": process.url for service, process in ticket_and_asset.items()}
    async with start_gateway(port=gateway_port, **urls) as gateway:
        yield gateway


async def login(gateway, admin, *roles, **fields):
    user = await gateway.create_user(admin, *roles, **fields)
    return user["id"], await gateway.headers(user["username"], user["password"])


async def test_a_ticket_from_the_call_to_the_rooms_repair_history(gateway):
    client = gateway.client
    admin = await gateway.headers()

    unit = await client.post(
        "/api/v1/asset/units",
        json={"code": "410100-07", "name": "市教育局", "level": "municipal"},
        headers=admin,
    )
    unit_id = unit.json()["id"]
    building = await client.post(
        "/api/v1/asset/buildings",
        json={
            "name": "市政府二号楼",
            "address": "中原路235号",
            "owner_unit_id": unit_id,
            "gross_area": 8000.0,
            "use": "office",
        },
        headers=admin,
    )
    building_id = building.json()["id"]
    room = await client.post(
        "/api/v1/asset/rooms",
        json={
            "building_id": building_id,
            "floor": 3,
            "number": "302",
            "usable_area": 18.0,
            "kind": "office",
        },
        headers=admin,
    )
    room_id = room.json()["id"]

    commitment = await client.post(
        "/api/v1/ticket/commitments",
        json={
            "code": "C-WATER",
            "name": "水电维修",
            "category": "repair",
            "department": DEPARTMENT,
            "response_minutes": 30,
            "resolve_hours": 8,
        },
        headers=admin,
    )
    assert commitment.status_code == 201, commitment.text
    published = await client.post(
        f"/api/v1/ticket/commitments/{commitment.json()['id']}/publish", headers=admin
    )
    assert published.status_code == 200
    public = (await client.get("/public/v1/commitments")).json()
    assert [c["code"] for c in public["items"]] == ["C-WATER"]

    agent_id, agent = await login(gateway, admin, "agent", department=DEPARTMENT)
    colleague_id, colleague = await login(gateway, admin, "agent", department=DEPARTMENT)
    _, head = await login(gateway, admin, "dept_head", department=DEPARTMENT)
    _, requester = await login(gateway, admin, "unit_staff", unit_id=unit_id)
    _, stranger = await login(gateway, admin, "unit_staff", unit_id="another-unit")

    opened = await client.post(
        "/api/v1/ticket/tickets",
        json={
            "channel": "phone",
            "requester": {"name": "王老师", "unit_id": unit_id, "phone": "0371-1234567"},
            "commitment_code": "C-WATER",
            "title": "302 暖气漏水",
            "description": "地面有积水",
            "building_id": building_id,
            "room_id": room_id,
        },
        headers=agent,
    )
    assert opened.status_code == 201, opened.text
    ticket = opened.json()
    assert ticket["first_receiver"] == agent_id and ticket["status"] == "new"
    assert ticket["response_due_at"] and ticket["resolve_due_at"]
    url = f"/api/v1/ticket/tickets/{ticket['id']}"

    # The requester's unit sees it; another unit does not even learn it exists.
    assert (await client.get(url, headers=requester)).status_code == 200
    assert (await client.get(url, headers=stranger)).status_code == 404
    assert (await client.get("/api/v1/ticket/tickets", headers=stranger)).json()["total"] == 0

    # Only the department head hands it on, and only with a reason.
    assert (
        await client.post(
            f"{url}/transfer", json={"to": colleague_id, "reason": "x"}, headers=agent
        )
    ).status_code == 403
    handed = await client.post(
        f"{url}/transfer", json={"to": colleague_id, "reason": "熟悉该楼管线"}, headers=head
    )
    assert handed.status_code == 200, handed.text
    assert handed.json()["owner"] == colleague_id

    waiting = await client.post(f"{url}/wait", json={"reason": "约定上门时间"}, headers=colleague)
    assert waiting.json()["status"] == "waiting_requester" and waiting.json()["sla_paused"]
    resumed = await client.post(f"{url}/resume", headers=colleague)
    assert resumed.json()["status"] == "in_progress"
    resolved = await client.post(
        f"{url}/resolve", json={"resolution": "更换暖气阀"}, headers=colleague
    )
    assert resolved.json()["status"] == "resolved"

    reopened = await client.post(
        f"{url}/confirm",
        json={"satisfied": False, "rating": 2, "comment": "还漏"},
        headers=requester,
    )
    assert reopened.json()["status"] == "reopened"
    again = await client.post(
        f"{url}/resolve", json={"resolution": "更换整组暖气片"}, headers=colleague
    )
    assert again.json()["status"] == "resolved"
    closed = await client.post(
        f"{url}/confirm", json={"satisfied": True, "rating": 5}, headers=requester
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed" and closed.json()["rating"] == 5
    assert closed.json()["sla_met"] is True

    kinds = [e["kind"] for e in (await client.get(f"{url}/events", headers=head)).json()["items"]]
    assert kinds == [
        "created",
        "transferred",
        "started",
        "waiting",
        "resumed",
        "resolved",
        "confirmed",
        "reopened",
        "started",
        "resolved",
        "confirmed",
        "closed",
    ]

    async def repair_in_room_history():
        answer = await client.get(f"/api/v1/asset/rooms/{room_id}/history", headers=admin)
        assert answer.status_code == 200, answer.text
        repairs = [entry for entry in answer.json() if entry["kind"] == "repair"]
        assert [(r["ticket_id"], r["title"], r["department"]) for r in repairs] == [
            (ticket["id"], "302 暖气漏水", DEPARTMENT)
        ]

    await eventually(repair_in_room_history, timeout=30)
