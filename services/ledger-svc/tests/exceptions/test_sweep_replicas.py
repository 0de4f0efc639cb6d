"""Sweeps on two replicas at the same moment over one database: each exception of each item
is raised exactly once — one open row, one event on NATS. On PostgreSQL the two really
run at once (FOR UPDATE SKIP LOCKED shares the plans out); on SQLite they take turns
(BEGIN IMMEDIATE). And when two evaluations do judge one item together, bypassing the plan
lock, the one-open-row index still lets a single raise through."""

import asyncio
from collections import Counter

import pytest
from sqlalchemy import func, select

from guanjia_shared.clock import frozen_at
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events
from ledger_svc.exceptions.models import ItemException
from ledger_svc.exceptions.rules import ExceptionThresholds
from ledger_svc.exceptions.service import reconcile_exceptions
from ledger_svc.items.models import Item
from ledger_svc.plans.models import Plan

from .exception_helpers import RAISED, add, make_plan, on

PLANS, ITEMS_PER_PLAN = 6, 4
BATCH = 2  # plans per tick: fewer than there are, so each replica ticks several times
# The thresholds of the default settings.
THRESHOLDS = ExceptionThresholds(stalled_after_days=14, behind_tolerance_points=20)


@pytest.fixture
async def replicas(service):
    """Two replicas' own engines and connection pools on the service's database."""
    engines = [create_engine(service.app.state.settings.database_url) for _ in range(2)]
    yield [create_session_factory(engine, service="ledger") for engine in engines]
    for engine in engines:
        await engine.dispose()


async def keep_sweeping(service, session_factory, day) -> int:
    """A replica's loop, sped up: tick until a tick finds no plan left to sweep."""
    acted = 0
    while (
        result := await service.sweep(day, session_factory=session_factory, batch_size=BATCH)
    ).plans:
        acted += result.acted
    return acted


async def test_two_replicas_raise_each_exception_once(
    service, replicas, client, leader, owner, database_backend, nats_server_url, event_namespace
):
    ids = set()
    for number in range(PLANS):
        plan = await make_plan(client, leader, title=f"计划{number}")
        for part in range(ITEMS_PER_PLAN):
            ids.add((await add(client, leader, plan, f"事项{number}-{part}", owner))["id"])

    # 04-01: every item (01-01 → 03-31, never reported) is overdue and stalled.
    acted = await asyncio.gather(*(keep_sweeping(service, r, "2026-04-01") for r in replicas))
    assert sum(acted) == 2 * len(ids)
    if database_backend == "postgres":
        assert all(acted), f"both replicas should have had a share of the work: {acted}"
    # Next day, together again: nothing more.
    again = await asyncio.gather(*(keep_sweeping(service, r, "2026-04-02") for r in replicas))
    assert sum(again) == 0

    async with service.session_factory() as session:
        rows = await session.execute(
            select(ItemException.item_id, ItemException.reason, func.count()).group_by(
                ItemException.item_id, ItemException.reason
            )
        )
        counts = {(item_id, reason): n for item_id, reason, n in rows.all()}
    assert counts == {(i, reason): 1 for i in ids for reason in ("overdue", "stalled")}

    async def each_published_once():
        events = await published_events(nats_server_url, event_namespace, "ledger")
        raised = Counter(
            (event.subject, event.data["reason"]) for event in events if event.short_type == RAISED
        )
        assert raised == {(i, reason): 1 for i in ids for reason in ("overdue", "stalled")}

    await eventually(each_published_once)


async def test_the_one_open_row_index_lets_one_of_two_racing_raises_through(
    service, replicas, client, leader, owner, plan
):
    item = await add(client, leader, plan, "x", owner)

    async def judge(session_factory) -> int:
        # What a refresh does, minus the plan lock both would normally queue on.
        with frozen_at(on("2026-04-01")):
            async with session_factory() as session:
                found = await session.get(Item, item["id"])
                plans = {found.plan_id: await session.get(Plan, found.plan_id)}
                acted = await reconcile_exceptions(
                    session, [found], plans, on("2026-04-01").date(), THRESHOLDS
                )
                await session.commit()
                return acted

    acted = await asyncio.gather(*(judge(replica) for replica in replicas))
    # Overdue and stalled, each raised by one of the two.
    assert sum(acted) == 2
    async with service.session_factory() as session:
        count = await session.scalar(select(func.count()).select_from(ItemException))
    assert count == 2
