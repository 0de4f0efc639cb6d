"""The response timers: each tick acts on the deadlines that have passed. An assigned task
not acknowledged in time goes to the role's deputy (with its timeline line); a task or a
report upward past its due time is told overdue (`emergency.task.overdue` /
`emergency.report.overdue`), once each.

How a tick goes (the shape of ticket-svc's escalation scheduler):
- Tasks, then reports, each found by one indexed query: `next_check_at <= now`, earliest
  first, at most a batch. `next_check_at` is kept on the row by every change (the earliest
  deadline still to act on; null when none is left). On PostgreSQL the rows are claimed
  FOR UPDATE SKIP LOCKED, so replicas ticking together take disjoint rows; on SQLite the
  transaction begins IMMEDIATE and ticks take turns.
- A batch is one transaction (the row locks keeping replicas apart last as long as it),
  each row in a savepoint of its own: one that fails is undone alone, logged and looked
  at again a little later, so it neither sinks the batch nor blocks the queue.
- Exactly once is the database's word, not the lock's: each step is a compare-and-set on
  the row (the acknowledgement deadline that was missed, `overdue_at` still empty), and its
  timeline line and outbox event are written only when that update took.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Coroutine
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from emergency_svc.config import Settings
from emergency_svc.incidents.models import IncidentReport
from emergency_svc.incidents.reports import next_report_check, tell_report_overdue
from emergency_svc.incidents.time_limits import ResponseTimeLimits
from emergency_svc.tasks.models import Task, TaskStatus
from emergency_svc.tasks.service import (
    escalate_missed_acknowledgement,
    next_task_check,
    tell_task_overdue,
)
from guanjia_shared.clock import now
from guanjia_shared.db import SessionFactory, claim_rows
from guanjia_shared.logging import get_logger
from guanjia_shared.periodic import PeriodicJob

log = get_logger("emergency.timers")

TIMERS_JOB = "emergency-response-timers"

# A row whose step failed is looked at again after this long rather than at the next tick:
# it would otherwise stay at the head of the queue and fail every few seconds.
RETRY_FAILED_AFTER = dt.timedelta(minutes=5)

Row = TypeVar("Row", Task, IncidentReport)


def response_timers_job(settings: Settings) -> PeriodicJob:
    """The timers as the service runs them, every `timer_interval_seconds`."""
    limits = ResponseTimeLimits.from_settings(settings)

    async def tick(session_factory: SessionFactory) -> int:
        return await run_response_timers(
            session_factory, limits, batch_size=settings.timer_batch_size
        )

    return PeriodicJob(name=TIMERS_JOB, interval_seconds=settings.timer_interval_seconds, run=tick)


async def run_response_timers(
    session_factory: SessionFactory,
    limits: ResponseTimeLimits,
    *,
    batch_size: int,
    at: dt.datetime | None = None,
) -> int:
    """One tick over at most `batch_size` due tasks and as many due reports; answers how
    many escalations, missed acknowledgements and overdue notices it wrote."""
    at = at or now()
    acted = 0
    async with session_factory() as session:
        for task in await claim_due(session, Task, at, batch_size):
            acted += await _on_its_own(session, task, at, check_task(session, task, at, limits))
        await session.commit()
    async with session_factory() as session:
        for report in await claim_due(session, IncidentReport, at, batch_size):
            acted += await _on_its_own(session, report, at, check_report(session, report, at))
        await session.commit()
    return acted


async def claim_due(
    session: AsyncSession, table: type[Row], at: dt.datetime, limit: int
) -> list[Row]:
    """The rows whose next deadline has come, earliest first: the one indexed query."""
    query = (
        select(table).where(table.next_check_at <= at).order_by(table.next_check_at).limit(limit)
    )
    # Another replica's tick skips what this one holds, and takes the next ones.
    return list((await session.execute(claim_rows(session, query))).scalars().all())


async def _on_its_own(
    session: AsyncSession, row: Row, at: dt.datetime, step: Coroutine[Any, Any, int]
) -> int:
    """Run one row's `step` (not started yet) in a savepoint of its own."""
    try:
        async with session.begin_nested():
            return await step
    except Exception:
        # Any failure, on purpose: one row's trouble must not stop the deadlines behind it.
        log.exception("response_timer_failed", table=row.__tablename__, row_id=row.id)
        await session.refresh(row)  # what the savepoint undid is gone from the row too
        row.next_check_at = at + RETRY_FAILED_AFTER
        return 0


async def check_task(
    session: AsyncSession, task: Task, at: dt.datetime, limits: ResponseTimeLimits
) -> int:
    """Act on what `task` has reached by `at`, then settle when to look at it next."""
    acted = 0
    if (
        task.status == TaskStatus.assigned
        and task.ack_due_at is not None
        and task.ack_due_at <= at
        and await escalate_missed_acknowledgement(session, task, at, limits)
    ):
        acted += 1
    if task.overdue_at is None and task.due_at <= at and await tell_task_overdue(session, task, at):
        acted += 1
    task.next_check_at = next_task_check(task)
    return acted


async def check_report(session: AsyncSession, report: IncidentReport, at: dt.datetime) -> int:
    acted = int(await tell_report_overdue(session, report, at))
    report.next_check_at = next_report_check(report)
    return acted
