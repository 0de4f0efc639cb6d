"""Two replicas' timers ticking at the same moment over the same database: each missed
acknowledgement is escalated (or noted) exactly once, each overdue task told exactly once
— one timeline line, one event on NATS. On PostgreSQL the two ticks really run at once
(FOR UPDATE SKIP LOCKED shares the rows out); on SQLite they take turns (BEGIN IMMEDIATE,
each waiting within the busy timeout)."""

import asyncio
from collections import Counter

import pytest
from sqlalchemy import func, select

from emergency_svc.incidents.models import TimelineEntry
from emergency_svc.tasks.models import Task
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.testing.apps import eventually

from ..incidents.incident_helpers import activated, at, plan_in_force, published, reported

INCIDENTS = 8  # at grade III: five tasks each, four of them with somebody on them
BATCH = 3  # smaller than the work, so each replica ticks several times


@pytest.fixture
async def replicas(service):
    """Two replicas' own engines and connection pools on the service's database."""
    engines = [create_engine(service.app.state.settings.database_url) for _ in range(2)]
    yield [create_session_factory(engine, service="emergency") for engine in engines]
    for engine in engines:
        await engine.dispose()


async def keep_ticking(service, session_factory, when) -> int:
    """A replica's loop, sped up: tick until a tick finds nothing to do."""
    acted = 0
    while done := await service.tick(when, session_factory=session_factory, batch_size=BATCH):
        acted += done
    return acted


async def tick_together(service, replicas, when) -> list[int]:
    return list(await asyncio.gather(*(keep_ticking(service, r, when) for r in replicas)))


async def lines_by_task_and_kind(service) -> Counter:
    async with service.session_factory() as session:
        rows = await session.execute(
            select(TimelineEntry.task_id, TimelineEntry.kind, func.count())
            .where(TimelineEntry.task_id.is_not(None))
            .group_by(TimelineEntry.task_id, TimelineEntry.kind)
        )
        return Counter({(task_id, kind): n for task_id, kind, n in rows.all()})


async def test_two_replicas_escalate_and_tell_overdue_each_task_exactly_once(
    service, replicas, client, people, database_backend, nats_server_url, event_namespace
):
    await plan_in_force(client, people)
    for _ in range(INCIDENTS):
        incident = await reported(client, people.reporter, level="III")
        await activated(client, people.commander, incident["id"], at(9, 0))
    async with service.session_factory() as session:
        tasks = list((await session.execute(select(Task))).scalars().all())
    assigned = {task.id for task in tasks if task.assignee is not None}
    escalating = {task.id for task in tasks if task.deputy is not None}
    assert len(tasks) == 5 * INCIDENTS and len(assigned) == 4 * INCIDENTS
    assert len(escalating) == 3 * INCIDENTS  # the director's, guard_a's, guard_b's

    # 09:10:30: every acknowledgement is missed; none is due yet.
    first = await tick_together(service, replicas, at(9, 10, 30))
    # 09:45: every task is past due (the deputies' windows are missed too).
    second = await tick_together(service, replicas, at(9, 45))

    assert sum(first) == len(assigned)
    assert sum(second) == len(escalating) + len(tasks)
    if database_backend == "postgres":
        assert all(first), f"both replicas should have had a share of the work: {first}"

    lines = await lines_by_task_and_kind(service)
    expected = Counter()
    for task in tasks:
        if task.assignee is not None:
            expected[(task.id, "task_assigned")] = 1
        else:
            expected[(task.id, "task_unassigned")] = 1
        if task.id in escalating:
            expected[(task.id, "task_escalated")] = 1
        if task.id in assigned:
            expected[(task.id, "task_ack_missed")] = 1  # the press's, and each deputy's
        expected[(task.id, "task_overdue")] = 1
    assert lines == expected

    async with service.session_factory() as session:
        left = await session.scalar(select(func.count()).where(Task.next_check_at.is_not(None)))
    assert left == 0

    overdue = await eventually(
        published(nats_server_url, event_namespace, "emergency.task.overdue", count=len(tasks))
    )
    assert Counter(event.subject for event in overdue) == dict.fromkeys(
        (task.id for task in tasks), 1
    )
    handed_over = await eventually(
        published(
            nats_server_url,
            event_namespace,
            "emergency.task.assigned",
            count=len(assigned) + len(escalating),
        )
    )
    escalations = [event for event in handed_over if event.data.get("previous_assignee")]
    assert Counter(event.subject for event in escalations) == dict.fromkeys(escalating, 1)
