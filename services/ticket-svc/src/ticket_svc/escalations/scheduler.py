"""The escalation scheduler (督办): each tick raises the SLA thresholds tickets have
reached, once each, and confirms the resolved tickets nobody answered in time.

Issue: "a scheduler (one indexed query per tick, safe to run on several replicas) raises
`ticket.ticket.sla_warning` and `ticket.ticket.sla_breached` events once per threshold per
ticket, records escalations step by step (owner → dept head → leader), and holds warnings
outside working hours until the next working period." "With no answer, the ticket is
confirmed automatically after a configurable number of working days." "A breach caused by
a late coordinating department is charged to that department."

How a tick goes:
- One query finds the due tickets: `next_check_at <= now`, earliest first, at most a batch
  (the column is indexed and kept by `settle_clocks` after every change). On PostgreSQL
  the rows are claimed FOR UPDATE SKIP LOCKED, so replicas ticking together take disjoint
  tickets; on SQLite the transaction begins IMMEDIATE, so ticks simply take turns.
- The whole batch is one transaction. The row locks that keep replicas apart last only as
  long as the transaction, so committing ticket by ticket would hand the rest of the batch
  to the other replica mid-way. Each ticket runs in a savepoint of its own: one that fails
  is undone alone, logged, and looked at again a little later, so it neither sinks the
  batch nor blocks the head of the queue.
- Exactly once is the database's word, not the lock's: the `TicketAlert` row's key
  (ticket, clock, target, threshold) lets one alert in; it is inserted in a savepoint, and
  a duplicate means another tick raised it first, so nothing more is written. Its history
  line, its outbox event and (for a breach) the accountability record are written in the
  same transaction as the alert row, so they exist exactly when it does.
- Outside the working hours of the ticket's calendar nothing is raised: nobody is there
  to act on it. The ticket is held, and looked at again at the next working moment; the
  alert then still carries the moment the clock really crossed the threshold.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.clock import now
from guanjia_shared.db import SessionFactory
from guanjia_shared.logging import get_logger
from guanjia_shared.periodic import PeriodicJob
from ticket_svc.accountability.models import BreachRule
from ticket_svc.accountability.service import record_by_rule
from ticket_svc.calendars.working_time import (
    NoWorkingTime,
    WorkingCalendar,
    is_working_moment,
    next_working_moment,
)
from ticket_svc.config import Settings
from ticket_svc.tickets.models import EventKind, Ticket, TicketAlert, TicketStatus
from ticket_svc.tickets.service import (
    SlaPolicy,
    append_event,
    confirm_automatically,
    publish_ticket_event,
    raised_alerts,
    read_clocks,
    settle_clocks,
    ticket_calendar,
    ticket_thresholds,
)
from ticket_svc.tickets.thresholds import Threshold, pending

log = get_logger("ticket.escalations")

ESCALATION_JOB = "ticket-escalations"

# A ticket whose escalation failed is looked at again after this long rather than at the
# next tick: it would otherwise stay at the head of the queue and fail every few seconds.
RETRY_FAILED_TICKET_AFTER = dt.timedelta(minutes=5)

# Each step of the ladder is a history line and an event of its own kind.
HISTORY_KIND = {
    "warning": EventKind.sla_warning,
    "breached": EventKind.sla_breached,
    "leader": EventKind.escalated,
}
EVENT_TYPE = {
    "warning": "ticket.ticket.sla_warning",
    "breached": "ticket.ticket.sla_breached",
    "leader": "ticket.ticket.escalated",
}
# A breach is a penalty for the department answerable for the clock: the ticket's own for
# its response and resolution, the coordinating department for its part.
BREACH_RULE = {
    "response": BreachRule.sla_response_breached,
    "resolve": BreachRule.sla_resolve_breached,
    "coordination": BreachRule.coordination_late,
}


def escalation_job(settings: Settings) -> PeriodicJob:
    """The scheduler as the service runs it, every `scheduler_interval_seconds`."""
    policy = SlaPolicy.from_settings(settings)

    async def tick(session_factory: SessionFactory) -> int:
        return await run_escalations(
            session_factory, policy, batch_size=settings.scheduler_batch_size
        )

    return PeriodicJob(
        name=ESCALATION_JOB, interval_seconds=settings.scheduler_interval_seconds, run=tick
    )


async def run_escalations(
    session_factory: SessionFactory,
    policy: SlaPolicy,
    *,
    batch_size: int,
    at: dt.datetime | None = None,
) -> int:
    """One tick over at most `batch_size` due tickets; answers how many thresholds it
    raised and tickets it confirmed."""
    at = at or now()
    acted = 0
    async with session_factory() as session:
        for ticket in await claim_due_tickets(session, at, batch_size):
            acted += await _escalate_on_its_own(session, ticket, policy, at)
        await session.commit()
    return acted


async def claim_due_tickets(session: AsyncSession, at: dt.datetime, limit: int) -> list[Ticket]:
    """The tickets the scheduler must look at, earliest first: the one indexed query."""
    query = (
        select(Ticket).where(Ticket.next_check_at <= at).order_by(Ticket.next_check_at).limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        # Another replica's tick skips what this one holds, and takes the next ones.
        query = query.with_for_update(skip_locked=True)
    return list((await session.execute(query)).scalars().all())


async def _escalate_on_its_own(
    session: AsyncSession, ticket: Ticket, policy: SlaPolicy, at: dt.datetime
) -> int:
    try:
        async with session.begin_nested():
            return await escalate_ticket(session, ticket, policy, at)
    except Exception:
        # Any failure, on purpose: one ticket's trouble (a calendar left without working
        # time, say) must not stop the escalations of every ticket behind it.
        log.exception("ticket_escalation_failed", ticket_id=ticket.id)
        await session.refresh(ticket)  # what the savepoint undid is gone from the row too
        ticket.next_check_at = at + RETRY_FAILED_TICKET_AFTER
        return 0


async def escalate_ticket(
    session: AsyncSession, ticket: Ticket, policy: SlaPolicy, at: dt.datetime
) -> int:
    """Raise what the ticket has reached by `at` (unless held), confirm it if its
    confirmation is due, and settle when to look at it next. The caller holds its row."""
    calendar = await ticket_calendar(session, ticket)
    clocks = await read_clocks(session, ticket, calendar)
    thresholds = await ticket_thresholds(session, ticket, clocks, policy)
    waiting = pending(thresholds, await raised_alerts(session, ticket.id))
    reached = [threshold for threshold in waiting if threshold.reached_at <= at]
    held_until = hold_until(calendar, at) if reached else None
    acted = 0
    if held_until is None:
        for threshold in reached:
            if await raise_threshold(session, ticket, threshold, at, calendar):
                acted += 1
    if confirmation_due(ticket, at):
        await confirm_automatically(session, ticket, at, policy)  # settles the clocks too
        acted += 1
    else:
        await settle_clocks(session, ticket, policy, calendar)
    ticket.next_check_at = next_look(ticket.next_check_at, held_until)
    return acted


def hold_until(calendar: WorkingCalendar, at: dt.datetime) -> dt.datetime | None:
    """None when `at` is working time (raise now), else the next working moment."""
    if is_working_moment(calendar, at):
        return None
    try:
        return next_working_moment(calendar, at)
    except NoWorkingTime:
        return None  # a calendar that never works again: better told now than never


def next_look(settled: dt.datetime | None, held_until: dt.datetime | None) -> dt.datetime | None:
    """When to look at a ticket again. While its alerts are held, not before the next
    working moment: what `settle_clocks` finds due earlier is those held alerts themselves
    (a working-time threshold cannot fall between a non-working moment and the next
    working one, and a due confirmation was acted on already)."""
    if held_until is None or (settled is not None and settled >= held_until):
        return settled
    return held_until


def confirmation_due(ticket: Ticket, at: dt.datetime) -> bool:
    return (
        ticket.status == TicketStatus.resolved
        and ticket.confirm_due_at is not None
        and ticket.confirm_due_at <= at
    )


async def raise_threshold(
    session: AsyncSession,
    ticket: Ticket,
    threshold: Threshold,
    at: dt.datetime,
    calendar: WorkingCalendar,
) -> bool:
    """Raise one threshold: its alert row, history line and event, and for a breach the
    accountability record. False when it had been raised already (by another tick)."""
    alert = TicketAlert(
        ticket_id=ticket.id,
        clock=threshold.clock,
        target_id=threshold.target_id,
        threshold=threshold.name,
        reached_at=threshold.reached_at,
        raised_at=at,
        escalated_to=threshold.escalated_to,
        department=threshold.department,
    )
    try:
        async with session.begin_nested():
            session.add(alert)
    except IntegrityError:
        key = (ticket.id, threshold.clock, threshold.target_id, threshold.name)
        if await session.get(TicketAlert, key) is not None:
            return False
        raise  # not a duplicate: a mistake to see, not to swallow
    reached_at = threshold.reached_at.isoformat()
    append_event(
        session,
        ticket,
        HISTORY_KIND[threshold.name],
        None,
        at,
        {
            "clock": threshold.clock,
            "target_id": threshold.target_id,
            "threshold": threshold.name,
            "reached_at": reached_at,
            "escalated_to": threshold.escalated_to,
            "department": threshold.department,
        },
    )
    coordination = (
        {"coordination_id": threshold.target_id, "coordinating_department": threshold.department}
        if threshold.clock == "coordination"
        else {}
    )
    await publish_ticket_event(
        session,
        EVENT_TYPE[threshold.name],
        ticket,
        clock=threshold.clock,
        threshold=threshold.name,
        reached_at=reached_at,
        escalated_to=threshold.escalated_to,
        **coordination,
    )
    if threshold.name == "breached":
        await record_breach(session, ticket, threshold, calendar)
    return True


async def record_breach(
    session: AsyncSession, ticket: Ticket, threshold: Threshold, calendar: WorkingCalendar
) -> None:
    """The penalty for a breach: the owner's, in the ticket's department, for its own
    clocks; the coordinating department's for a coordination finished late (or not at all)."""
    rule = BREACH_RULE[threshold.clock]
    local = threshold.reached_at.astimezone(calendar.zone).strftime("%Y-%m-%d %H:%M")
    if threshold.clock == "coordination":
        reason = (
            f"{rule.label}：{threshold.department}协办工单《{ticket.title}》，{local} 到期未完成"
        )
    else:
        reason = f"{rule.label}：工单《{ticket.title}》{local} 超过承诺时限"
    await record_by_rule(
        session,
        rule=rule.value,
        department=threshold.department,
        ticket_id=ticket.id,
        reason=reason,
        occurred_at=threshold.reached_at,
        person_id=None if threshold.clock == "coordination" else ticket.owner,
    )
