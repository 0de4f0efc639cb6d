"""The recipients replica, fed by real `auth.user.*` events over NATS as the gateway publishes
them: the newest version wins whatever the order, a malformed event is a dead letter, and
only the admin reads whom notifications reach."""

import uuid

import pytest
from sqlalchemy import select

from guanjia_shared.platform_tables import dead_letter
from guanjia_shared.testing.apps import eventually

API = "/api/v1/notify/recipients"


@pytest.fixture
def admin(token_mint):
    return token_mint.headers("admin")


async def listed(client, headers, expected_names, **params):
    answer = await client.get(API, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert sorted(item["display_name"] for item in page["items"]) == sorted(expected_names)
    assert page["total"] == len(expected_names)
    return page["items"]


async def test_the_replica_keeps_the_newest_version_of_each_person(
    client, admin, publish, user_event
):
    person = str(uuid.uuid4())
    mobile = [{"channel": "mobile", "address": "13800138000"}]
    await publish(
        user_event("created", person, version=1, display_name="李四"),
        user_event("updated", person, version=3, display_name="李四", contacts=mobile),
        user_event("updated", person, version=2, display_name="过时的李四"),
    )
    marker = str(uuid.uuid4())
    await publish(user_event("created", marker, version=1, display_name="标记"))
    # One stream keeps its order: once the marker is in, so is the stale event before it.
    [lisi, _] = await eventually(lambda: listed(client, admin, ["李四", "标记"]))
    assert lisi["version"] == 3 and lisi["contacts"] == mobile
    await listed(client, admin, ["标记"], unreachable="true")


async def test_holders_of_a_role_or_a_department_are_the_active_ones_now(
    client, admin, publish, user_event
):
    head, agent, gone = (str(uuid.uuid4()) for _ in range(3))
    await publish(
        user_event("created", head, version=1, display_name="王处长", roles=["dept_head"]),
        user_event("created", agent, version=1, display_name="赵师傅", department="后勤中心"),
        user_event("created", gone, version=1, display_name="已离职", roles=["dept_head"]),
        user_event(
            "updated", gone, version=2, display_name="已离职", roles=["dept_head"], active=False
        ),
    )
    await eventually(lambda: listed(client, admin, ["王处长", "赵师傅"]))
    await listed(client, admin, ["王处长"], role="dept_head")
    await listed(client, admin, ["赵师傅"], department="后勤中心")
    await listed(client, admin, ["赵师傅"], q="赵")
    refused = await client.get(API, params={"role": "janitor"}, headers=admin)
    assert refused.status_code == 422


async def test_a_user_event_without_a_version_is_a_dead_letter(
    client, admin, publish, session_factory, user_event
):
    broken = user_event("created", str(uuid.uuid4()), version=1, display_name="坏事件")
    del broken.data["version"]
    marker = str(uuid.uuid4())
    await publish(broken, user_event("created", marker, version=1, display_name="标记"))
    await eventually(lambda: listed(client, admin, ["标记"]))

    async def dead_lettered():
        async with session_factory() as session:
            rows = (await session.execute(select(dead_letter.c.event_id))).scalars().all()
        assert rows == [broken.id]

    await eventually(dead_lettered)


@pytest.mark.parametrize("role", ["leader", "dept_head", "auditor", "unit_staff", "integration"])
async def test_only_the_admin_reads_whom_notifications_reach(client, token_mint, role):
    answer = await client.get(API, headers=token_mint.headers(role, unit_id="unit-1"))
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
