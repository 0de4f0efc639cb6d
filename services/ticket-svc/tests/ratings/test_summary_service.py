"""The public summary: departments from the minimum count, means smoothed towards the
overall mean, every score counted whatever became of its comment."""

import datetime as dt

import pytest

from guanjia_shared.auth import Principal
from guanjia_shared.clock import frozen_at
from guanjia_shared.errors import InvalidInput
from ticket_svc.ratings.service import approve_comment, reject_comment, summarise_ratings

from .rating_helpers import DEPARTMENT, rate

ADMIN = Principal(id="admin-1", username="admin", roles=frozenset({"admin"}))
PROPERTY = "物业管理处"
VEHICLES = "车辆服务中心"


async def summary(session_factory, *, min_count=5, prior_weight=3, from_=None, to=None):
    async with session_factory() as session:
        return await summarise_ratings(
            session=session, min_count=min_count, prior_weight=prior_weight, from_=from_, to=to
        )


async def rate_many(session_factory, department, scores, **fields):
    ratings = []
    for index, score in enumerate(scores):
        # An address each, so the per-address limit stays out of the way.
        address = f"{department}-{index}"
        ratings.append(
            await rate(
                session_factory, department=department, score=score, address=address, **fields
            )
        )
    return ratings


async def test_departments_are_ranked_by_the_smoothed_mean(session_factory):
    await rate_many(session_factory, DEPARTMENT, [5, 5, 4, 4, 4])  # 5 ratings, sum 22
    await rate_many(session_factory, PROPERTY, [5, 5, 5, 5, 5])  # 5 ratings, sum 25
    await rate_many(session_factory, VEHICLES, [1, 1, 3])  # too few to be shown

    result = await summary(session_factory, min_count=5, prior_weight=3)

    # Overall: 13 ratings, sum 52, mean 4. Smoothed: (3 × 4 + sum) / (3 + count).
    assert result.overall.count == 13 and result.overall.mean == 4.0
    assert [(d.department, d.count, d.mean, d.smoothed_mean) for d in result.departments] == [
        (PROPERTY, 5, 5.0, 37 / 8),  # (12 + 25) / 8 = 4.625
        (DEPARTMENT, 5, 4.4, 34 / 8),  # (12 + 22) / 8 = 4.25
    ]
    assert (result.min_count, result.prior_weight) == (5, 3)


async def test_a_department_below_the_minimum_count_is_left_out_but_counts_overall(
    session_factory,
):
    await rate_many(session_factory, DEPARTMENT, [2, 2, 2, 2])

    result = await summary(session_factory, min_count=5)

    assert result.departments == []
    assert result.overall.count == 4 and result.overall.mean == 2.0


async def test_scores_count_whatever_becomes_of_their_comments(session_factory):
    rejected, approved, _pending = await rate_many(
        session_factory, DEPARTMENT, [1, 5, 3], comment="意见"
    )
    async with session_factory() as session:
        await reject_comment(session=session, rating_id=rejected.id, actor=ADMIN)
    async with session_factory() as session:
        await approve_comment(session=session, rating_id=approved.id, actor=ADMIN)

    result = await summary(session_factory, min_count=3, prior_weight=0)

    [department] = result.departments
    assert department.count == 3 and department.mean == 3.0
    # With no prior weight the smoothed mean is the plain mean.
    assert department.smoothed_mean == 3.0


async def test_a_period_without_ratings_has_no_mean(session_factory):
    result = await summary(session_factory)

    assert result.overall.count == 0 and result.overall.mean is None
    assert result.departments == []


# Asia/Shanghai is UTC+8: the bureau's 1 December runs from 30 Nov 16:00 to 1 Dec 16:00 UTC.
MOMENTS = {
    "30 Nov, 23:59 Beijing": dt.datetime(2026, 11, 30, 15, 59, tzinfo=dt.UTC),
    "1 Dec, 00:00 Beijing": dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC),
    "1 Dec, 23:59 Beijing": dt.datetime(2026, 12, 1, 15, 59, tzinfo=dt.UTC),
    "2 Dec, 00:00 Beijing": dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC),
}


@pytest.mark.parametrize(
    ("from_", "to", "counted"),
    [
        (dt.date(2026, 12, 1), dt.date(2026, 12, 1), 2),
        (dt.date(2026, 12, 1), None, 3),
        (None, dt.date(2026, 11, 30), 1),
        (None, None, 4),
    ],
)
async def test_from_and_to_are_bureau_days_both_included(session_factory, from_, to, counted):
    for index, moment in enumerate(MOMENTS.values()):
        with frozen_at(moment):
            await rate(session_factory, address=f"a{index}")

    result = await summary(session_factory, min_count=1, from_=from_, to=to)

    assert result.overall.count == counted
    assert (result.from_, result.to) == (from_, to)


async def test_to_before_from_is_bad_input(session_factory):
    with pytest.raises(InvalidInput) as refused:
        await summary(session_factory, from_=dt.date(2026, 12, 2), to=dt.date(2026, 12, 1))

    assert refused.value.extra["errors"][0]["pointer"] == "#/to"
