"""The escalation job (督办), run every `scheduler_interval_seconds` on every replica: each
run raises the SLA thresholds tickets have reached, once each, and closes the resolved
tickets whose requester did not confirm in time.

The thresholds (tickets/thresholds.py): a clock's warning goes to the owner (to the
department head while nobody has taken the request), its breach to the department head,
and past the leader's share to the leadership; a coordination left unfinished past its
deadline is a breach charged to the coordinating department. Each raised threshold is an
alert row, a history line, an event and, for a breach, an accountability record.

How a run goes:
- One query finds the due tickets: `next_check_at <= now`, earliest first, at most a batch
  (the column is indexed and kept by `settle_clocks` after every change). The rows are
  claimed (`claim_rows`: FOR UPDATE SKIP LOCKED on PostgreSQL), so replicas running
  together take disjoint tickets; on SQLite the transaction begins IMMEDIATE, so runs
  simply take turns.
- The whole batch is one transaction, and its statements are per batch, not per ticket:
  three queries read every ticket's clocks (`read_ticket_clocks`), and each kind of write
  (alert rows, history lines, events, accountability records, the tickets' columns) is
  one statement. The row locks that keep replicas apart last only as long as the
  transaction, so committing ticket by ticket would hand the rest of the batch to the
  other replica mid-way.
- What can go wrong with one ticket (a calendar that is gone, or left without working
  time) goes wrong while its thresholds are worked out, before anything is written: that
  ticket is set aside, logged, and looked at again a little later, so it neither sinks
  the batch nor blocks the head of the queue.
- Exactly once is the database's word, not the lock's: the `TicketAlert` row's key
  (ticket, clock, target, threshold) lets one alert in (INSERT … ON CONFLICT DO NOTHING),
  and what another run raised first is left out, so nothing more is written for it. Its
  history line, its outbox event and (for a breach) the accountability record are written
  in the same transaction as the alert row, so they exist exactly when it does.
- Outside the working hours of the ticket's calendar nothing is raised: nobody is there
  to act on it. The ticket is held, and looked at again at the next working moment; the
  alert then still carries the moment the clock really crossed the threshold.
- When to look at a ticket next comes from the thresholds already worked out, with the
  ones raised now left out: a run reads each ticket's clocks once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.clock import now
from guanjia_shared.db import SessionFactory, claim_rows
from guanjia_shared.logging import get_logger
from guanjia_shared.outbox import record_events
from guanjia_shared.periodic import PeriodicJob
from ticket_svc.accountability.models import BreachRule
from ticket_svc.accountability.service import Breach, record_breaches
from ticket_svc.calendars.working_time import (
    NoWorkingTime,
    WorkingCalendar,
    is_working_moment,
    next_working_moment,
)
from ticket_svc.commitments.service import procedure_codes
from ticket_svc.config import Settings
from ticket_svc.database import insert_new_rows
from ticket_svc.events import EventType
from ticket_svc.tickets.clocks import (
    Clocks,
    SlaPolicy,
    TicketClocks,
    read_ticket_clocks,
    ticket_calendar_of,
)
from ticket_svc.tickets.events import ticket_event
from ticket_svc.tickets.models import (
    AlertClock,
    AlertThreshold,
    EventKind,
    Ticket,
    TicketAlert,
    TicketStatus,
)
from ticket_svc.tickets.service import confirm_automatically
from ticket_svc.tickets.thresholds import Threshold, pending

log = get_logger("ticket.escalations")

ESCALATION_JOB = "ticket-escalations"

# A ticket whose escalation failed is looked at again after this long rather than at the
# next run: it would otherwise stay at the head of the queue and fail every few seconds.
RETRY_FAILED_TICKET_AFTER = dt.timedelta(minutes=5)

# Each step of the ladder is a history line and an event of its own kind.
HISTORY_KIND = {
    AlertThreshold.warning: EventKind.sla_warning,
    AlertThreshold.breached: EventKind.sla_breached,
    AlertThreshold.leader: EventKind.escalated,
}
EVENT_TYPE = {
    AlertThreshold.warning: EventType.ticket_sla_warning,
    AlertThreshold.breached: EventType.ticket_sla_breached,
    AlertThreshold.leader: EventType.ticket_escalated,
}
# A breach is a penalty for the department answerable for the clock: the ticket's own for
# its response and resolution, the coordinating department for its part.
BREACH_RULE = {
    AlertClock.response: BreachRule.sla_response_breached,
    AlertClock.resolve: BreachRule.sla_resolve_breached,
    AlertClock.coordination: BreachRule.coordination_late,
}


def escalation_job(settings: Settings) -> PeriodicJob:
    """The job as the service runs it, every `scheduler_interval_seconds`."""
    sla = SlaPolicy.from_settings(settings)

    async def tick(session_factory: SessionFactory) -> int:
        return await run_escalations(session_factory, sla, batch_size=settings.scheduler_batch_size)

    return PeriodicJob(
        name=ESCALATION_JOB, interval_seconds=settings.scheduler_interval_seconds, run=tick
    )


async def run_escalations(
    session_factory: SessionFactory,
    sla: SlaPolicy,
    *,
    batch_size: int,
    at: dt.datetime | None = None,
) -> int:
    """One run over at most `batch_size` due tickets; answers how many thresholds it
    raised and tickets it confirmed."""
    at = at or now()
    async with session_factory() as session:
        tickets = await claim_due_tickets(session, at, batch_size)
        acted = await escalate_tickets(session, tickets, sla, at) if tickets else 0
        await session.commit()
    return acted


async def claim_due_tickets(session: AsyncSession, at: dt.datetime, limit: int) -> list[Ticket]:
    """The tickets the job must look at, earliest first: the one indexed query. Another
    replica's run skips what this one holds, and takes the next ones."""
    query = (
        select(Ticket).where(Ticket.next_check_at <= at).order_by(Ticket.next_check_at).limit(limit)
    )
    return list((await session.execute(claim_rows(session, query))).scalars().all())


@dataclass
class Plan:
    """What a run does for one ticket, worked out before anything is written."""

    ticket_clocks: TicketClocks
    clocks: Clocks
    thresholds: list[Threshold]
    to_raise: list[Threshold]
    held_until: dt.datetime | None


async def escalate_tickets(
    session: AsyncSession, tickets: list[Ticket], sla: SlaPolicy, at: dt.datetime
) -> int:
    """Raise what the tickets have reached by `at` (unless held), confirm those whose
    confirmation is due, and settle when to look at each next. The caller holds their
    rows and commits."""
    calendars = await _calendars(session, tickets, at)
    plans = []
    for ticket_clocks in await read_ticket_clocks(
        session, [ticket for ticket in tickets if ticket.calendar_id in calendars], calendars
    ):
        try:
            plans.append(plan_ticket(ticket_clocks, sla, at))
        except Exception:
            # Any failure, on purpose: one ticket's trouble (a calendar left without
            # working time, say) must not stop the escalations of every ticket behind it.
            log.exception("ticket_escalation_failed", ticket_id=ticket_clocks.ticket.id)
            _set_aside(ticket_clocks.ticket, at)
    raised = await raise_thresholds(
        session,
        [(plan.ticket_clocks, threshold) for plan in plans for threshold in plan.to_raise],
        at,
    )
    closed = []
    for plan in plans:
        ticket = plan.ticket_clocks.ticket
        if confirmation_due(ticket, at):
            closed.append(confirm_automatically(session, plan.ticket_clocks, at, sla))
        else:
            plan.ticket_clocks.keep(plan.clocks, plan.thresholds, sla)
        ticket.next_check_at = next_look(ticket.next_check_at, plan.held_until)
    await record_events(session, closed)
    await session.flush()
    return len(raised) + len(closed)


async def _calendars(
    session: AsyncSession, tickets: list[Ticket], at: dt.datetime
) -> dict[str | None, WorkingCalendar]:
    """The tickets' calendars, each read once; a ticket whose calendar cannot be read is
    set aside."""
    calendars: dict[str | None, WorkingCalendar] = {}
    for calendar_id in {ticket.calendar_id for ticket in tickets}:
        try:
            calendars[calendar_id] = await ticket_calendar_of(session, calendar_id)
        except Exception:
            log.exception("ticket_calendar_unreadable", calendar_id=calendar_id)
    for ticket in tickets:
        if ticket.calendar_id not in calendars:
            _set_aside(ticket, at)
    return calendars


def _set_aside(ticket: Ticket, at: dt.datetime) -> None:
    ticket.next_check_at = at + RETRY_FAILED_TICKET_AFTER


def plan_ticket(ticket_clocks: TicketClocks, sla: SlaPolicy, at: dt.datetime) -> Plan:
    """What the ticket has reached by `at`, and whether it is held: pure, from its clocks."""
    clocks = ticket_clocks.read()
    thresholds = ticket_clocks.thresholds(clocks, sla)
    reached = [t for t in pending(thresholds, ticket_clocks.alerts) if t.reached_at <= at]
    held_until = hold_until(ticket_clocks.calendar, at) if reached else None
    to_raise = reached if held_until is None else []
    return Plan(ticket_clocks, clocks, thresholds, to_raise, held_until)


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
    working moment: what the settled clocks find due earlier is those held alerts themselves
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


async def raise_thresholds(
    session: AsyncSession, reached: list[tuple[TicketClocks, Threshold]], at: dt.datetime
) -> list[tuple[TicketClocks, Threshold]]:
    """Raise each threshold: its alert row, history line and event, and for a breach the
    accountability record. Answers those raised now, leaving out the ones another run
    raised first (their alert rows' keys are taken), for which nothing is written."""
    table = TicketAlert.__table__
    rows = [
        {
            "ticket_id": clocks.ticket.id,
            "clock": threshold.clock,
            "target_id": threshold.target_id,
            "threshold": threshold.name,
            "reached_at": threshold.reached_at,
            "raised_at": at,
            "escalated_to": threshold.escalated_to,
            "department": threshold.department,
        }
        for clocks, threshold in reached
    ]
    key = [table.c.ticket_id, table.c.clock, table.c.target_id, table.c.threshold]
    inserted = {tuple(row) for row in await insert_new_rows(session, table, rows, key)}
    raised = [(clocks, t) for clocks, t in reached if (clocks.ticket.id, *t.key) in inserted]
    procedures = await procedure_codes(
        session, {clocks.ticket.commitment_id for clocks, _ in raised}
    )
    events = []
    for clocks, threshold in raised:
        clocks.alerts.add(threshold.key)
        reached_at = threshold.reached_at.isoformat()
        clocks.append(
            session,
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
            {
                "coordination_id": threshold.target_id,
                "coordinating_department": threshold.department,
            }
            if threshold.clock == AlertClock.coordination
            else {}
        )
        events.append(
            ticket_event(
                EVENT_TYPE[threshold.name],
                clocks.ticket,
                clock=threshold.clock,
                threshold=threshold.name,
                reached_at=reached_at,
                escalated_to=threshold.escalated_to,
                # For ledger-svc's quality system: the procedure the commitment carries out.
                procedure_code=procedures.get(clocks.ticket.commitment_id),
                **coordination,
            )
        )
    await record_events(session, events)
    await record_breaches(
        session, [breach_of(clocks, t) for clocks, t in raised if t.name == AlertThreshold.breached]
    )
    return raised


def breach_of(clocks: TicketClocks, threshold: Threshold) -> Breach:
    """The penalty for a breach: the owner's, in the ticket's department, for its own
    clocks; the coordinating department's for a coordination finished late (or not at all)."""
    ticket = clocks.ticket
    rule = BREACH_RULE[threshold.clock]
    local = threshold.reached_at.astimezone(clocks.calendar.zone).strftime("%Y-%m-%d %H:%M")
    if threshold.clock == AlertClock.coordination:
        reason = (
            f"{rule.label}：{threshold.department}协办工单《{ticket.title}》，{local} 到期未完成"
        )
    else:
        reason = f"{rule.label}：工单《{ticket.title}》{local} 超过承诺时限"
    return Breach(
        rule=rule.value,
        department=threshold.department,
        ticket_id=ticket.id,
        reason=reason,
        occurred_at=threshold.reached_at,
        person_id=None if threshold.clock == AlertClock.coordination else ticket.owner,
    )
