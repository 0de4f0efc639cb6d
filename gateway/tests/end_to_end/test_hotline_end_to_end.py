"""The 12345 hotline story through the gateway, in front of the real ticket-svc and
notify-svc: the platform, an API client bound to its unit, subscribes to its tickets'
changes, files a citizen's request with its own case number, and is called back, signed and
in order, with every status change the desk makes, and nothing of another unit's tickets."""

import json

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.receivers import receiving
from notify_svc.webhooks.signing import SIGNATURE_HEADER, verify

DEPARTMENT = "后勤服务中心"
HOTLINE_UNIT = "unit-12345"


@pytest.fixture
def ticket_and_notify(real_services):
    # The sender looks every half second, so a change is called back at once.
    with real_services(
        "ticket", "notify", notify={"GUANJIA_NOTIFY_DELIVERY_INTERVAL_SECONDS": "0.5"}
    ) as processes:
        yield processes


@pytest.fixture
async def gateway(start_gateway, ticket_and_notify, gateway_port):
    urls = {f"{service}_url": process.url for service, process in ticket_and_notify.items()}
    async with start_gateway(port=gateway_port, **urls) as gateway:
        yield gateway


async def hotline_platform(gateway, admin) -> dict:
    """The platform's API client's bearer headers."""
    return await gateway.client_headers(
        admin, name="12345 政务服务便民热线", roles=["integration"], unit_id=HOTLINE_UNIT
    )


async def test_the_hotline_is_called_back_with_each_change_of_its_ticket(gateway):
    client = gateway.client
    admin = await gateway.headers()
    commitment = await client.post(
        "/api/v1/ticket/commitments",
        json={
            "code": "C-LIGHT",
            "name": "公共照明维修",
            "category": "repair",
            "department": DEPARTMENT,
            "response_minutes": 30,
            "resolve_hours": 8,
        },
        headers=admin,
    )
    assert commitment.status_code == 201, commitment.text
    await client.post(
        f"/api/v1/ticket/commitments/{commitment.json()['id']}/publish", headers=admin
    )
    agent = await gateway.headers(
        (user := await gateway.create_user(admin, "agent", department=DEPARTMENT))["username"],
        user["password"],
    )
    hotline = await hotline_platform(gateway, admin)

    async with receiving() as receiver:
        subscribed = await client.post(
            "/api/v1/notify/subscriptions",
            json={
                "name": "12345 回访",
                "callback_url": receiver.url,
                "event_types": [
                    f"ticket.ticket.{kind}"
                    for kind in ("created", "taken", "started", "waiting", "resumed", "resolved")
                ]
                + ["ticket.ticket.closed"],
                "filter": {"channel": "hotline"},
            },
            headers=hotline,
        )
        assert subscribed.status_code == 201, subscribed.text
        secret = subscribed.json()["secret"]

        filed = await client.post(
            "/api/v1/ticket/tickets",
            json={
                "channel": "hotline",
                "requester": {"name": "王先生", "phone": "13900000000"},
                "commitment_code": "C-LIGHT",
                "title": "市府大院东门路灯不亮",
                "external_ref": "12345-20261206-0042",
            },
            headers=hotline,
        )
        assert filed.status_code == 201, filed.text
        ticket = filed.json()
        url = f"/api/v1/ticket/tickets/{ticket['id']}"
        # Another unit's request, which the desk takes by phone: never the platform's to see.
        other = await client.post(
            "/api/v1/ticket/tickets",
            json={
                "channel": "hotline",
                "requester": {"name": "李女士", "unit_id": "unit-other"},
                "commitment_code": "C-LIGHT",
                "title": "另一单位的诉求",
            },
            headers=agent,
        )
        assert other.status_code == 201, other.text

        for path, body in (
            ("take", None),
            ("start", None),
            ("wait", {"reason": "等待灯具到货"}),
            ("resume", None),
            ("resolve", {"resolution": "更换灯具"}),
            ("confirm", {"satisfied": True, "rating": 5}),
        ):
            answer = await client.post(f"{url}/{path}", json=body, headers=agent)
            assert answer.status_code == 200, f"{path}: {answer.text}"

        async def all_called_back():
            kinds = [json.loads(r.body)["type"].split(".")[-2] for r in receiver.received]
            assert kinds[-1:] == ["closed"], kinds
            return kinds

        kinds = await eventually(all_called_back, timeout=30)

    assert kinds == ["created", "taken", "started", "waiting", "resumed", "resolved", "closed"]
    for request in receiver.received:
        event = json.loads(request.body)
        assert event["subject"] == ticket["id"]
        assert event["data"]["external_ref"] == "12345-20261206-0042"
        assert verify(request.headers[SIGNATURE_HEADER.lower()], secret, request.body)
    statuses = [json.loads(r.body)["data"]["status"] for r in receiver.received]
    assert statuses == [
        "new",
        "new",
        "in_progress",
        "waiting_requester",
        "in_progress",
        "resolved",
        "closed",
    ]
    log = await client.get(
        "/api/v1/notify/deliveries", params={"subject": ticket["id"]}, headers=hotline
    )
    assert log.json()["total"] == 7
    assert {d["status"] for d in log.json()["items"]} == {"delivered"}
