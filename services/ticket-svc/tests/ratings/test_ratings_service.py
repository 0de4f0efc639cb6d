"""Recording a public rating: only departments that publish commitments, tickets rated by
their code, once and after service, the per-address limit, the address kept only as a
salted hash, and the event in the outbox."""

import asyncio
import datetime as dt
import hashlib

import pytest

from guanjia_shared.clock import frozen_at
from guanjia_shared.errors import Conflict, InvalidInput, RateLimited
from ticket_svc.ratings.models import RatingCreate
from ticket_svc.ratings.service import hash_address

from .rating_helpers import (
    ADDRESS,
    DEPARTMENT,
    PROPERTY,
    add_ticket,
    outbox_events,
    publish_commitments_of,
    rate,
    stored_ratings,
)

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


async def test_a_rating_without_a_comment_counts_at_once_with_nothing_to_moderate(
    session_factory,
):
    rating = await rate(session_factory, score=5)

    [stored] = await stored_ratings(session_factory)
    assert stored.id == rating.id
    assert (stored.department, stored.score, stored.comment) == (DEPARTMENT, 5, None)
    assert stored.moderation is None and stored.ticket_id is None


async def test_a_comment_waits_for_moderation(session_factory):
    await rate(session_factory, comment="维修师傅很耐心")

    [stored] = await stored_ratings(session_factory)
    assert stored.comment == "维修师傅很耐心" and stored.moderation == "pending"


def test_a_blank_comment_is_no_comment():
    assert RatingCreate(department=DEPARTMENT, score=3, comment="   ").comment is None


async def test_ratings_without_a_ticket_may_be_many(session_factory):
    await rate(session_factory, score=3)
    await rate(session_factory, score=4)

    assert [r.ticket_id for r in await stored_ratings(session_factory)] == [None, None]


async def test_the_address_is_kept_only_as_a_salted_hash(session_factory):
    await rate(session_factory, address=ADDRESS)

    [stored] = await stored_ratings(session_factory)
    assert stored.address_hash == hash_address(ADDRESS)
    assert stored.address_hash != hashlib.sha256(ADDRESS.encode()).hexdigest()
    assert ADDRESS not in str(stored.model_dump())
    assert hash_address("203.0.113.8") != stored.address_hash


async def test_recording_a_rating_writes_its_event_without_the_address(session_factory):
    rating = await rate(session_factory, score=2, comment="等了很久")

    [(event_type, envelope)] = await outbox_events(session_factory)
    assert event_type == "ticket.rating.recorded"
    assert envelope["subject"] == rating.id
    data = envelope["data"]
    assert data["department"] == DEPARTMENT and data["score"] == 2
    assert data["has_comment"] is True and data["moderation"] == "pending"
    assert "等了很久" not in str(envelope)  # the words wait for moderation
    assert ADDRESS not in str(envelope) and rating.address_hash not in str(envelope)


# --- what is rated ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "department",
    ["客服热线 400-800-1234 退款请拨打", "财务处", "后勤服务中心（分部）"],
)
async def test_text_that_is_no_publishing_department_is_refused(session_factory, department):
    # Issue 14: a scam phone number, rated five times as a "department", was published in
    # the summary.
    with pytest.raises(InvalidInput) as refused:
        await rate(session_factory, department=department)

    assert refused.value.extra["errors"][0]["pointer"] == "#/department"
    assert await stored_ratings(session_factory) == []
    assert await outbox_events(session_factory) == []


async def test_a_department_whose_commitments_are_unpublished_is_refused(session_factory):
    await publish_commitments_of(session_factory, "财务处", published=False)

    with pytest.raises(InvalidInput):
        await rate(session_factory, department="财务处")

    await publish_commitments_of(session_factory, "财务处")
    assert (await rate(session_factory, department="财务处")).department == "财务处"


async def test_a_rating_names_a_department_or_gives_a_code(session_factory):
    with pytest.raises(InvalidInput) as refused:
        await rate(session_factory, department=None)

    assert refused.value.extra["errors"][0]["pointer"] == "#/department"


# --- a rating about a ticket ---------------------------------------------------------------


@pytest.mark.parametrize("status", ["resolved", "closed"])
async def test_a_ticket_served_is_rated_with_its_code(session_factory, status):
    ticket = await add_ticket(session_factory, status=status, department=PROPERTY)

    rating = await rate(session_factory, code=ticket.code, department=None, score=5)

    assert (rating.ticket_id, rating.department, rating.score) == (ticket.id, PROPERTY, 5)
    [stored] = await stored_ratings(session_factory)
    assert stored.ticket_id == ticket.id


async def test_a_ticket_named_without_its_code_is_refused(session_factory):
    # Issue 14: anyone who held a ticket's id could use up its one rating.
    ticket = await add_ticket(session_factory)

    with pytest.raises(InvalidInput) as refused:
        await rate(session_factory, ticket_id=ticket.id)

    assert refused.value.extra["errors"][0]["pointer"] == "#/code"
    assert await stored_ratings(session_factory) == []
    assert await outbox_events(session_factory) == []


async def test_a_wrong_code_is_refused_and_nothing_is_written(session_factory):
    ticket = await add_ticket(session_factory)
    other = await add_ticket(session_factory)

    with pytest.raises(InvalidInput) as unknown:
        await rate(session_factory, code=ticket.code[:-1] + "x", ticket_id=ticket.id)
    with pytest.raises(InvalidInput) as anothers:
        await rate(session_factory, code=other.code, ticket_id=ticket.id)

    assert unknown.value.extra["errors"][0]["pointer"] == "#/code"
    assert anothers.value.extra["errors"][0]["pointer"] == "#/ticket_id"
    assert await stored_ratings(session_factory) == []
    assert await outbox_events(session_factory) == []


@pytest.mark.parametrize("status", ["new", "in_progress", "waiting_requester", "reopened"])
async def test_a_ticket_not_yet_served_cannot_be_rated(session_factory, status):
    ticket = await add_ticket(session_factory, status=status)

    with pytest.raises(Conflict) as refused:
        await rate(session_factory, code=ticket.code)

    assert refused.value.extra["rule"] == "rate-after-service"
    assert await stored_ratings(session_factory) == []


async def test_a_ticket_is_rated_for_its_own_department_only(session_factory):
    ticket = await add_ticket(session_factory, department=PROPERTY)

    with pytest.raises(InvalidInput) as refused:
        await rate(session_factory, code=ticket.code, department=DEPARTMENT)

    assert refused.value.extra["errors"][0]["pointer"] == "#/department"
    assert await stored_ratings(session_factory) == []


async def test_a_ticket_is_rated_once(session_factory):
    ticket = await add_ticket(session_factory)
    await rate(session_factory, code=ticket.code, score=5)

    # From another address, so the per-address limit is not what refuses it.
    with pytest.raises(Conflict) as refused:
        await rate(session_factory, code=ticket.code, score=1, address="198.51.100.1")

    assert refused.value.extra["rule"] == "one-rating-per-ticket"
    assert [r.score for r in await stored_ratings(session_factory)] == [5]
    assert len(await outbox_events(session_factory)) == 1


async def test_two_raters_of_one_ticket_at_once_leave_one_rating(session_factory):
    ticket = await add_ticket(session_factory)

    outcomes = await asyncio.gather(
        rate(session_factory, code=ticket.code, address="198.51.100.1"),
        rate(session_factory, code=ticket.code, address="198.51.100.2"),
        return_exceptions=True,
    )

    refusals = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refusals) == 1 and isinstance(refusals[0], Conflict), outcomes
    assert refusals[0].extra["rule"] == "one-rating-per-ticket"
    assert len(await stored_ratings(session_factory)) == 1


# --- the per-address limit -----------------------------------------------------------------


async def test_one_address_rates_at_most_the_limit_in_a_day(session_factory):
    for hour in range(3):
        with frozen_at(T0 + dt.timedelta(hours=hour)):
            await rate(session_factory, limit_per_day=3)

    with frozen_at(T0 + dt.timedelta(hours=3)), pytest.raises(RateLimited) as refused:
        await rate(session_factory, limit_per_day=3)

    assert len(await stored_ratings(session_factory)) == 3
    # Room comes back when the first rating (at T0) leaves the 24 hours: 21 hours on.
    assert refused.value.headers["Retry-After"] == str(21 * 3600)


async def test_one_address_rating_several_times_at_once_gets_only_its_limit(session_factory):
    outcomes = await asyncio.gather(
        *(rate(session_factory, limit_per_day=1) for _ in range(3)), return_exceptions=True
    )

    assert sum(isinstance(o, RateLimited) for o in outcomes) == 2, outcomes
    assert len(await stored_ratings(session_factory)) == 1


async def test_the_limit_is_per_address(session_factory):
    with frozen_at(T0):
        for _ in range(2):
            await rate(session_factory, limit_per_day=2, address=ADDRESS)
        await rate(session_factory, limit_per_day=2, address="198.51.100.1")

    assert len(await stored_ratings(session_factory)) == 3


async def test_an_ipv6_address_counts_as_its_64(session_factory):
    with frozen_at(T0):
        for host in (1, 2):
            await rate(session_factory, limit_per_day=2, address=f"2001:db8:1:2::{host}")
        with pytest.raises(RateLimited):
            await rate(session_factory, limit_per_day=2, address="2001:db8:1:2:ffff::3")
        await rate(session_factory, limit_per_day=2, address="2001:db8:1:3::1")

    assert len(await stored_ratings(session_factory)) == 3


async def test_the_day_is_a_rolling_24_hours(session_factory):
    with frozen_at(T0):
        await rate(session_factory, limit_per_day=1)
    with frozen_at(T0 + dt.timedelta(hours=23, minutes=59)), pytest.raises(RateLimited):
        await rate(session_factory, limit_per_day=1)
    with frozen_at(T0 + dt.timedelta(hours=24, seconds=1)):
        await rate(session_factory, limit_per_day=1)

    assert len(await stored_ratings(session_factory)) == 2


async def test_refused_ratings_do_not_use_up_the_limit(session_factory):
    open_ticket = await add_ticket(session_factory, status="in_progress")
    with pytest.raises(Conflict):
        await rate(session_factory, limit_per_day=1, code=open_ticket.code)

    await rate(session_factory, limit_per_day=1)

    assert len(await stored_ratings(session_factory)) == 1
