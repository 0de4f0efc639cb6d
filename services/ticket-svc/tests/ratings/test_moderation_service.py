"""Comments are shown only once an admin approves them, and each is moderated once."""

import datetime as dt

import pytest

from guanjia_shared.auth import Principal
from guanjia_shared.clock import frozen_at
from guanjia_shared.errors import Conflict, NotFound
from guanjia_shared.pagination import PageParams
from ticket_svc.ratings.service import approve_comment, list_public_comments, reject_comment

from .rating_helpers import DEPARTMENT, outbox_events, rate, stored_ratings

ADMIN = Principal(id="admin-1", username="admin", roles=frozenset({"admin"}))


async def moderate(session_factory, decide, rating_id, reason=None):
    async with session_factory() as session:
        return await decide(session=session, rating_id=rating_id, actor=ADMIN, reason=reason)


async def public_comments(session_factory, department=None):
    async with session_factory() as session:
        comments, total = await list_public_comments(
            session=session, page=PageParams(), department=department
        )
    assert total == len(comments)
    return [comment.comment for comment in comments]


async def test_approving_a_comment_records_who_and_when(session_factory):
    rating = await rate(session_factory, comment="服务周到")

    await moderate(session_factory, approve_comment, rating.id, reason="内容属实")

    [stored] = await stored_ratings(session_factory)
    assert stored.moderation == "approved" and stored.moderation_reason == "内容属实"
    assert stored.moderated_by == "admin-1" and stored.moderated_at is not None


async def test_moderating_writes_its_event(session_factory):
    rating = await rate(session_factory, comment="有辱骂内容")

    await moderate(session_factory, reject_comment, rating.id, reason="含不文明用语")

    events = await outbox_events(session_factory)
    assert [event_type for event_type, _ in events] == [
        "ticket.rating.recorded",
        "ticket.rating.moderated",
    ]
    moderated = events[1][1]
    assert moderated["subject"] == rating.id
    assert moderated["data"]["moderation"] == "rejected"
    assert moderated["data"]["reason"] == "含不文明用语" and moderated["data"]["actor"] == "admin-1"
    assert rating.address_hash not in str(moderated)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (approve_comment, approve_comment),
        (approve_comment, reject_comment),
        (reject_comment, approve_comment),
    ],
)
async def test_a_comment_is_moderated_once(session_factory, first, second):
    rating = await rate(session_factory, comment="还行")
    await moderate(session_factory, first, rating.id)
    decided = (await stored_ratings(session_factory))[0].moderation

    with pytest.raises(Conflict) as refused:
        await moderate(session_factory, second, rating.id)

    assert refused.value.extra["rule"] == "moderate-once"
    assert (await stored_ratings(session_factory))[0].moderation == decided
    assert len(await outbox_events(session_factory)) == 2


async def test_a_rating_without_a_comment_has_nothing_to_moderate(session_factory):
    rating = await rate(session_factory)

    with pytest.raises(Conflict) as refused:
        await moderate(session_factory, approve_comment, rating.id)

    assert refused.value.extra["rule"] == "nothing-to-moderate"
    assert (await stored_ratings(session_factory))[0].moderation is None


async def test_moderating_an_unknown_rating_is_not_found(session_factory):
    with pytest.raises(NotFound):
        await moderate(session_factory, approve_comment, "no-such-rating")


async def test_only_approved_comments_are_public(session_factory):
    approved = await rate(session_factory, comment="及时")
    rejected = await rate(session_factory, comment="广告")
    await rate(session_factory, comment="还在审核")
    await rate(session_factory)
    await moderate(session_factory, approve_comment, approved.id)
    await moderate(session_factory, reject_comment, rejected.id)

    assert await public_comments(session_factory) == ["及时"]


async def test_public_comments_filter_by_department_newest_first(session_factory):
    for minute, (department, comment) in enumerate(
        [(DEPARTMENT, "第一条"), ("物业管理处", "别的部门"), (DEPARTMENT, "第二条")]
    ):
        with frozen_at(dt.datetime(2026, 12, 1, 9, minute, tzinfo=dt.UTC)):
            rating = await rate(session_factory, department=department, comment=comment)
        await moderate(session_factory, approve_comment, rating.id)

    assert await public_comments(session_factory, DEPARTMENT) == ["第二条", "第一条"]
