"""The SLA clock engine: a ticket's clocks worked out again from what they depend on, and
their results kept on the ticket row.

A ticket's clocks depend on its history (sla.py reads it), its coordinations (their
deadlines are thresholds too, thresholds.py) and the alerts already raised on it. After
every change the service settles them (`settle_clocks`): the deadlines, the working time
counted, whether the SLA was met, when someone must act next (`next_due_at`, what a list
sorted by deadline reads) and when the escalation job must look at the ticket again
(`next_check_at`). Lists, reports and the job then read columns, never replaying history.

The escalation job settles a whole batch at once, so what the clocks depend on is read in
three queries for any number of tickets (`read_ticket_clocks`) and kept in memory as the
job writes (`TicketClocks`). That, `SlaPolicy` and `ticket_calendar_of` are what the job
uses of this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from ticket_svc.calendars.service import load_working_calendar
from ticket_svc.calendars.working_time import WorkingCalendar
from ticket_svc.config import Settings
from ticket_svc.tickets.models import (
    AlertClock,
    Coordination,
    EventKind,
    SlaState,
    TicketAlert,
    TicketEvent,
    TicketRow,
    TicketStatus,
)
from ticket_svc.tickets.sla import (
    ClockReading,
    HistoryEntry,
    resolve_clock,
    response_clock,
    state_of,
    worst,
)
from ticket_svc.tickets.thresholds import (
    CoordinationDeadline,
    Threshold,
    clock_thresholds,
    coordination_thresholds,
    next_check_at,
    pending,
)

# An alert's key as `TicketAlert` holds it: (clock, target id, threshold).
AlertKey = tuple[str, str, str]


@dataclass(frozen=True)
class SlaPolicy:
    """The shares of a clock's allowed time that warn and go up to the leadership, and the
    working days a requester has to confirm: the service's settings, as the clocks use
    them."""

    warning_share: float
    leader_share: float
    auto_confirm_working_days: int

    @classmethod
    def from_settings(cls, settings: Settings) -> SlaPolicy:
        return cls(
            warning_share=settings.sla_warning_percent / 100,
            leader_share=settings.leader_escalation_percent / 100,
            auto_confirm_working_days=settings.auto_confirm_working_days,
        )


def sla_state(ticket: TicketRow, moment: dt.datetime, sla: SlaPolicy) -> SlaState:
    """The worse of the two clocks at `moment`, from the columns the last change left."""
    response = state_of(
        moment=moment,
        running=ticket.responded_at is None,
        warn_at=ticket.response_warn_at,
        due_at=ticket.response_due_at,
        elapsed=dt.timedelta(seconds=ticket.response_working_seconds or 0),
        budget=dt.timedelta(seconds=ticket.response_budget_seconds),
        warning_share=sla.warning_share,
        finished=True,
    )
    resolve = state_of(
        moment=moment,
        running=ticket.resolve_running,
        warn_at=ticket.resolve_warn_at,
        due_at=ticket.resolve_due_at,
        elapsed=dt.timedelta(seconds=ticket.resolve_working_seconds),
        budget=dt.timedelta(seconds=ticket.resolve_budget_seconds),
        warning_share=sla.warning_share,
        finished=ticket.status in (TicketStatus.resolved, TicketStatus.closed),
    )
    return worst(response, resolve)


# --- the calendar a ticket's clocks count on ---------------------------------------------

# The municipal default hours, Asia/Shanghai: built once, a calendar is never changed.
DEFAULT_CALENDAR = WorkingCalendar()


async def ticket_calendar(session: AsyncSession, ticket: TicketRow) -> WorkingCalendar:
    return await ticket_calendar_of(session, ticket.calendar_id)


async def ticket_calendar_of(session: AsyncSession, calendar_id: str | None) -> WorkingCalendar:
    if calendar_id is None:
        return DEFAULT_CALENDAR
    return await load_working_calendar(session, calendar_id)


# --- what the clocks are worked out from -------------------------------------------------


def append_event(
    session: AsyncSession,
    ticket: TicketRow,
    kind: EventKind,
    actor: Principal | None,
    at: dt.datetime,
    data: dict[str, Any],
) -> None:
    """A line of the ticket's history (the caller settles the clocks after it)."""
    session.add(
        TicketEvent(
            ticket_id=ticket.id,
            kind=kind.value,
            actor=actor.id if actor else None,
            at=at,
            data=data,
        )
    )


@dataclass(frozen=True)
class Clocks:
    response: ClockReading
    resolve: ClockReading


@dataclass
class TicketClocks:
    """A ticket's clocks with what they are worked out from: its history, its
    coordinations and the alerts raised on it. Read once (for a whole batch by the
    escalation job), then kept up to date in memory by `append`."""

    ticket: TicketRow
    calendar: WorkingCalendar
    history: list[HistoryEntry]
    coordinations: list[Coordination]
    alerts: set[AlertKey]

    def read(self) -> Clocks:
        return clocks_from_history(self.calendar, self.ticket, self.history)

    def thresholds(self, clocks: Clocks, sla: SlaPolicy) -> list[Threshold]:
        return thresholds_of(self.ticket, clocks, sla, self.coordinations)

    def append(
        self,
        session: AsyncSession,
        kind: EventKind,
        actor: Principal | None,
        at: dt.datetime,
        data: dict[str, Any],
    ) -> None:
        """A line of history, written and known here."""
        append_event(session, self.ticket, kind, actor, at, data)
        self.history.append(HistoryEntry(kind.value, at))

    def keep(self, clocks: Clocks, thresholds: list[Threshold], sla: SlaPolicy) -> None:
        """`clocks`, worked out already, on the ticket's row."""
        keep_clocks(self.ticket, clocks, sla, thresholds, self.alerts)

    def settle(self, sla: SlaPolicy) -> None:
        """Work the clocks out from what is known here, and keep them on the row."""
        clocks = self.read()
        self.keep(clocks, self.thresholds(clocks, sla), sla)


async def read_ticket_clocks(
    session: AsyncSession,
    tickets: Sequence[TicketRow],
    calendars: Mapping[str | None, WorkingCalendar],
) -> list[TicketClocks]:
    """The clocks of `tickets` (each ticket's calendar in `calendars`, by its id), in three
    queries however many tickets: their histories, coordinations and alerts."""
    await session.flush()
    ids = [ticket.id for ticket in tickets]
    histories: dict[str, list[HistoryEntry]] = {id_: [] for id_ in ids}
    lines = await session.execute(
        select(TicketEvent.ticket_id, TicketEvent.kind, TicketEvent.at)
        .where(TicketEvent.ticket_id.in_(ids))
        .order_by(TicketEvent.id)
    )
    for ticket_id, kind, at in lines:
        histories[ticket_id].append(HistoryEntry(kind, at))
    coordinations: dict[str, list[Coordination]] = {id_: [] for id_ in ids}
    parts = await session.execute(
        select(Coordination)
        .where(Coordination.ticket_id.in_(ids))
        .order_by(Coordination.requested_at, Coordination.id)
    )
    for part in parts.scalars():
        coordinations[part.ticket_id].append(part)
    alerts: dict[str, set[AlertKey]] = {id_: set() for id_ in ids}
    raised = await session.execute(
        select(
            TicketAlert.ticket_id, TicketAlert.clock, TicketAlert.target_id, TicketAlert.threshold
        ).where(TicketAlert.ticket_id.in_(ids))
    )
    for ticket_id, *key in raised:
        alerts[ticket_id].add(tuple(key))
    return [
        TicketClocks(
            ticket=ticket,
            calendar=calendars[ticket.calendar_id],
            history=histories[ticket.id],
            coordinations=coordinations[ticket.id],
            alerts=alerts[ticket.id],
        )
        for ticket in tickets
    ]


# --- working them out ----------------------------------------------------------------------


def clocks_from_history(
    calendar: WorkingCalendar, ticket: TicketRow, history: list[HistoryEntry]
) -> Clocks:
    return Clocks(
        response=response_clock(
            calendar, dt.timedelta(seconds=ticket.response_budget_seconds), history
        ),
        resolve=resolve_clock(
            calendar, dt.timedelta(seconds=ticket.resolve_budget_seconds), history
        ),
    )


def thresholds_of(
    ticket: TicketRow, clocks: Clocks, sla: SlaPolicy, coordinations: list[Coordination]
) -> list[Threshold]:
    shares = {
        "warning_share": sla.warning_share,
        "leader_share": sla.leader_share,
        "owned": ticket.owner is not None,
    }
    found = clock_thresholds(
        AlertClock.response, clocks.response, department=ticket.department, **shares
    )
    found += clock_thresholds(
        AlertClock.resolve, clocks.resolve, department=ticket.department, **shares
    )
    deadlines = [
        CoordinationDeadline(c.id, c.department, c.due_at, c.completed_at) for c in coordinations
    ]
    return found + coordination_thresholds(deadlines)


async def settle_clocks(
    session: AsyncSession,
    ticket: TicketRow,
    sla: SlaPolicy,
    calendar: WorkingCalendar | None = None,
) -> TicketClocks:
    """Work the clocks out again from the history and keep their results on the row;
    answers what they were worked out from."""
    calendar = calendar or await ticket_calendar(session, ticket)
    [clocks] = await read_ticket_clocks(session, [ticket], {ticket.calendar_id: calendar})
    clocks.settle(sla)
    return clocks


_NOTHING_DUE = (TicketStatus.waiting_requester, TicketStatus.resolved, TicketStatus.closed)


def next_due_at(
    ticket: TicketRow, response_due_at: dt.datetime, resolve_due_at: dt.datetime | None
) -> dt.datetime | None:
    """The deadline someone has to act by next (what sort=due orders by): none while the
    clock waits on the requester or once the ticket is resolved."""
    if ticket.status in _NOTHING_DUE:
        return None
    return response_due_at if ticket.responded_at is None else resolve_due_at


def keep_clocks(
    ticket: TicketRow,
    clocks: Clocks,
    sla: SlaPolicy,
    thresholds: list[Threshold],
    alerts: Iterable[AlertKey],
) -> None:
    """The clocks' results on the row, and when the escalation job should look at it next."""
    response, resolve = clocks.response, clocks.resolve
    paused = ticket.status == TicketStatus.waiting_requester
    finished = ticket.status in (TicketStatus.resolved, TicketStatus.closed)
    columns: dict[str, Any] = {
        "response_warn_at": response.moment_of(sla.warning_share),
        "response_due_at": response.deadline(),
        "response_working_seconds": None if response.running else _seconds(response.elapsed),
        "resolve_running": resolve.running,
        "resolve_warn_at": resolve.moment_of(sla.warning_share),
        "resolve_due_at": None if paused and not resolve.over(1.0) else resolve.deadline(),
        "resolve_working_seconds": _seconds(resolve.elapsed),
        # Judged at each resolution; a reopened ticket is judged again when resolved again.
        "sla_met": not response.over(1.0) and not resolve.over(1.0) if finished else None,
        "next_check_at": next_check_at(pending(thresholds, alerts), ticket.confirm_due_at),
    }
    columns["next_due_at"] = next_due_at(
        ticket, columns["response_due_at"], columns["resolve_due_at"]
    )
    if ticket.responded_at is not None:
        columns["response_wall_seconds"] = _seconds(ticket.responded_at - ticket.created_at)
    if finished:
        assert ticket.resolved_at is not None
        columns["resolve_wall_seconds"] = _seconds(ticket.resolved_at - ticket.created_at)
    for name, value in columns.items():
        # Only what changed: a table model's attribute costs a few µs to set, and the
        # escalation job settles a few hundred tickets a tick, most of them barely changed.
        if getattr(ticket, name) != value:
            setattr(ticket, name, value)
    ticket.revision += 1


def _seconds(span: dt.timedelta) -> int:
    return int(span.total_seconds())
