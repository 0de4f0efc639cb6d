"""Whom notifications reach, through the gateway in front of the real notify-svc: a person
made by the admin verifies a mobile number at the gateway, and notify-svc, fed only by the
gateway's `auth.user.*` events over NATS, lists them with it; deactivated, they are gone."""

import pytest

from guanjia_shared.testing.apps import eventually

RECIPIENTS = "/api/v1/notify/recipients"


@pytest.fixture
async def gateway(start_gateway, real_services, gateway_port):
    with real_services("notify") as processes:
        async with start_gateway(port=gateway_port, notify_url=processes["notify"].url) as gateway:
            yield gateway


async def test_a_verified_mobile_reaches_notify_and_a_deactivated_person_leaves_it(gateway):
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

    async def code_sent() -> str:
        requests = await gateway.published("auth.contact.verification_requested", person["id"])
        assert len(requests) == 1
        return requests[0]["code"]

    verified = await client.post(
        "/api/v1/auth/me/contacts/mobile/verify",
        json={"code": await eventually(code_sent)},
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
