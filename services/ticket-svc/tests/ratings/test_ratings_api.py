"""The ratings contract at the service: the public rates and reads without a token, admins
moderate, bad input and too many ratings are refused as problem+json and change nothing."""

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events
from ticket_svc.config import Settings
from ticket_svc.database import MIGRATIONS
from ticket_svc.main import create_app

from .rating_helpers import (
    ADMIN_LIST,
    DEPARTMENT,
    PUBLIC,
    RATED_DEPARTMENTS,
    add_ticket,
    app_sessions,
    publish_commitments_of,
    stored_ratings,
)

PROBLEM = "application/problem+json"


async def post_rating(client, **fields):
    return await client.post(PUBLIC, json={"department": DEPARTMENT, "score": 4, **fields})


async def test_the_public_rates_without_a_token(client):
    answered = await post_rating(client, score=5, comment="  很满意  ")

    assert answered.status_code == 201, answered.text
    rating = answered.json()
    assert rating["department"] == DEPARTMENT and rating["score"] == 5
    assert rating["comment"] == "很满意" and rating["moderation"] == "pending"
    assert rating["ticket_id"] is None
    assert not {"address", "address_hash", "moderated_by"} & set(rating)
    [stored] = await stored_ratings(app_sessions(client))
    assert stored.id == rating["id"]


async def test_a_rating_without_a_comment_has_no_moderation(client):
    answered = await post_rating(client)

    assert answered.status_code == 201 and answered.json()["moderation"] is None


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"department": DEPARTMENT, "score": 0}, "#/score"),
        ({"department": DEPARTMENT, "score": 6}, "#/score"),
        ({"department": DEPARTMENT, "score": "5"}, "#/score"),
        ({"department": DEPARTMENT, "score": 4.5}, "#/score"),
        ({"department": DEPARTMENT, "score": True}, "#/score"),
        ({"department": DEPARTMENT}, "#/score"),
        ({"department": "", "score": 4}, "#/department"),
        ({"department": "   ", "score": 4}, "#/department"),
        ({"score": 4}, "#/department"),
        ({"department": DEPARTMENT, "score": 4, "phone": "13800000000"}, "#/phone"),
        ({"department": DEPARTMENT, "score": 4, "comment": "长" * 1001}, "#/comment"),
        ({"department": DEPARTMENT, "score": 4, "ticket_id": ""}, "#/ticket_id"),
        ({"score": 4, "code": ""}, "#/code"),
        ({"score": 4, "code": "x" * 33}, "#/code"),
        ({"department": "客服热线 400-800-1234", "score": 4}, "#/department"),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_written(client, body, pointer):
    refused = await client.post(PUBLIC, json=body)

    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == PROBLEM
    assert pointer in [error["pointer"] for error in refused.json()["errors"]]
    assert await stored_ratings(app_sessions(client)) == []


# --- a rating about a ticket ---------------------------------------------------------------


async def test_a_resolved_ticket_is_rated_once_with_its_code(client):
    ticket = await add_ticket(app_sessions(client), status="resolved")

    first = await client.post(PUBLIC, json={"code": ticket.code, "score": 5})
    second = await client.post(PUBLIC, json={"code": ticket.code, "score": 1})

    assert first.status_code == 201, first.text
    assert (first.json()["ticket_id"], first.json()["department"]) == (ticket.id, DEPARTMENT)
    assert second.status_code == 409 and second.headers["content-type"] == PROBLEM
    assert second.json()["rule"] == "one-rating-per-ticket"
    assert [r.score for r in await stored_ratings(app_sessions(client))] == [5]


async def test_a_ticket_still_open_is_a_conflict(client):
    ticket = await add_ticket(app_sessions(client), status="in_progress")

    refused = await post_rating(client, code=ticket.code)

    assert refused.status_code == 409 and refused.json()["rule"] == "rate-after-service"
    assert await stored_ratings(app_sessions(client)) == []


async def test_a_ticket_id_without_its_code_or_with_a_wrong_one_is_bad_input(client):
    ticket = await add_ticket(app_sessions(client), department="物业管理处")

    without_code = await post_rating(client, ticket_id=ticket.id)
    wrong_code = await post_rating(client, ticket_id=ticket.id, code="not-the-code")
    elsewhere = await post_rating(client, code=ticket.code, department=DEPARTMENT)

    for refused, pointer in [
        (without_code, "#/code"),
        (wrong_code, "#/code"),
        (elsewhere, "#/department"),
    ]:
        assert refused.status_code == 422 and refused.headers["content-type"] == PROBLEM
        assert refused.json()["errors"][0]["pointer"] == pointer
    assert await stored_ratings(app_sessions(client)) == []


# --- the per-address limit -----------------------------------------------------------------


async def test_one_address_beyond_its_daily_ratings_is_told_to_wait(service_client_factory):
    async with service_client_factory(
        create_app, Settings, MIGRATIONS, ratings_per_address_per_day=2
    ) as client:
        await publish_commitments_of(app_sessions(client), *RATED_DEPARTMENTS)
        for _ in range(2):
            assert (await post_rating(client)).status_code == 201
        # The app itself trusts no forwarding header: only uvicorn's trusted proxies do.
        refused = await client.post(
            PUBLIC,
            json={"department": DEPARTMENT, "score": 4},
            headers={"X-Forwarded-For": "192.0.2.99"},
        )

        assert refused.status_code == 429
        assert refused.headers["content-type"] == PROBLEM
        assert refused.json()["type"] == "urn:guanjia:problem:rate-limited"
        assert 0 < int(refused.headers["retry-after"]) <= 24 * 3600
        assert len(await stored_ratings(app_sessions(client))) == 2


async def test_the_daily_limit_is_in_the_openapi_document(client):
    document = (await client.get("/openapi.json")).json()
    refusal = document["paths"][PUBLIC]["post"]["responses"]["429"]
    assert refusal["content"] == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}


async def test_a_period_that_is_not_made_of_iso_days_is_refused(client):
    for params in ({"from": "0"}, {"to": "1.5"}, {"from": "2026-02-30"}):
        answer = await client.get(f"{PUBLIC}/summary", params=params)
        assert answer.status_code == 422, (params, answer.text)
        assert answer.headers["content-type"] == PROBLEM
    assert (await client.get(f"{PUBLIC}/summary", params={"from": "2026-02-01"})).status_code == 200


# --- moderation ----------------------------------------------------------------------------


async def test_the_rating_list_is_for_admins_and_auditors(client, token_mint):
    await post_rating(client, comment="好")

    assert (await client.get(ADMIN_LIST)).status_code == 401
    assert (await client.get(ADMIN_LIST, headers=token_mint.headers("agent"))).status_code == 403
    for role in ("admin", "auditor"):
        listed = await client.get(ADMIN_LIST, headers=token_mint.headers(role))
        assert listed.status_code == 200 and listed.json()["total"] == 1
        assert "address_hash" not in listed.json()["items"][0]


async def test_admins_list_ratings_by_department_and_moderation(client, token_mint):
    admin = token_mint.headers("admin")
    await post_rating(client, comment="待审")
    await post_rating(client)
    await post_rating(client, department="物业管理处", comment="别的部门")

    pending_here = await client.get(
        ADMIN_LIST, params={"department": DEPARTMENT, "moderation": "pending"}, headers=admin
    )
    everything_here = await client.get(ADMIN_LIST, params={"department": DEPARTMENT}, headers=admin)
    unknown_state = await client.get(ADMIN_LIST, params={"moderation": "maybe"}, headers=admin)

    assert [item["comment"] for item in pending_here.json()["items"]] == ["待审"]
    assert everything_here.json()["total"] == 2
    assert unknown_state.status_code == 422


async def test_an_admin_approves_a_comment_once(client, token_mint):
    admin = token_mint.headers("admin", sub="admin-1")
    rating = (await post_rating(client, comment="服务周到")).json()
    approve = f"{ADMIN_LIST}/{rating['id']}/approve"

    approved = await client.post(approve, headers=admin)
    again = await client.post(f"{ADMIN_LIST}/{rating['id']}/reject", headers=admin)

    assert approved.status_code == 200, approved.text
    assert approved.json()["moderation"] == "approved"
    assert approved.json()["moderated_by"] == "admin-1"
    assert again.status_code == 409 and again.json()["rule"] == "moderate-once"
    assert (await stored_ratings(app_sessions(client)))[0].moderation == "approved"


async def test_only_an_admin_moderates(client, token_mint):
    rating = (await post_rating(client, comment="服务周到")).json()

    for headers in ({}, token_mint.headers("auditor"), token_mint.headers("dept_head")):
        refused = await client.post(f"{ADMIN_LIST}/{rating['id']}/approve", headers=headers)
        assert refused.status_code in (401, 403)
    assert (await stored_ratings(app_sessions(client)))[0].moderation == "pending"


async def test_a_rejection_keeps_its_reason(client, token_mint):
    admin = token_mint.headers("admin")
    rating = (await post_rating(client, comment="含个人电话")).json()
    reject = f"{ADMIN_LIST}/{rating['id']}/reject"

    unknown_field = await client.post(reject, json={"why": "x"}, headers=admin)
    rejected = await client.post(reject, json={"reason": "含个人信息"}, headers=admin)

    assert unknown_field.status_code == 422
    assert rejected.status_code == 200
    assert rejected.json()["moderation"] == "rejected"
    assert rejected.json()["moderation_reason"] == "含个人信息"


async def test_moderating_an_unknown_rating_is_not_found(client, token_mint):
    missing = await client.post(
        f"{ADMIN_LIST}/no-such-rating/approve", headers=token_mint.headers("admin")
    )

    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM


async def test_the_public_reads_approved_comments_only(client, token_mint):
    admin = token_mint.headers("admin")
    shown = (await post_rating(client, score=5, comment="及时")).json()
    hidden = (await post_rating(client, score=1, comment="广告")).json()
    await post_rating(client, comment="审核中")
    await client.post(f"{ADMIN_LIST}/{shown['id']}/approve", headers=admin)
    await client.post(f"{ADMIN_LIST}/{hidden['id']}/reject", headers=admin)

    listed = await client.get(f"{PUBLIC}/comments", params={"department": DEPARTMENT})

    assert listed.status_code == 200
    assert listed.json()["total"] == 1
    [comment] = listed.json()["items"]
    assert set(comment) == {"department", "score", "comment", "created_at"}
    assert (comment["comment"], comment["score"]) == ("及时", 5)


# --- the summary ---------------------------------------------------------------------------


async def test_the_summary_follows_the_settings(service_client_factory):
    async with service_client_factory(
        create_app, Settings, MIGRATIONS, rating_summary_min_count=3, rating_prior_weight=2
    ) as client:
        await publish_commitments_of(app_sessions(client), *RATED_DEPARTMENTS)
        for department, score in [
            (DEPARTMENT, 5),
            (DEPARTMENT, 5),
            (DEPARTMENT, 4),
            ("物业管理处", 2),
            ("物业管理处", 4),
        ]:
            assert (
                await post_rating(client, department=department, score=score)
            ).status_code == 201

        summary = await client.get(f"{PUBLIC}/summary")

    assert summary.status_code == 200
    body = summary.json()
    # Overall: 5 ratings, sum 20, mean 4. 后勤服务中心: 3 ratings, sum 14, smoothed
    # (2 × 4 + 14) / (2 + 3) = 4.4. 物业管理处 has 2 ratings, fewer than 3: not shown.
    assert body["overall"] == {"count": 5, "mean": 4.0}
    assert body["departments"] == [
        {"department": DEPARTMENT, "count": 3, "mean": 14 / 3, "smoothed_mean": 22 / 5}
    ]
    assert (body["min_count"], body["prior_weight"]) == (3, 2)
    assert (body["from"], body["to"]) == (None, None)


async def test_the_summary_takes_a_period_of_days(client):
    await post_rating(client)

    far_past = await client.get(
        f"{PUBLIC}/summary", params={"from": "2000-01-01", "to": "2000-12-31"}
    )
    backwards = await client.get(
        f"{PUBLIC}/summary", params={"from": "2026-12-02", "to": "2026-12-01"}
    )
    not_a_date = await client.get(f"{PUBLIC}/summary", params={"from": "yesterday"})

    assert far_past.status_code == 200
    assert far_past.json()["overall"] == {"count": 0, "mean": None}
    assert far_past.json()["from"] == "2000-01-01"
    assert backwards.status_code == 422 and not_a_date.status_code == 422


# --- events --------------------------------------------------------------------------------


async def test_ratings_and_their_moderation_are_published(
    client, token_mint, nats_server_url, event_namespace
):
    rating = (await post_rating(client, score=2, comment="等太久")).json()
    await client.post(f"{ADMIN_LIST}/{rating['id']}/approve", headers=token_mint.headers("admin"))

    async def rating_events():
        events = await published_events(nats_server_url, event_namespace, "ticket")
        assert [event.type for event in events] == [
            "gov.guanjia.ticket.rating.recorded.v1",
            "gov.guanjia.ticket.rating.moderated.v1",
        ]
        return events

    recorded, moderated = await eventually(rating_events)
    assert recorded.subject == moderated.subject == rating["id"]
    assert recorded.data["score"] == 2 and recorded.data["department"] == DEPARTMENT
    assert moderated.data["moderation"] == "approved"
    assert "127.0.0.1" not in recorded.model_dump_json()
