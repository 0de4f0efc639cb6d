"""Quality objectives' figures against hand-counted ones: each measure month by month (the
bureau's months: a ticket closed at 23:30 on 31 January is January's), the year so far and
whether it is met; every event applied twice, as a redelivery would, counting once; and
each ended month's verdict told once, however often the job runs."""

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from guanjia_shared.auth import Principal, Role
from guanjia_shared.clock import frozen_at
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.errors import Forbidden
from guanjia_shared.platform_tables import outbox
from ledger_svc.database import MIGRATIONS
from ledger_svc.items.models import Item
from ledger_svc.objectives.consumers import observe_closed_ticket, observe_rating
from ledger_svc.objectives.jobs import judge_ended_months
from ledger_svc.objectives.models import ObjectiveCreate, ObjectiveObservation, QualityObjective
from ledger_svc.objectives.service import read_objective, set_objective
from ledger_svc.plans.models import Plan

from .objective_events import FINANCE, QUALITY_OFFICE, REPAIRS, closed, moment, rating

TODAY = moment("2026-04-15", 9)
LEADER = Principal(id="leader-1", username="leader", roles=frozenset({Role.leader}))

# ticket-svc's closed tickets, hand-counted: January 3 of 4 in time (one closed at 23:30 on
# the 31st), February 2 of 2 (one at 00:30 on the 1st), March 1 of 2 (a third without a
# verdict is not judged); a finance ticket late in January, the bureau's alone.
CLOSED = [
    closed("2026-01-05", True),
    closed("2026-01-12", True),
    closed("2026-01-31", True, hour=23),  # 15:00 UTC: still January in the bureau
    closed("2026-01-20", False),
    closed("2026-02-01", True, hour=0),  # 16:00 UTC on 31 January: February in the bureau
    closed("2026-02-14", True),
    closed("2026-03-03", True),
    closed("2026-03-09", False),
    closed("2026-03-10", None),
    closed("2026-01-08", False, department=FINANCE),
]
# Ratings: March 5, 4, 3, 2, 5 (3 of 5 satisfied), April 4 (1 of 1).
RATINGS = [
    rating("2026-03-01", 5),
    rating("2026-03-02", 4),
    rating("2026-03-03", 3),
    rating("2026-03-04", 2),
    rating("2026-03-05", 5),
    rating("2026-04-02", 4),
]


@pytest.fixture
async def session_factory(fresh_database):
    engine = create_engine(await fresh_database(MIGRATIONS))
    yield create_session_factory(engine, service="ledger")
    await engine.dispose()


async def apply_twice(session_factory, events):
    """Each event as the consumer applies it, then once more (a redelivery past the inbox)."""
    for event in [*events, *events]:
        handler = observe_closed_ticket if event.short_type.endswith("closed") else observe_rating
        async with session_factory() as session:
            await handler(session, event)
            await session.commit()


async def set_(session_factory, measure, target, **fields):
    data = ObjectiveCreate(
        title=f"{measure} 目标", measure=measure, target=target, year=2026, **fields
    )
    with frozen_at(TODAY):
        async with session_factory() as session:
            return await set_objective(
                session=session, actor=LEADER, quality_office=QUALITY_OFFICE, data=data
            )


async def read(session_factory, objective_id):
    with frozen_at(TODAY):
        async with session_factory() as session:
            return await read_objective(
                session=session,
                actor=LEADER,
                quality_office=QUALITY_OFFICE,
                objective_id=objective_id,
            )


def months(detail, *picked):
    by_month = {m.month: m for m in detail.trend}
    return {
        month: (
            by_month[month].counted,
            by_month[month].met_count,
            by_month[month].value,
            by_month[month].met,
        )
        for month in picked
    }


async def test_sla_compliance_month_by_month_counts_each_closed_ticket_once(session_factory):
    await apply_twice(session_factory, CLOSED)
    repairs = await set_(session_factory, "sla_compliance", 95, department=REPAIRS)
    bureau = await set_(session_factory, "sla_compliance", 60)

    detail = await read(session_factory, repairs.id)
    assert months(detail, "2026-01", "2026-02", "2026-03", "2026-04", "2026-05") == {
        "2026-01": (4, 3, 75.0, False),
        "2026-02": (2, 2, 100.0, True),
        "2026-03": (2, 1, 50.0, False),
        "2026-04": (0, 0, None, None),
        "2026-05": (0, 0, None, None),
    }
    assert (detail.counted, detail.met_count, detail.value, detail.met) == (8, 6, 75.0, False)
    assert [m.ended for m in detail.trend[:5]] == [True, True, True, False, False]

    whole = await read(session_factory, bureau.id)
    assert months(whole, "2026-01")["2026-01"] == (5, 3, 60.0, True)
    assert (whole.counted, whole.met_count, whole.value, whole.met) == (9, 6, 66.7, True)

    async with session_factory() as session:
        kept = await session.scalar(select(func.count()).select_from(ObjectiveObservation))
    assert kept == len([e for e in CLOSED if e.data["sla_met"] is not None])


async def test_satisfaction_counts_ratings_of_four_and_five(session_factory):
    await apply_twice(session_factory, RATINGS)
    objective = await set_(session_factory, "satisfaction", 90, department=REPAIRS)

    detail = await read(session_factory, objective.id)
    assert months(detail, "2026-03", "2026-04") == {
        "2026-03": (5, 3, 60.0, False),
        "2026-04": (1, 1, 100.0, True),
    }
    assert (detail.counted, detail.met_count, detail.value, detail.met) == (6, 4, 66.7, False)
    assert detail.measure_label == "服务满意率" and detail.source == "ticket.rating.recorded"


async def test_an_objective_at_most_is_met_under_its_target(session_factory):
    await apply_twice(session_factory, RATINGS)
    objective = await set_(session_factory, "satisfaction", 70, direction="at_most")

    detail = await read(session_factory, objective.id)
    assert months(detail, "2026-03", "2026-04") == {
        "2026-03": (5, 3, 60.0, True),
        "2026-04": (1, 1, 100.0, False),
    }
    assert detail.met is True  # 66.7 ≤ 70


async def test_ledger_completion_counts_the_leaves_due_by_today(session_factory):
    def bureau_moment(day, hour):
        return moment(day, hour).astimezone(dt.UTC)

    async with session_factory() as session:
        plan = Plan(year=2026, title="2026年工作计划")
        session.add(plan)
        await session.flush()

        def item(title, deadline, completed=None, parent=None, department=REPAIRS):
            row = Item(
                plan_id=plan.id,
                parent_id=parent,
                title=title,
                owner_id="owner-1",
                department=department,
                starts_on=dt.date(2026, 1, 1),
                deadline=dt.date.fromisoformat(deadline),
                original_deadline=dt.date.fromisoformat(deadline),
                status="done" if completed else "open",
                completed_at=completed,
            )
            session.add(row)
            return row

        item("按期", "2026-02-10", bureau_moment("2026-02-09", 15))
        item("逾期完成", "2026-02-20", bureau_moment("2026-02-21", 9))
        item("未完成", "2026-03-05")
        parent = item("上级任务", "2026-03-31")
        await session.flush()
        item("子任务", "2026-03-20", bureau_moment("2026-03-20", 11), parent=parent.id)
        item("当天深夜完成", "2026-04-10", bureau_moment("2026-04-10", 23))
        item("尚未到期", "2026-04-30")
        item("财务处的", "2026-02-10", department=FINANCE)
        await session.commit()
    objective = await set_(session_factory, "ledger_completion", 80, department=REPAIRS)

    detail = await read(session_factory, objective.id)
    assert months(detail, "2026-02", "2026-03", "2026-04") == {
        "2026-02": (2, 1, 50.0, False),
        "2026-03": (2, 1, 50.0, False),  # the parent rolls up its child: not counted
        "2026-04": (1, 1, 100.0, True),  # due 30 April is not due yet on the 15th
    }
    assert (detail.counted, detail.met_count, detail.value, detail.met) == (5, 3, 60.0, False)


async def test_each_ended_month_is_told_once(session_factory):
    await apply_twice(session_factory, CLOSED)
    objective = await set_(session_factory, "sla_compliance", 95, department=REPAIRS)

    for _ in range(2):
        with frozen_at(TODAY):
            async with session_factory() as session:
                await judge_ended_months(session)
                await session.commit()

    async with session_factory() as session:
        rows = await session.execute(
            select(outbox.c.envelope).where(outbox.c.event_type.like("%ledger.objective.%"))
        )
        told = [json.loads(row) for row in rows.scalars()]
    verdicts = sorted(
        (e["type"].split(".")[-2], e["data"]["month"], e["data"]["value"])
        for e in told
        if e["subject"] == objective.id and "month" in e["data"]
    )
    # April has not ended; the months that counted nothing are not told.
    assert verdicts == [
        ("met", "2026-02", 100.0),
        ("missed", "2026-01", 75.0),
        ("missed", "2026-03", 50.0),
    ]


async def test_the_rule_refuses_an_agent_past_http(session_factory):
    agent = Principal(
        id="agent-1", username="agent", roles=frozenset({"agent"}), department=REPAIRS
    )
    data = ObjectiveCreate(title="满意率", measure="satisfaction", target=90, year=2026)
    async with session_factory() as session:
        with pytest.raises(Forbidden):
            await set_objective(
                session=session, actor=agent, quality_office=QUALITY_OFFICE, data=data
            )
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(QualityObjective)) == 0
