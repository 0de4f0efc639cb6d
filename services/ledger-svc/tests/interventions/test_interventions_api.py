"""Interventions: a leader's instruction on an item, acknowledged and answered by its owner,
closed by a leader; who may do what, what is refused from the wrong state, and the events."""

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events
from guanjia_shared.testing.tokens import Person

API = "/api/v1/ledger"

# Items of the 2026 plan, worked on in March 2026 (deadlines later that year).
pytestmark = pytest.mark.on_day("2026-03-02T10:00:00+08:00")


@pytest.fixture
def leader(token_mint):
    return Person(token_mint, "leader")


@pytest.fixture
def owner(token_mint):
    return Person(token_mint, "agent", department="综合处")


@pytest.fixture
async def item(client, leader, owner):
    plan = await client.post(
        f"{API}/plans", json={"year": 2026, "title": "2026年工作要点"}, headers=leader.headers
    )
    assert plan.status_code == 201, plan.text
    made = await client.post(
        f"{API}/plans/{plan.json()['id']}/items",
        json={
            "title": "办公用房清理",
            "owner_id": owner.id,
            "department": "综合处",
            "deadline": "2026-12-31",
        },
        headers=leader.headers,
    )
    assert made.status_code == 201, made.text
    return made.json()


async def issue(client, who, item, instruction="请于本周内说明进展滞后的原因"):
    return await client.post(
        f"{API}/items/{item['id']}/interventions",
        json={"instruction": instruction},
        headers=who.headers,
    )


async def act(client, who, intervention, action, body=None):
    return await client.post(
        f"{API}/interventions/{intervention['id']}/{action}", json=body, headers=who.headers
    )


async def test_an_intervention_goes_issued_acknowledged_answered_closed(
    client, leader, owner, item, nats_server_url, event_namespace
):
    issued = await issue(client, leader, item)
    assert issued.status_code == 201, issued.text
    intervention = issued.json()
    assert issued.headers["location"] == f"{API}/interventions/{intervention['id']}"
    assert (intervention["status"], intervention["issued_by"], intervention["is_open"]) == (
        "issued",
        leader.id,
        True,
    )

    acknowledged = await act(client, owner, intervention, "acknowledge")
    assert acknowledged.status_code == 200, acknowledged.text
    assert acknowledged.json()["status"] == "acknowledged"
    assert acknowledged.json()["acknowledged_by"] == owner.id

    answered = await act(client, owner, intervention, "answer", {"answer": "设备延期到货，已协调"})
    assert answered.status_code == 200, answered.text
    assert (answered.json()["status"], answered.json()["answer"]) == (
        "answered",
        "设备延期到货，已协调",
    )
    assert answered.json()["is_open"] is True  # until a leader has read it and closed it

    closed = await act(client, leader, intervention, "close", {"note": "同意，按期跟进"})
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["close_note"], closed.json()["is_open"]) == (
        "closed",
        "同意，按期跟进",
        False,
    )

    async def published():
        events = [
            event
            for event in await published_events(nats_server_url, event_namespace, "ledger")
            if event.short_type.startswith("ledger.intervention.")
        ]
        assert [event.short_type for event in events] == [
            "ledger.intervention.issued",
            "ledger.intervention.acknowledged",
            "ledger.intervention.answered",
            "ledger.intervention.closed",
        ]
        return events

    issued_event, _, answered_event, _ = await eventually(published)
    assert issued_event.data["item_id"] == item["id"]
    assert issued_event.data["department"] == "综合处"
    assert issued_event.data["owner_id"] == owner.id
    assert issued_event.data["issued_by"] == leader.id
    assert issued_event.data["instruction"] == "请于本周内说明进展滞后的原因"
    assert answered_event.data["answer"] == "设备延期到货，已协调"
    assert answered_event.data["answered_by"] == owner.id


async def test_only_a_leader_issues_and_closes_and_only_the_owner_answers(
    client, leader, owner, item, token_mint
):
    admin = Person(token_mint, "admin")
    head = Person(token_mint, "dept_head", department="综合处")
    for not_a_leader in (admin, head, owner):
        refused = await issue(client, not_a_leader, item)
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
    intervention = (await issue(client, leader, item)).json()
    colleague = Person(token_mint, "agent", department="综合处")
    for not_the_owner in (leader, admin, head, colleague):
        assert (await act(client, not_the_owner, intervention, "acknowledge")).status_code == 403
        answer = await act(client, not_the_owner, intervention, "answer", {"answer": "x"})
        assert answer.status_code == 403
    for not_a_leader in (owner, admin, head):
        assert (await act(client, not_a_leader, intervention, "close")).status_code == 403
    still = await client.get(f"{API}/interventions/{intervention['id']}", headers=leader.headers)
    assert still.json()["status"] == "issued"


async def test_moves_from_the_wrong_state_are_refused_by_name(client, leader, owner, item):
    first = (await issue(client, leader, item)).json()
    # Answering straight away acknowledges it too.
    answered = await act(client, owner, first, "answer", {"answer": "已整改"})
    assert answered.json()["acknowledged_at"] is not None
    again = await act(client, owner, first, "acknowledge")
    assert again.status_code == 409 and again.json()["rule"] == "acknowledge-an-issued-intervention"
    twice = await act(client, owner, first, "answer", {"answer": "再答"})
    assert twice.status_code == 409 and twice.json()["rule"] == "answer-once-before-closing"
    # A leader may withdraw one nobody has answered; closed stays closed.
    second = (await issue(client, leader, item, "补充材料")).json()
    assert (await act(client, leader, second, "close")).status_code == 200
    for action, body in (("acknowledge", None), ("answer", {"answer": "x"})):
        late = await act(client, owner, second, action, body)
        assert late.status_code == 409, action
    reclosed = await act(client, leader, second, "close", {})
    assert reclosed.status_code == 409 and reclosed.json()["rule"] == "close-an-open-intervention"


async def test_bad_bodies_and_unknown_things_are_refused(client, leader, owner, item):
    for bad in ({}, {"instruction": ""}, {"instruction": "x", "extra": 1}, {"instruction": 5}):
        answer = await client.post(
            f"{API}/items/{item['id']}/interventions", json=bad, headers=leader.headers
        )
        assert answer.status_code == 422, bad
    missing = await issue(client, leader, {"id": "no-such-item"})
    assert missing.status_code == 404
    intervention = (await issue(client, leader, item)).json()
    assert (await act(client, owner, intervention, "answer", {"answer": ""})).status_code == 422
    assert (await act(client, owner, {"id": "nope"}, "acknowledge")).status_code == 404
    assert (await act(client, leader, {"id": "nope"}, "close")).status_code == 404


async def test_open_interventions_are_listed_on_the_item_and_by_department(
    client, leader, owner, item, token_mint
):
    first = (await issue(client, leader, item, "第一条")).json()
    second = (await issue(client, leader, item, "第二条")).json()
    await act(client, leader, first, "close")
    url = f"{API}/items/{item['id']}/interventions"
    every = await client.get(url, headers=owner.headers)
    assert [i["instruction"] for i in every.json()] == ["第一条", "第二条"]
    still_open = await client.get(url, params={"open": "true"}, headers=leader.headers)
    assert [i["id"] for i in still_open.json()] == [second["id"]]
    colleague = Person(token_mint, "agent", department="综合处")
    assert (await client.get(url, headers=colleague.headers)).status_code == 403

    listed = await client.get(
        f"{API}/interventions", params={"department": "综合处"}, headers=leader.headers
    )
    assert listed.json()["total"] == 2
    assert [i["id"] for i in listed.json()["items"]] == [second["id"], first["id"]]  # newest first
    closed = await client.get(
        f"{API}/interventions", params={"status": "closed"}, headers=leader.headers
    )
    assert [i["id"] for i in closed.json()["items"]] == [first["id"]]
    elsewhere = await client.get(
        f"{API}/interventions", params={"department": "财务处"}, headers=leader.headers
    )
    assert elsewhere.json()["total"] == 0

    own_head = Person(token_mint, "dept_head", department="综合处")
    other_head = Person(token_mint, "dept_head", department="财务处")
    assert (await client.get(f"{API}/interventions", headers=own_head.headers)).json()["total"] == 2
    assert (await client.get(f"{API}/interventions", headers=other_head.headers)).json()[
        "total"
    ] == 0
    asked = await client.get(
        f"{API}/interventions", params={"department": "综合处"}, headers=other_head.headers
    )
    assert asked.status_code == 403
    # An owner sees those on their own items; a colleague none.
    mine = await client.get(f"{API}/interventions", params={"open": True}, headers=owner.headers)
    assert [i["id"] for i in mine.json()["items"]] == [second["id"]]
    assert (await client.get(f"{API}/interventions", headers=colleague.headers)).json()[
        "total"
    ] == 0
    bad = await client.get(
        f"{API}/interventions", params={"status": "lost"}, headers=leader.headers
    )
    assert bad.status_code == 422
    unit_staff = Person(token_mint, "unit_staff")
    assert (await client.get(f"{API}/interventions", headers=unit_staff.headers)).status_code == 403


async def test_the_owner_is_whoever_owns_the_item_when_they_act(
    client, leader, owner, item, token_mint
):
    intervention = (await issue(client, leader, item)).json()
    successor = Person(token_mint, "agent", department="综合处")
    handed_over = await client.patch(
        f"{API}/items/{item['id']}", json={"owner_id": successor.id}, headers=leader.headers
    )
    assert handed_over.status_code == 200, handed_over.text
    assert (await act(client, owner, intervention, "acknowledge")).status_code == 403
    assert (await act(client, successor, intervention, "acknowledge")).status_code == 200
