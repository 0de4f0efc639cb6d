"""The exemption workflow (免责): asked for by the record's department or the person it
names, decided once by a leader; the record never changes, its status follows."""

import pytest

from guanjia_shared.platform_tables import outbox
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events
from ticket_svc.accountability.models import AccountabilityExemption

RECORDS = "/api/v1/ticket/accountability-records"
LOGISTICS = "后勤服务中心"
PROPERTY = "物业科"
FORCE_MAJEURE = {"ground": "force_majeure", "reason": "台风停电, 无法到场"}


@pytest.fixture
def leader(token_mint):
    return token_mint.headers("leader", sub="leader-1")


@pytest.fixture
def head(token_mint):
    return token_mint.headers("dept_head", sub="head-1", department=LOGISTICS)


@pytest.fixture
async def penalty(client, leader):
    created = await client.post(
        RECORDS,
        json={
            "kind": "penalty",
            "department": LOGISTICS,
            "person_id": "agent-7",
            "reason": "维修超时",
            "points": 3,
            "occurred_at": "2026-03-02T09:30:00+08:00",
        },
        headers=leader,
    )
    assert created.status_code == 201, created.text
    return created.json()


def url_of(record, action=""):
    return f"{RECORDS}/{record['id']}/exemption{action}"


async def status_of(client, record, headers):
    return (await client.get(f"{RECORDS}/{record['id']}", headers=headers)).json()["status"]


async def test_an_approved_exemption_exempts_the_record(client, penalty, head, leader):
    asked = await client.post(url_of(penalty), json=FORCE_MAJEURE, headers=head)
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "exemption_requested"
    [request] = asked.json()["exemptions"]
    assert (request["ground"], request["requested_by"], request["decision"]) == (
        "force_majeure",
        "head-1",
        "pending",
    )

    approved = await client.post(
        url_of(penalty, "/approve"), json={"note": "情况属实"}, headers=leader
    )

    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "exempted"
    [decided] = body["exemptions"]
    assert (decided["decision"], decided["decided_by"], decided["decision_note"]) == (
        "approved",
        "leader-1",
        "情况属实",
    )
    assert decided["decided_at"] is not None
    # The record itself is as it was recorded.
    unchanged = {k: v for k, v in body.items() if k not in ("status", "exemptions")}
    assert unchanged == {k: v for k, v in penalty.items() if k not in ("status", "exemptions")}


async def test_a_rejected_request_may_be_followed_by_a_new_one(client, penalty, head, leader):
    await client.post(url_of(penalty), json=FORCE_MAJEURE, headers=head)

    rejected = await client.post(
        url_of(penalty, "/reject"), json={"note": "未提供停电证明"}, headers=leader
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "active"
    assert rejected.json()["exemptions"][0]["decision"] == "rejected"

    again = await client.post(
        url_of(penalty), json={"ground": "other", "reason": "附停电证明"}, headers=head
    )
    assert again.status_code == 201, again.text
    assert again.json()["status"] == "exemption_requested"
    assert [e["decision"] for e in again.json()["exemptions"]] == ["rejected", "pending"]


async def test_only_one_exemption_is_open_at_a_time(client, penalty, head, leader, count_rows):
    await client.post(url_of(penalty), json=FORCE_MAJEURE, headers=head)

    second = await client.post(url_of(penalty), json=FORCE_MAJEURE, headers=head)
    assert second.status_code == 409
    assert second.json()["rule"] == "one-exemption-at-a-time"
    assert await count_rows(AccountabilityExemption) == 1

    await client.post(url_of(penalty, "/approve"), headers=leader)
    after_approval = await client.post(url_of(penalty), json=FORCE_MAJEURE, headers=head)
    assert after_approval.status_code == 409
    assert after_approval.json()["rule"] == "one-exemption-at-a-time"
    assert await count_rows(AccountabilityExemption) == 1


async def test_a_request_is_decided_once(client, penalty, head, leader):
    await client.post(url_of(penalty), json=FORCE_MAJEURE, headers=head)
    assert (await client.post(url_of(penalty, "/approve"), json={}, headers=leader)).is_success

    for action, body in (("/approve", None), ("/reject", {"note": "改判"})):
        refused = await client.post(url_of(penalty, action), json=body, headers=leader)
        assert refused.status_code == 409
        assert refused.json()["rule"] == "decide-once"
    record = (await client.get(f"{RECORDS}/{penalty['id']}", headers=leader)).json()
    assert record["status"] == "exempted"
    assert [e["decision"] for e in record["exemptions"]] == ["approved"]


async def test_nothing_to_decide_before_anyone_asks(client, penalty, leader):
    refused = await client.post(url_of(penalty, "/approve"), headers=leader)
    assert refused.status_code == 404
    assert await status_of(client, penalty, leader) == "active"


@pytest.mark.parametrize(
    "asker",
    [
        (("agent",), {"department": LOGISTICS}),
        (("unit_staff",), {"sub": "agent-7"}),  # the person the record names
    ],
    ids=["agent-of-the-department", "person-named"],
)
async def test_the_department_or_the_person_named_may_ask(
    client, token_mint, penalty, leader, asker
):
    roles, claims = asker
    asked = await client.post(
        url_of(penalty), json=FORCE_MAJEURE, headers=token_mint.headers(*roles, **claims)
    )
    assert asked.status_code == 201, asked.text
    assert await status_of(client, penalty, leader) == "exemption_requested"


@pytest.mark.parametrize(
    "asker",
    [
        (("dept_head",), {"department": PROPERTY}),
        (("agent",), {"department": PROPERTY}),
        (("leader",), {}),
        (("admin",), {}),
        (("auditor",), {}),
        (("unit_staff",), {"sub": "someone-else"}),
    ],
    ids=["other-head", "other-agent", "leader", "admin", "auditor", "someone-else"],
)
async def test_nobody_else_may_ask(client, token_mint, penalty, leader, count_rows, asker):
    roles, claims = asker
    refused = await client.post(
        url_of(penalty), json=FORCE_MAJEURE, headers=token_mint.headers(*roles, **claims)
    )
    assert refused.status_code == 403
    assert await count_rows(AccountabilityExemption) == 0
    assert await status_of(client, penalty, leader) == "active"


async def test_a_reward_is_not_exempted(client, leader, head, count_rows):
    reward = (
        await client.post(
            RECORDS,
            json={"kind": "reward", "department": LOGISTICS, "reason": "锦旗"},
            headers=leader,
        )
    ).json()
    refused = await client.post(url_of(reward), json=FORCE_MAJEURE, headers=head)
    assert refused.status_code == 409
    assert refused.json()["rule"] == "only-penalties-are-exempted"
    assert await count_rows(AccountabilityExemption) == 0


@pytest.mark.parametrize("role", ["dept_head", "agent", "admin", "auditor"])
async def test_only_a_leader_decides(client, token_mint, penalty, head, leader, role):
    await client.post(url_of(penalty), json=FORCE_MAJEURE, headers=head)
    not_a_leader = token_mint.headers(role, department=LOGISTICS)

    assert (await client.post(url_of(penalty, "/approve"), headers=not_a_leader)).status_code == 403
    rejected = await client.post(
        url_of(penalty, "/reject"), json={"note": "否"}, headers=not_a_leader
    )
    assert rejected.status_code == 403
    assert await status_of(client, penalty, leader) == "exemption_requested"


async def test_a_leader_does_not_decide_on_their_own_penalty(client, token_mint, leader):
    about_a_leader = (
        await client.post(
            RECORDS,
            json={
                "kind": "penalty",
                "department": LOGISTICS,
                "person_id": "leader-2",
                "reason": "分管领域连续超时",
            },
            headers=leader,
        )
    ).json()
    named_leader = token_mint.headers("leader", sub="leader-2")
    asked = await client.post(url_of(about_a_leader), json=FORCE_MAJEURE, headers=named_leader)
    assert asked.status_code == 201

    refused = await client.post(url_of(about_a_leader, "/approve"), headers=named_leader)
    assert refused.status_code == 403
    assert await status_of(client, about_a_leader, leader) == "exemption_requested"
    assert (await client.post(url_of(about_a_leader, "/approve"), headers=leader)).is_success


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("", {"ground": "bad_weather", "reason": "雨"}),
        ("", {"ground": "force_majeure", "reason": ""}),
        ("", {"ground": "force_majeure"}),
        ("/reject", {}),
        ("/reject", {"note": ""}),
        ("/approve", {"note": "好", "extra": 1}),
    ],
    ids=["unknown-ground", "empty-reason", "no-reason", "reject-no-note", "empty-note", "extra"],
)
async def test_bad_exemption_bodies_are_refused_and_nothing_changes(
    client, penalty, head, leader, count_rows, action, body
):
    if action:
        await client.post(url_of(penalty), json=FORCE_MAJEURE, headers=head)
    before = (await client.get(f"{RECORDS}/{penalty['id']}", headers=leader)).json()

    refused = await client.post(
        url_of(penalty, action), json=body, headers=head if not action else leader
    )

    assert refused.status_code == 422, refused.text
    assert (await client.get(f"{RECORDS}/{penalty['id']}", headers=leader)).json() == before


async def test_an_exemption_of_an_unknown_record_is_not_found(client, head):
    missing = await client.post(f"{RECORDS}/nope/exemption", json=FORCE_MAJEURE, headers=head)
    assert missing.status_code == 404


async def test_the_list_filters_by_derived_status(client, leader, head, penalty):
    async def another():
        created = await client.post(
            RECORDS,
            json={"kind": "penalty", "department": LOGISTICS, "reason": "超时"},
            headers=leader,
        )
        return created.json()

    requested, rejected, untouched = await another(), await another(), await another()
    await client.post(url_of(penalty), json=FORCE_MAJEURE, headers=head)
    await client.post(url_of(penalty, "/approve"), headers=leader)
    await client.post(url_of(requested), json=FORCE_MAJEURE, headers=head)
    await client.post(url_of(rejected), json=FORCE_MAJEURE, headers=head)
    await client.post(url_of(rejected, "/reject"), json={"note": "不属实"}, headers=leader)

    async def listed(status):
        page = (await client.get(RECORDS, params={"status": status}, headers=leader)).json()
        assert all(item["status"] == status for item in page["items"])
        return {item["id"] for item in page["items"]}

    assert await listed("exempted") == {penalty["id"]}
    assert await listed("exemption_requested") == {requested["id"]}
    assert await listed("active") == {rejected["id"], untouched["id"]}


async def test_an_approval_is_announced_so_the_scorecard_leaves_the_record_out(
    client, penalty, head, leader, session_factory, nats_server_url, event_namespace
):
    await client.post(url_of(penalty), json=FORCE_MAJEURE, headers=head)
    await client.post(url_of(penalty, "/approve"), headers=leader)

    async def accountability_events():
        events = await published_events(nats_server_url, event_namespace, "ticket")
        found = [e for e in events if e.short_type.startswith("ticket.accountability.")]
        assert [(e.short_type, e.subject) for e in found] == [
            ("ticket.accountability.recorded", penalty["id"]),
            ("ticket.accountability.exempted", penalty["id"]),
        ]
        return found

    _, exempted = await eventually(accountability_events)
    assert exempted.data["id"] == penalty["id"]
    assert exempted.data["department"] == LOGISTICS and exempted.data["year"] == 2026
    assert exempted.data["person_id"] == "agent-7" and exempted.data["points"] == 3


async def test_a_rejection_announces_nothing(client, penalty, head, leader, count_rows):
    await client.post(url_of(penalty), json=FORCE_MAJEURE, headers=head)
    await client.post(url_of(penalty, "/reject"), json={"note": "不属实"}, headers=leader)
    # Only the record's own event: the scorecard keeps counting it.
    assert await count_rows(outbox) == 1
