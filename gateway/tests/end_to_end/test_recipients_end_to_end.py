"""Whom notifications reach, through the gateway in front of the real notify-svc: a person
made by the admin gives a mobile number at the gateway, notify-svc texts them the code
through the SMS provider (a real HTTP server on loopback), they type it back, and notify-svc,
fed only by the gateway's events over NATS, lists them with it; deactivated, they are gone."""

import json

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.receivers import receiving

RECIPIENTS = "/api/v1/notify/recipients"


@pytest.fixture
async def sms_provider():
    async with receiving() as provider:
        yield provider


@pytest.fixture
async def gateway(start_gateway, real_services, gateway_port, sms_provider):
    notify = {
        "GUANJIA_NOTIFY_SMS_URL": sms_provider.url,
        "GUANJIA_NOTIFY_MESSAGE_INTERVAL_SECONDS": "0.2",
    }
    with real_services("notify", notify=notify) as processes:
        async with start_gateway(port=gateway_port, notify_url=processes["notify"].url) as gateway:
            yield gateway


async def test_a_mobile_verified_by_the_code_texted_to_it_reaches_notify(gateway, sms_provider):
    client = gateway.client
    admin = await gateway.headers()
    person = await gateway.create_user(admin, "dept_head", department="物业管理处")
    headers = await gateway.headers(person["username"], person["password"])

    async def listed(**params) -> list[dict]:
        answer = await client.get(RECIPIENTS, params=params, headers=admin)
        assert answer.status_code == 200, answer.text
        return answer.json()["items"]

    async def unreachable_head() -> None:
        heads = await listed(role="dept_head", unreachable="true")
        assert [head["id"] for head in heads] == [person["id"]]

    await eventually(unreachable_head)

    await client.put(
        "/api/v1/auth/me/contacts/mobile", json={"address": "13800138000"}, headers=headers
    )

    async def code_texted() -> str:
        assert len(sms_provider.received) == 1
        text = json.loads(sms_provider.received[0].body)
        assert text["mobile"] == "13800138000"
        return text["content"].split("验证码是 ")[1][:6]

    verified = await client.post(
        "/api/v1/auth/me/contacts/mobile/verify",
        json={"code": await eventually(code_texted)},
        headers=headers,
    )
    assert verified.status_code == 200, verified.text

    async def reachable_by_mobile() -> None:
        heads = await listed(role="dept_head")
        assert len(heads) == 1 and heads[0]["contacts"] == [
            {"channel": "mobile", "address": "13800138000"}
        ]
        assert await listed(role="dept_head", unreachable="true") == []

    await eventually(reachable_by_mobile)
    # The person's own token does not open the list of everyone's numbers.
    assert (await client.get(RECIPIENTS, headers=headers)).status_code == 403

    await client.patch(f"/api/v1/auth/users/{person['id']}", json={"active": False}, headers=admin)

    async def gone() -> None:
        assert await listed(role="dept_head") == []

    await eventually(gone)
