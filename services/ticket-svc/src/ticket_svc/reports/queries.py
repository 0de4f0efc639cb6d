"""The reports' SQL. Each function is one GROUP BY query, so a report takes the same few
queries whatever the number of tickets or departments, and every figure is worked out by
the database, not by a loop over tickets. Everything here runs alike on SQLite and
PostgreSQL: the 90th percentiles use window functions and integer arithmetic only, and the
one thing the two spell differently (seconds since the epoch) has one construct below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    and_,
    case,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ticket_svc.commitments.models import Commitment
from ticket_svc.ratings.models import Rating
from ticket_svc.tickets.models import (
    AlertClock,
    AlertThreshold,
    Coordination,
    Ticket,
    TicketAlert,
    TicketStatus,
)

DONE = (TicketStatus.resolved.value, TicketStatus.closed.value)
# The durations a report gives a mean and a 90th percentile of, in seconds. Resolution
# times count only for tickets resolved or closed now: a reopened ticket's clock runs again,
# so its last resolution's figures are no longer its resolution time.
_is_done = Ticket.status.in_(DONE)
DURATIONS: dict[str, ColumnElement[Any]] = {
    "response_working": Ticket.response_working_seconds,
    "response_wall": Ticket.response_wall_seconds,
    "resolution_working": case((_is_done, Ticket.resolve_working_seconds)),
    "resolution_wall": case((_is_done, Ticket.resolve_wall_seconds)),
}


class epoch_seconds(FunctionElement[float]):  # lower-case, as SQL functions read
    """Seconds since 1970-01-01 UTC of a stored time (SQLite keeps UTC text, see UtcDateTime)."""

    type = Float()
    inherit_cache = True


@compiles(epoch_seconds, "postgresql")
def _epoch_seconds_postgresql(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


@compiles(epoch_seconds, "sqlite")
def _epoch_seconds_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # 2440587.5 is the Julian day of the Unix epoch.
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 or 0 (never null), so that an outer SUM counts the rows that meet `condition`."""
    return case((condition, 1), else_=0)


def breached_by(moment: dt.datetime) -> ColumnElement[bool]:
    """A ticket's SLA is breached as of `moment`: judged not met at its resolution, answered
    after its response time, still unanswered or unresolved past its deadline, or the
    escalation job raised a `breached` alert on its response or resolve clock. Each
    clock only ever counts on, so once breached a ticket stays breached."""
    alert_raised = exists().where(
        TicketAlert.ticket_id == Ticket.id,
        TicketAlert.clock.in_((AlertClock.response.value, AlertClock.resolve.value)),
        TicketAlert.threshold == AlertThreshold.breached.value,
    )
    return or_(
        Ticket.sla_met.is_(False),
        Ticket.response_working_seconds > Ticket.response_budget_seconds,
        and_(Ticket.responded_at.is_(None), Ticket.response_due_at < moment),
        # resolve_due_at is null while paused short of the deadline, and the crossing moment
        # once crossed, so a ticket paused after its deadline is overdue too.
        and_(Ticket.status.not_in(DONE), Ticket.resolve_due_at < moment),
        alert_raised,
    )


def coordination_late_by(moment: dt.datetime) -> ColumnElement[bool]:
    """Finished after its deadline, or still unfinished past it (as the escalation job sees it)."""
    return or_(
        Coordination.completed_at > Coordination.due_at,
        and_(Coordination.completed_at.is_(None), Coordination.due_at < moment),
    )


async def ticket_figures(
    session: AsyncSession,
    *,
    keys: Sequence[ColumnElement[Any]],
    conditions: Sequence[ColumnElement[bool]],
    moment: dt.datetime,
) -> list[Any]:
    """One row per group of `keys` over the tickets meeting `conditions`: counts, sums and
    means, and the nearest-rank 90th percentile of each duration in `DURATIONS`.

    The percentile: in a group with n values of a duration, the value ranked ⌈0.9 n⌉ in
    ascending order, found in integers, free of each database's division and rounding rules.
    On SQLite an inner query numbers each ticket's value within its group (nulls in a
    partition of their own, so they take no rank) and counts the group's values; the outer
    query keeps the value whose rank r satisfies 10(r − 1) < 9n ≤ 10r, which is
    r = ⌈0.9 n⌉. On PostgreSQL each group gathers its values in order into an array and
    takes element ⌈0.9 n⌉ = (9n + 9) div 10 (nulls sort after the n values): the windows
    sorted and wrote out every ticket of the period four times (7.0 s against 2.2 s for
    this year's 512 000 tickets of a million; docs/benchmarks.md, "Cockpit").
    """
    in_arrays = session.get_bind().dialect.name == "postgresql"
    windows = [
        *(
            func.row_number()
            .over(partition_by=[*keys, value.is_(None)], order_by=value)
            .label(f"{name}_rank")
            for name, value in DURATIONS.items()
        ),
        *(
            func.count(value).over(partition_by=list(keys)).label(f"{name}_count")
            for name, value in DURATIONS.items()
        ),
    ]
    per_ticket = select(
        *keys,
        _flag(_is_done).label("is_resolved"),
        _flag(Ticket.resolved_at.is_not(None)).label("was_resolved"),
        _flag(Ticket.sla_met.is_(True)).label("met"),
        _flag(breached_by(moment)).label("is_breached"),
        _flag(Ticket.status != TicketStatus.closed.value).label("in_backlog"),
        _flag(Ticket.reopen_count > 0).label("was_reopened"),
        Ticket.dissatisfied_reopens,
        Ticket.rating,
        epoch_seconds(Ticket.created_at).label("opened_epoch"),
        *(value.label(name) for name, value in DURATIONS.items()),
        *([] if in_arrays else windows),
    ).where(*conditions)
    rows = per_ticket.subquery("per_ticket")
    group = [rows.c[key.key] for key in keys]

    def p90(name: str) -> ColumnElement[Any]:
        if in_arrays:
            value = rows.c[name]
            in_order = aggregate_order_by(value, value.asc().nulls_last())
            return func.array_agg(in_order)[(func.count(value) * 9 + 9) // 10]
        rank, count = rows.c[f"{name}_rank"], rows.c[f"{name}_count"]
        nearest_rank = and_(
            rows.c[name].is_not(None), (rank - 1) * 10 < count * 9, count * 9 <= rank * 10
        )
        return func.max(case((nearest_rank, rows.c[name])))

    in_backlog = rows.c.in_backlog == 1
    query = select(
        *group,
        func.count().label("tickets"),
        func.sum(rows.c.is_resolved).label("resolved"),
        func.sum(rows.c.was_resolved).label("resolved_once"),
        func.sum(rows.c.met).label("sla_met"),
        func.sum(rows.c.is_breached).label("breached"),
        *(func.avg(rows.c[name]).label(f"{name}_mean") for name in DURATIONS),
        *(p90(name).label(f"{name}_p90") for name in DURATIONS),
        func.sum(rows.c.in_backlog).label("backlog"),
        func.avg(case((in_backlog, rows.c.opened_epoch))).label("backlog_mean_opened_epoch"),
        func.min(case((in_backlog, rows.c.opened_epoch))).label("backlog_first_opened_epoch"),
        func.sum(rows.c.was_reopened).label("reopened"),
        func.sum(rows.c.dissatisfied_reopens).label("dissatisfied_reopens"),
        func.count(rows.c.rating).label("ratings"),
        func.avg(rows.c.rating).label("mean_rating"),
    ).group_by(*group)
    return list((await session.execute(query)).all())


async def ticket_totals(session: AsyncSession, *, conditions: Sequence[ColumnElement[bool]]) -> Any:
    """The tickets meeting `conditions` counted as `ticket_figures` counts them, and nothing
    else: read along (created_at, status, sla_met), index-only on PostgreSQL."""
    query = select(
        func.count().label("tickets"),
        func.coalesce(func.sum(_flag(_is_done)), 0).label("resolved"),
        func.coalesce(func.sum(_flag(Ticket.sla_met.is_(True))), 0).label("sla_met"),
    ).where(*conditions)
    return (await session.execute(query)).one()


async def late_coordinations(
    session: AsyncSession,
    *,
    ticket_conditions: Sequence[ColumnElement[bool]],
    department: str | None,
    moment: dt.datetime,
) -> dict[str, int]:
    """Per coordinating department, its late coordinations on the tickets meeting
    `ticket_conditions` (whichever department owns them)."""
    query = (
        select(Coordination.department, func.count())
        .join(Ticket, Ticket.id == Coordination.ticket_id)
        .where(*ticket_conditions, coordination_late_by(moment))
        .group_by(Coordination.department)
    )
    if department is not None:
        query = query.where(Coordination.department == department)
    return {name: count for name, count in (await session.execute(query)).all()}


async def public_ratings(
    session: AsyncSession,
    *,
    start: dt.datetime | None,
    end: dt.datetime | None,
    department: str | None,
) -> dict[str, tuple[int, float]]:
    """Per department, the count and mean of the public's ratings given in [start, end)."""
    query = select(Rating.department, func.count(), func.avg(Rating.score)).group_by(
        Rating.department
    )
    if start is not None:
        query = query.where(Rating.created_at >= start)
    if end is not None:
        query = query.where(Rating.created_at < end)
    if department is not None:
        query = query.where(Rating.department == department)
    return {
        name: (count, float(mean)) for name, count, mean in (await session.execute(query)).all()
    }


async def commitment_names(session: AsyncSession, codes: Sequence[str]) -> dict[str, str]:
    if not codes:
        return {}
    query = select(Commitment.code, Commitment.name).where(Commitment.code.in_(list(codes)))
    return {code: name for code, name in (await session.execute(query)).all()}
