"""Webhook subscriptions as their owners keep them: who may subscribe, what each sees,
the secret shown once, rotation, pausing and deleting, and input refused whole."""

from datetime import datetime, timedelta

import pytest

from guanjia_shared.testing.clocks import HandClock

API = "/api/v1/notify/subscriptions"
HOTLINE = {
    "name": "12345 热线平台",
    "callback_url": "https://hotline.example.gov.cn/guanjia/callback",
    "event_types": ["ticket.ticket.created", "ticket.ticket.closed"],
    "filter": {"channel": "hotline"},
}


@pytest.fixture
def admin(token_mint):
    return token_mint.headers("admin", sub="admin-1", name="管理员")


@pytest.fixture
def hotline(token_mint):
    return token_mint.headers("integration", sub="client-hotline", unit_id="unit-a")


@pytest.fixture
def other_client(token_mint):
    return token_mint.headers("integration", sub="client-other", unit_id="unit-b")


async def created(client, headers, **changes):
    answer = await client.post(API, json={**HOTLINE, **changes}, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer


async def test_a_client_subscribes_for_its_unit_and_sees_the_secret_only_once(client, hotline):
    answer = await created(client, hotline)
    body = answer.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    assert (body["owner_id"], body["owner_unit_id"], body["status"], body["version"]) == (
        "client-hotline",
        "unit-a",
        "active",
        1,
    )
    assert answer.headers["Location"] == f"{API}/{body['id']}"
    assert answer.headers["ETag"] == '"1"'
    again = await client.get(f"{API}/{body['id']}", headers=hotline)
    assert again.status_code == 200
    assert "secret" not in again.json()
    listed = await client.get(API, headers=hotline)
    assert [row["id"] for row in listed.json()["items"]] == [body["id"]]
    assert all("secret" not in row for row in listed.json()["items"])


async def test_an_admins_subscription_reads_every_unit(client, admin):
    body = (await created(client, admin)).json()
    assert body["owner_unit_id"] is None


@pytest.mark.parametrize(
    "roles, claims",
    [
        (("integration",), {}),  # a client bound to no unit reads no tickets
        (("unit_staff",), {"unit_id": "unit-a"}),
        (("agent",), {"department": "物业"}),
        (("leader",), {}),
    ],
)
async def test_only_an_admin_or_a_unit_bound_client_subscribes(client, token_mint, roles, claims):
    headers = token_mint.headers(*roles, **claims)
    answer = await client.post(API, json=HOTLINE, headers=headers)
    assert answer.status_code == 403, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(API, headers=token_mint.headers("admin"))).json()["total"] == 0


async def test_without_a_token_nothing_is_answered(client):
    assert (await client.get(API)).status_code == 401
    assert (await client.post(API, json=HOTLINE)).status_code == 401


async def test_another_clients_subscription_is_as_if_it_did_not_exist(
    client, hotline, other_client, admin
):
    subscription = (await created(client, hotline)).json()
    path = f"{API}/{subscription['id']}"
    for answer in (
        await client.get(path, headers=other_client),
        await client.patch(path, json={"name": "改名"}, headers=other_client),
        await client.post(f"{path}/rotate-secret", headers=other_client),
        await client.delete(path, headers=other_client),
    ):
        assert answer.status_code == 404, answer.text
    assert (await client.get(API, headers=other_client)).json() == {"items": [], "total": 0}
    unchanged = (await client.get(path, headers=hotline)).json()
    assert (unchanged["name"], unchanged["status"], unchanged["version"]) == (
        HOTLINE["name"],
        "active",
        1,
    )
    assert (await client.get(API, headers=admin)).json()["total"] == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"callback_url": "javascript:alert(1)"},
        {"callback_url": "ftp://hotline.example.gov.cn/in"},
        {"callback_url": "https://" + "a" * 2000 + ".cn/"},
        {"event_types": []},
        {"event_types": ["ticket.ticket.deleted"]},
        {"event_types": ["emergency.task.assigned"]},
        {"filter": {"owner": "someone"}},
        {"filter": {"channel": "hot\nline"}},
        {"filter": {"channel": ""}},
        {"name": '=HYPERLINK("http://x")\x07'},
        {"name": "名" * 101},
        {"secret": "whsec_chosen-by-me"},
        {"owner_unit_id": None},
    ],
)
async def test_a_subscription_with_bad_input_is_refused_whole(client, admin, changes):
    answer = await client.post(API, json={**HOTLINE, **changes}, headers=admin)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(API, headers=admin)).json()["total"] == 0


async def test_a_ten_megabyte_name_is_refused_before_it_is_read(client, admin):
    answer = await client.post(API, json={**HOTLINE, "name": "x" * 10_000_000}, headers=admin)
    assert answer.status_code == 413, answer.text
    assert (await client.get(API, headers=admin)).json()["total"] == 0


async def test_changes_need_the_current_version_and_refuse_nulls(client, hotline):
    subscription = (await created(client, hotline)).json()
    path = f"{API}/{subscription['id']}"
    stale = await client.patch(path, json={"name": "旧"}, headers={**hotline, "If-Match": '"7"'})
    assert stale.status_code == 412
    for refused in ({"name": None}, {"callback_url": None}, {"status": "deleted"}):
        answer = await client.patch(path, json=refused, headers=hotline)
        assert answer.status_code in (409, 422), answer.text
    changed = await client.patch(
        path,
        json={"filter": {}, "event_types": ["ticket.ticket.resolved"]},
        headers={**hotline, "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["filter"], body["event_types"], body["version"], body["name"]) == (
        {},
        ["ticket.ticket.resolved"],
        2,
        HOTLINE["name"],
    )
    assert changed.headers["ETag"] == '"2"'


async def test_pausing_resuming_and_deleting(client, hotline):
    subscription = (await created(client, hotline)).json()
    path = f"{API}/{subscription['id']}"
    paused = await client.patch(path, json={"status": "paused"}, headers=hotline)
    assert paused.json()["status"] == "paused"
    resumed = await client.patch(path, json={"status": "active"}, headers=hotline)
    assert resumed.json()["status"] == "active"
    assert (await client.delete(path, headers=hotline)).status_code == 204
    assert (await client.get(API, headers=hotline)).json()["total"] == 0
    deleted = (await client.get(API, params={"status": "deleted"}, headers=hotline)).json()
    assert [row["id"] for row in deleted["items"]] == [subscription["id"]]
    again = await client.patch(path, json={"status": "active"}, headers=hotline)
    assert again.status_code == 409
    assert again.json()["rule"] == "subscription-deleted"


async def test_a_rotated_secret_is_shown_once_and_the_old_one_signs_for_a_day(
    service_factory, service_under_test, token_mint
):
    clock = HandClock()
    hotline = token_mint.headers("integration", sub="client-hotline", unit_id="unit-a")
    with clock.as_now():
        async with service_factory(*service_under_test) as service:
            first = (await created(service.client, hotline)).json()
            rotated = await service.client.post(
                f"{API}/{first['id']}/rotate-secret", headers=hotline
            )
    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    assert body["secret"].startswith("whsec_") and body["secret"] != first["secret"]
    expires = datetime.fromisoformat(body["previous_secret_expires_at"])
    assert expires == clock.now() + timedelta(hours=24)
