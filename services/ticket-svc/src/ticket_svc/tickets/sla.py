"""The SLA clocks of a ticket, read from its own history. Pure functions, no I/O.

Two clocks count working time (see calendars/working_time.py):
- the response clock runs from `created` to the owner's first action (`started`);
- the resolve clock runs from `created`, pauses at `waiting` (on the requester) and runs
  again at `resumed`, stops at `resolved`, and runs again at `reopened` with what was left
  (the days a requester takes to confirm are not the department's).

A clock reaches a threshold (a share of its allowed time: the warning share, 100% for a
breach, the leader's share) at a moment worked out from the intervals it ran. While it
runs, the moments ahead are projections; once it stops or pauses, only thresholds already
crossed have a moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ticket_svc.calendars.working_time import (
    WorkingCalendar,
    add_working_time,
    working_time_between,
)
from ticket_svc.tickets.models import EventKind, SlaState

RESPONSE_STARTS = frozenset({EventKind.created})
RESPONSE_STOPS = frozenset({EventKind.started})
RESOLVE_STARTS = frozenset({EventKind.created, EventKind.resumed, EventKind.reopened})
RESOLVE_STOPS = frozenset({EventKind.waiting, EventKind.resolved, EventKind.closed})


@dataclass(frozen=True)
class HistoryEntry:
    """What the clocks need of one ticket event: its kind (an `EventKind` value, as the
    history stores it) and when."""

    kind: str
    at: dt.datetime


@dataclass(frozen=True)
class Interval:
    start: dt.datetime
    end: dt.datetime | None  # None: still running


@dataclass(frozen=True)
class ClockReading:
    """A clock as its history leaves it."""

    budget: dt.timedelta
    intervals: tuple[Interval, ...]
    lengths: tuple[dt.timedelta, ...]  # working time in each finished interval
    calendar: WorkingCalendar
    # `moment_of`'s answers by share: the thresholds and the ticket's columns ask for the
    # same ones, and each is a walk through the calendar.
    _moments: dict[float, dt.datetime | None] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    @property
    def elapsed(self) -> dt.timedelta:
        """Working time in the finished intervals."""
        return sum(self.lengths, dt.timedelta(0))

    @property
    def running(self) -> bool:
        return bool(self.intervals) and self.intervals[-1].end is None

    @property
    def stopped_at(self) -> dt.datetime | None:
        return None if self.running or not self.intervals else self.intervals[-1].end

    def moment_of(self, share: float) -> dt.datetime | None:
        """When the clock reaches `share` of its budget: the crossing moment when it has
        crossed, the projection while it runs, None when stopped short of it."""
        if share not in self._moments:
            self._moments[share] = self._moment_of(share)
        return self._moments[share]

    def _moment_of(self, share: float) -> dt.datetime | None:
        target = self.budget * share
        counted = dt.timedelta(0)
        for interval, length in zip(self.intervals, self.lengths, strict=False):
            if counted + length > target:
                return add_working_time(self.calendar, interval.start, target - counted)
            counted += length
        if self.running:  # only the last interval runs, after the finished ones
            return add_working_time(self.calendar, self.intervals[-1].start, target - counted)
        return None

    def deadline(self) -> dt.datetime:
        """When the budget runs out: the crossing moment, or the projection while running;
        for a clock stopped short of it, the deadline it had when it stopped."""
        reached = self.moment_of(1.0)
        if reached is not None:
            return reached
        assert self.stopped_at is not None  # a clock with no intervals never stops short
        return add_working_time(self.calendar, self.stopped_at, self.budget - self.elapsed)

    def over(self, share: float) -> bool:
        """Whether the finished intervals already count more than `share` of the budget."""
        return self.elapsed > self.budget * share


def _intervals(
    history: Iterable[HistoryEntry],
    starts: frozenset[EventKind],
    stops: frozenset[EventKind],
    *,
    once: bool,
) -> tuple[Interval, ...]:
    intervals: list[Interval] = []
    open_since: dt.datetime | None = None
    for entry in history:
        if entry.kind in starts and open_since is None:
            if once and intervals:
                continue
            open_since = entry.at
        elif entry.kind in stops and open_since is not None:
            intervals.append(Interval(open_since, entry.at))
            open_since = None
    if open_since is not None:
        intervals.append(Interval(open_since, None))
    return tuple(intervals)


def _reading(
    calendar: WorkingCalendar, budget: dt.timedelta, intervals: tuple[Interval, ...]
) -> ClockReading:
    lengths = tuple(
        working_time_between(calendar, interval.start, interval.end)
        for interval in intervals
        if interval.end is not None
    )
    return ClockReading(budget=budget, intervals=intervals, lengths=lengths, calendar=calendar)


def response_clock(
    calendar: WorkingCalendar, budget: dt.timedelta, history: Sequence[HistoryEntry]
) -> ClockReading:
    """From creation to the owner's first action; it runs once."""
    return _reading(
        calendar, budget, _intervals(history, RESPONSE_STARTS, RESPONSE_STOPS, once=True)
    )


def resolve_clock(
    calendar: WorkingCalendar, budget: dt.timedelta, history: Sequence[HistoryEntry]
) -> ClockReading:
    """From creation to resolution, not counting waits on the requester nor the time a
    resolved ticket waits for confirmation before it is reopened."""
    return _reading(
        calendar, budget, _intervals(history, RESOLVE_STARTS, RESOLVE_STOPS, once=False)
    )


def state_of(
    *,
    moment: dt.datetime,
    running: bool,
    warn_at: dt.datetime | None,
    due_at: dt.datetime | None,
    elapsed: dt.timedelta,
    budget: dt.timedelta,
    warning_share: float,
    finished: bool,
) -> SlaState:
    """ok, warning or breached for one clock at `moment`, from what a ticket row keeps.

    A running clock is judged by its threshold moments; a paused one by the time it has
    counted; a finished one is breached or ok (a warning no longer matters once met).
    """
    if running:
        if due_at is not None and moment > due_at:
            return SlaState.breached
        if warn_at is not None and moment > warn_at:
            return SlaState.warning
        return SlaState.ok
    if elapsed > budget:
        return SlaState.breached
    if not finished and elapsed > budget * warning_share:
        return SlaState.warning
    return SlaState.ok


SEVERITY = {SlaState.ok: 0, SlaState.warning: 1, SlaState.breached: 2}


def worst(*states: SlaState) -> SlaState:
    return max(states, key=SEVERITY.__getitem__)
