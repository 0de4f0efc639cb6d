"""A management review through the service: draft → held → closed; its outputs — a decision,
and an action that is a ledger item the owner reports on as any other — verified before it
closes; every refusal names its rule; read by its chair, its participants and the
overseers only; its events through the outbox."""

from collections import Counter

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events

from .review_helpers import FINANCE, ITEMS, REVIEWS

pytestmark = pytest.mark.on_day("2026-07-10T10:00:00+08:00")


def review_body(chair, *participants):
    return {
        "title": "2026年上半年管理评审",
        "held_on": "2026-07-15",
        "period_from": "2026-01-01",
        "period_to": "2026-06-30",
        "chair_id": chair.id,
        "participants": [p.id for p in participants],
    }


async def call(client, method, path, who, body=None, expect=200):
    kwargs = {"headers": who.headers}
    if body is not None:
        kwargs["json"] = body
    answer = await client.request(method, path, **kwargs)
    assert answer.status_code == expect, answer.text
    return answer.json()


async def test_a_review_closes_once_every_output_is_verified(
    client, leader, chair, participant, owner, nats_server_url, event_namespace
):
    review = await call(
        client, "POST", REVIEWS, leader, review_body(chair, participant, owner), expect=201
    )
    at = f"{REVIEWS}/{review['id']}"
    assert review["status"] == "draft" and review["pack"]["previous_review"] is None
    assert review["pack"]["audits"]["held"] == 0

    refused = await call(client, "POST", f"{at}/close", chair, expect=409)
    assert refused["rule"] == "review-status"
    held = await call(client, "POST", f"{at}/hold", chair)
    assert (held["status"], held["held_by"]) == ("held", chair.id)
    assert (await call(client, "POST", f"{at}/pack", chair, expect=409))["rule"] == "pack-frozen"
    assert (await call(client, "POST", f"{at}/hold", chair, expect=409))["rule"] == "review-status"

    decision = await call(
        client, "POST", f"{at}/outputs", chair, {"kind": "decision", "text": "质量方针不变"}, 201
    )
    action = await call(
        client,
        "POST",
        f"{at}/outputs",
        chair,
        {
            "kind": "action",
            "text": "修订报销流程\n半年内完成",
            "owner_id": owner.id,
            "department": FINANCE,
            "deadline": "2026-09-30",
        },
        201,
    )
    assert (action["status"], action["owner_id"], action["department"]) == (
        "open",
        owner.id,
        FINANCE,
    )
    item = await call(client, "GET", f"{ITEMS}/{action['item_id']}", leader)
    assert (item["title"], item["owner_id"], item["deadline"]) == (
        "修订报销流程",
        owner.id,
        "2026-09-30",
    )
    assert item["source"] == {"service": "ledger", "ref": review["id"]}

    verify = f"{at}/outputs/{action['id']}/verify"
    evidence = {"evidence": "新流程已发布"}
    assert (await call(client, "POST", verify, chair, evidence, 409))["rule"] == "action-done-first"
    refused = await call(client, "POST", f"{at}/close", chair, expect=409)
    assert refused["rule"] == "every-output-verified"
    assert sorted(refused["unverified"]) == sorted([decision["id"], action["id"]])

    await call(
        client,
        "POST",
        f"{ITEMS}/{action['item_id']}/progress",
        owner,
        {"percent": 100, "note": "已完成"},
        201,
    )
    assert (await call(client, "GET", at, leader))["outputs"][1]["status"] == "done"
    own = await call(client, "POST", verify, owner, evidence, 403)
    assert own["rule"] == "verify-not-your-own"
    verified = await call(client, "POST", verify, chair, evidence)
    assert (verified["status"], verified["verified_by"]) == ("verified", chair.id)
    assert (await call(client, "POST", verify, chair, evidence, 409))["rule"] == "output-verified"
    await call(
        client, "POST", f"{at}/outputs/{decision['id']}/verify", leader, {"evidence": "已执行"}
    )

    closed = await call(client, "POST", f"{at}/close", chair)
    assert closed["status"] == "closed"
    assert [o["status"] for o in closed["outputs"]] == ["verified", "verified"]
    refused = await call(
        client, "POST", f"{at}/outputs", leader, {"kind": "decision", "text": "追加"}, 409
    )
    assert refused["rule"] == "review-closed"

    async def told():
        events = await published_events(nats_server_url, event_namespace, "ledger")
        kinds = Counter(e.type for e in events if e.subject == review["id"])
        assert kinds["gov.guanjia.ledger.review.closed.v1"] == 1
        return kinds

    kinds = await eventually(told)
    assert {kind.split(".")[4]: n for kind, n in kinds.items()} == {
        "created": 1,
        "held": 1,
        "output_added": 2,
        "output_verified": 2,
        "closed": 1,
    }

    # The next review follows this one's outputs.
    after = await call(client, "POST", REVIEWS, leader, review_body(chair), expect=201)
    assert after["previous_review_id"] == review["id"]
    assert after["pack"]["previous_review"]["outputs_by_status"] == {
        "open": 0,
        "done": 0,
        "verified": 2,
    }


async def test_a_review_is_read_by_its_chair_its_participants_and_the_overseers(
    client, leader, quality, chair, participant, bystander, unit_staff
):
    review = await call(client, "POST", REVIEWS, quality, review_body(chair, participant), 201)
    at = f"{REVIEWS}/{review['id']}"
    for who in (leader, quality, chair, participant):
        assert (await call(client, "GET", at, who))["id"] == review["id"]
        listed = await call(client, "GET", REVIEWS, who)
        assert [r["id"] for r in listed["items"]] == [review["id"]]
    await call(client, "GET", at, bystander, expect=404)
    assert (await call(client, "GET", REVIEWS, bystander))["items"] == []
    await call(client, "GET", REVIEWS, unit_staff, expect=403)
    # A participant reads it and does not run it; nor do others make one.
    await call(client, "POST", f"{at}/hold", participant, expect=403)
    await call(client, "POST", f"{at}/hold", bystander, expect=404)
    await call(client, "POST", REVIEWS, chair, review_body(chair), expect=403)


async def test_an_action_names_its_owner_department_and_deadline(client, leader, chair):
    review = await call(client, "POST", REVIEWS, leader, review_body(chair), expect=201)
    at = f"{REVIEWS}/{review['id']}/outputs"
    for body in (
        {"kind": "action", "text": "t", "department": FINANCE, "deadline": "2026-09-30"},
        {"kind": "decision", "text": "t", "deadline": "2026-09-30"},
        {"kind": "decision", "text": ""},
    ):
        await call(client, "POST", at, leader, body, expect=422)
    bad = review_body(chair) | {"period_from": "2026-07-01", "period_to": "2026-06-30"}
    await call(client, "POST", REVIEWS, leader, bad, expect=422)
