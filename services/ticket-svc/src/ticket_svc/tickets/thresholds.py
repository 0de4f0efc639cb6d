"""Which SLA thresholds a ticket has crossed or will cross, and when: what the escalation
job raises (once each) and what decides when it next looks at the ticket.

Each clock warns its owner at the warning share (the department head while nobody has
taken the request), tells the department head at 100% (the
breach), and the leadership at the leader's share; a coordinating department's sub-task
past its internal deadline is a breach told to that department's head. Pure functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ticket_svc.tickets.models import AlertClock, AlertThreshold, EscalatedTo
from ticket_svc.tickets.sla import ClockReading


@dataclass(frozen=True)
class Threshold:
    clock: AlertClock
    target_id: str  # the coordination's id, else ""
    name: AlertThreshold
    reached_at: dt.datetime
    escalated_to: EscalatedTo
    department: str  # the department answerable for it

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.clock, self.target_id, self.name)


@dataclass(frozen=True)
class CoordinationDeadline:
    id: str
    department: str
    due_at: dt.datetime
    completed_at: dt.datetime | None


def clock_thresholds(
    clock: AlertClock,
    reading: ClockReading,
    *,
    department: str,
    warning_share: float,
    leader_share: float,
    owned: bool,
) -> list[Threshold]:
    warned = EscalatedTo.owner if owned else EscalatedTo.dept_head
    steps = (
        (AlertThreshold.warning, warning_share, warned),
        (AlertThreshold.breached, 1.0, EscalatedTo.dept_head),
        (AlertThreshold.leader, leader_share, EscalatedTo.leader),
    )
    found = []
    for name, share, told in steps:
        moment = reading.moment_of(share)
        if moment is not None:
            found.append(Threshold(clock, "", name, moment, told, department))
    return found


def coordination_thresholds(coordinations: Iterable[CoordinationDeadline]) -> list[Threshold]:
    """A sub-task is late once its deadline passes unfinished, or it finished after it."""
    return [
        Threshold(
            AlertClock.coordination,
            item.id,
            AlertThreshold.breached,
            item.due_at,
            EscalatedTo.dept_head,
            item.department,
        )
        for item in coordinations
        if item.completed_at is None or item.completed_at > item.due_at
    ]


def pending(
    thresholds: Sequence[Threshold], raised: Iterable[tuple[str, str, str]]
) -> list[Threshold]:
    """The thresholds not yet raised, earliest first."""
    done = set(raised)
    return sorted((t for t in thresholds if t.key not in done), key=lambda t: t.reached_at)


def next_check_at(
    waiting: Sequence[Threshold], confirm_due_at: dt.datetime | None
) -> dt.datetime | None:
    """The first moment the escalation job has something to do for the ticket."""
    moments = [t.reached_at for t in waiting]
    if confirm_due_at is not None:
        moments.append(confirm_due_at)
    return min(moments, default=None)
