"""Accountability records over HTTP: recorded by a leader's hand, refused to everyone
else, never changed, read within each caller's scope, and announced to the ledger."""

from datetime import UTC, datetime, timedelta

import pytest

from guanjia_shared.platform_tables import outbox
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events
from ticket_svc.accountability.models import AccountabilityRecord

from .accountability_helpers import record_breach

RECORDS = "/api/v1/ticket/accountability-records"
LOGISTICS = "后勤服务中心"
PROPERTY = "物业科"


@pytest.fixture
def leader(token_mint):
    return token_mint.headers("leader", sub="leader-1", department="局领导")


def entry(**fields):
    return {
        "kind": "penalty",
        "department": LOGISTICS,
        "reason": "群众投诉处理不及时",
        "points": 2,
        "occurred_at": "2026-03-02T09:30:00+08:00",
        **fields,
    }


async def record(client, headers, **fields):
    return await client.post(RECORDS, json=entry(**fields), headers=headers)


async def test_a_leader_records_a_penalty_by_hand(client, leader):
    created = await record(client, leader, person_id="agent-7")

    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"] == f"{RECORDS}/{body['id']}"
    assert body["kind"] == "penalty" and body["origin"] == "manual" and body["rule"] is None
    assert (body["department"], body["person_id"], body["points"]) == (LOGISTICS, "agent-7", 2)
    assert body["recorded_by"] == "leader-1" and body["year"] == 2026
    assert datetime.fromisoformat(body["occurred_at"]) == datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    assert body["status"] == "active" and body["exemptions"] == []
    assert (await client.get(f"{RECORDS}/{body['id']}", headers=leader)).json() == body


async def test_a_reward_about_a_ticket_without_a_time_happened_when_it_was_recorded(
    client, leader, make_ticket
):
    ticket = await make_ticket()
    created = await client.post(
        RECORDS,
        json={"kind": "reward", "department": PROPERTY, "reason": "表扬信", "ticket_id": ticket.id},
        headers=leader,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["kind"] == "reward" and body["ticket_id"] == ticket.id and body["points"] is None
    assert body["occurred_at"] == body["recorded_at"]


@pytest.mark.parametrize("role", ["admin", "dept_head", "agent", "auditor", "unit_staff"])
async def test_nobody_but_a_leader_may_record(client, token_mint, count_rows, role):
    refused = await record(client, token_mint.headers(role, department=LOGISTICS))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert await count_rows(AccountabilityRecord) == 0
    assert await count_rows(outbox) == 0


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        (entry(kind="commendation"), "#/kind"),
        (entry(ticket_id="no-such-ticket"), "#/ticket_id"),
        (entry(occurred_at=(datetime.now(UTC) + timedelta(days=1)).isoformat()), "#/occurred_at"),
        (entry(occurred_at="2026-03-02T09:30:00"), "#/occurred_at"),
        (entry(occurred_at=0), "#/occurred_at"),
        (entry(occurred_at=1772415000), "#/occurred_at"),
        (entry(occurred_at="1772415000"), "#/occurred_at"),
        (entry(points=0), "#/points"),
        (entry(points="2"), "#/points"),
        (entry(reason=""), "#/reason"),
        (entry(department="处" * 101), "#/department"),
        (entry(recorded_by="someone"), "#/recorded_by"),
        ({"kind": "reward", "reason": "没有部门"}, "#/department"),
    ],
    ids=[
        "unknown-kind",
        "unknown-ticket",
        "future",
        "no-offset",
        "zero-as-unix-epoch",
        "number",
        "number-as-text",
        "zero-points",
        "string-points",
        "empty-reason",
        "long-department",
        "unknown-field",
        "no-department",
    ],
)
async def test_bad_records_are_refused_and_nothing_is_written(
    client, leader, count_rows, body, pointer
):
    refused = await client.post(RECORDS, json=body, headers=leader)

    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert pointer in [error.get("pointer") for error in refused.json()["errors"]]
    assert await count_rows(AccountabilityRecord) == 0
    assert await count_rows(outbox) == 0


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
async def test_a_record_is_never_changed_or_removed(client, leader, method):
    created = (await record(client, leader)).json()
    url = f"{RECORDS}/{created['id']}"

    refused = await client.request(method, url, json={"points": 9}, headers=leader)

    assert refused.status_code == 405
    assert (await client.delete(RECORDS, headers=leader)).status_code == 405
    assert (await client.get(url, headers=leader)).json() == created


async def test_the_list_is_newest_first_and_filters(client, leader, session_factory, make_ticket):
    ticket = await make_ticket()
    old = (await record(client, leader, occurred_at="2025-06-01T10:00:00+08:00")).json()
    reward = (await record(client, leader, kind="reward", department=PROPERTY)).json()
    named = (
        await record(client, leader, person_id="agent-7", occurred_at="2026-04-01T10:00:00+08:00")
    ).json()
    async with session_factory() as session:
        by_rule = await record_breach(
            session,
            rule="sla-resolve-breached",
            department=LOGISTICS,
            ticket_id=ticket.id,
            reason="办结超时",
            occurred_at=datetime(2026, 5, 1, tzinfo=UTC),
        )
        await session.commit()

    async def ids(**params):
        listed = (await client.get(RECORDS, params=params, headers=leader)).json()
        return [item["id"] for item in listed["items"]]

    assert await ids() == [by_rule.id, named["id"], reward["id"], old["id"]]
    assert await ids(department=PROPERTY) == [reward["id"]]
    assert await ids(person_id="agent-7") == [named["id"]]
    assert await ids(kind="reward") == [reward["id"]]
    assert await ids(year=2025) == [old["id"]]
    assert await ids(origin="rule") == [by_rule.id]
    assert await ids(ticket_id=ticket.id) == [by_rule.id]
    assert await ids(status="active", kind="penalty", year=2026) == [by_rule.id, named["id"]]
    assert await ids(limit=2, offset=1) == [named["id"], reward["id"]]
    page = (await client.get(RECORDS, params={"limit": 2}, headers=leader)).json()
    assert page["total"] == 4
    assert (await client.get(RECORDS, params={"kind": "x"}, headers=leader)).status_code == 422


async def test_each_caller_reads_only_the_records_in_their_scope(client, leader, token_mint):
    logistics = (await record(client, leader)).json()
    about_agent = (await record(client, leader, department=PROPERTY, person_id="agent-7")).json()
    about_staff = (await record(client, leader, department=PROPERTY, person_id="staff-3")).json()
    everything = {logistics["id"], about_agent["id"], about_staff["id"]}

    async def seen_by(headers):
        listed = (await client.get(RECORDS, headers=headers)).json()
        return {item["id"] for item in listed["items"]}

    for role in ("leader", "admin", "auditor"):
        assert await seen_by(token_mint.headers(role)) == everything
    logistics_head = token_mint.headers("dept_head", department=LOGISTICS)
    assert await seen_by(logistics_head) == {logistics["id"]}
    # An agent of logistics named in a property record sees their department's and their own.
    agent = token_mint.headers("agent", sub="agent-7", department=LOGISTICS)
    assert await seen_by(agent) == {logistics["id"], about_agent["id"]}
    assert await seen_by(token_mint.headers("unit_staff", sub="staff-3")) == {about_staff["id"]}
    assert await seen_by(token_mint.headers("commander")) == set()
    assert await seen_by(token_mint.headers("dept_head")) == set()  # a head of no department

    forbidden = await client.get(f"{RECORDS}/{about_staff['id']}", headers=logistics_head)
    assert forbidden.status_code == 403
    own = await client.get(f"{RECORDS}/{about_agent['id']}", headers=agent)
    assert own.status_code == 200


async def test_an_unknown_record_is_not_found(client, leader):
    assert (await client.get(f"{RECORDS}/nope", headers=leader)).status_code == 404


async def test_records_need_a_token(client):
    assert (await client.get(RECORDS)).status_code == 401


async def test_every_record_is_announced_to_the_ledger(
    client, leader, session_factory, make_ticket, nats_server_url, event_namespace
):
    ticket = await make_ticket()
    by_hand = (await record(client, leader, person_id="agent-7", ticket_id=ticket.id)).json()
    async with session_factory() as session:
        by_rule = await record_breach(
            session,
            rule="sla-response-breached",
            department=PROPERTY,
            ticket_id=ticket.id,
            reason="响应超时",
            occurred_at=datetime(2025, 12, 31, 17, 0, tzinfo=UTC),
            person_id="agent-8",
        )
        await session.commit()

    async def recorded():
        events = await published_events(nats_server_url, event_namespace, "ticket")
        found = [e for e in events if e.short_type == "ticket.accountability.recorded"]
        assert [e.subject for e in found] == [by_hand["id"], by_rule.id]
        return found

    hand_event, rule_event = await eventually(recorded)
    assert {k: v for k, v in hand_event.data.items() if k != "occurred_at"} == {
        "id": by_hand["id"],
        "kind": "penalty",
        "department": LOGISTICS,
        "person_id": "agent-7",
        "points": 2,
        "origin": "manual",
        "rule": None,
        "ticket_id": ticket.id,
        "reason": "群众投诉处理不及时",
        "year": 2026,
    }
    assert datetime.fromisoformat(hand_event.data["occurred_at"]) == datetime.fromisoformat(
        by_hand["occurred_at"]
    )
    assert (
        rule_event.data["origin"] == "rule" and rule_event.data["rule"] == "sla-response-breached"
    )
    assert rule_event.data["department"] == PROPERTY and rule_event.data["person_id"] == "agent-8"
    assert rule_event.data["points"] is None and rule_event.data["year"] == 2026
