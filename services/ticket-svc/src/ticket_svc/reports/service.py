"""The ticket reports, per department and per commitment: counts, SLA compliance, mean and
90th-percentile response and resolution times (working and wall time), backlog ages,
reopenings and ratings, worked out by the database in a few GROUP BY queries (queries.py)
whatever the number of tickets, as JSON or as a spreadsheet of every row. A breach caused
by a late coordinating department is charged to that department too, not only to the
ticket's owner.

**The period.** A report covers the tickets *opened* (`created_at`) from the first moment
of day `from` to the last moment of day `to`, days of the bureau's calendar
(Asia/Shanghai), both included. Either end may be left out (open-ended); `to` before
`from` is refused (422). Every figure of a row is about those tickets, whatever happened
to them since, read **as of now** (`as_of` in the answer): backlog ages and deadlines
passed are measured at that moment. The one exception is the public's ratings (行风评议),
which are not about a ticket: they count by the day they were given.

**Rows.** A department row groups the tickets by the department they were opened under
(the commitment version's); a commitment row groups them by commitment code and
department, so a commitment that moved to another department between versions shows one
row per department, each answering for its own tickets. A department appears when it has
tickets, late coordinations or public ratings in the period; a commitment when it has
tickets. Departments sort by name, commitments by code.

**The figures of a row** (durations in minutes, ages in hours, rounded to 0.1; percentages
rounded to 0.1; mean ratings to 0.01):
- `tickets`: tickets opened in the period.
- `resolved`: those resolved or closed now (a reopened ticket counts again once resolved).
- `sla_met`: resolved or closed tickets whose response and resolve clocks both stayed
  within the commitment's time (the ticket's `sla_met`, judged at each resolution).
- `sla_compliance_percent`: sla_met / resolved × 100 — only resolved tickets are judged;
  null when none is.
- `breached`: tickets whose SLA is breached as of now (see `queries.breached_by`): judged
  not met, answered after the response time, unanswered or unresolved past a deadline, or
  with a `breached` alert on their response or resolve clock. Unlike sla_compliance this
  counts open tickets too, which is what a department is charged with.
- `response_*`: the response time (opening to the owner's first action) of the tickets
  answered, in working time (the commitment's calendar) and wall time; mean and p90.
- `resolution_*`: the resolution time (opening to resolution, working time net of waits on
  the requester and of time waiting for confirmation) of the tickets resolved or closed
  now; mean and p90.
- p90: nearest rank — of n values sorted ascending, the one ranked ⌈0.9 n⌉.
- `backlog`: tickets not closed (resolved ones awaiting the requester's confirmation are
  still open business); `backlog_mean_age_hours` / `backlog_max_age_hours`: their time
  since opening, mean and longest.
- `reopened`: tickets reopened at least once; `reopen_rate_percent`: reopened / tickets
  resolved at least once × 100 (only a resolved ticket can be reopened, so the rate stays
  within 0–100 while a reopened ticket is being worked on again); null when none was.
- `dissatisfied_reopens`: reopenings because the requester was not satisfied (a ticket may
  have several).
- `ratings` / `mean_rating`: tickets with a requester's rating, and the mean of each one's
  latest rating (a ticket rated 2 and then 4 after its reopening counts once, as 4); tickets
  confirmed automatically carry no rating. Null mean when there is none.

**Department rows only:**
- `late_coordinations`: the department's coordinations (协办) on tickets opened in the
  period — whoever owns them — that finished after their deadline or are still unfinished
  past it now.
- `breaches_charged` = breached + late_coordinations: the department answers for its own
  breached tickets and for every part it was late on in another's. The owner keeps its own
  breach too: the late coordinator is charged as well as the owner, not instead.
- `public_ratings` / `public_mean_rating`: the public's ratings of the department (行风评议)
  given in the period, every one counted whatever its comment's moderation.

**Who** reads which rows is in policy.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from guanjia_shared.auth import Principal
from guanjia_shared.bureau_time import start_of_bureau_day
from guanjia_shared.clock import now
from guanjia_shared.errors import invalid_field
from ticket_svc.reports import queries
from ticket_svc.reports.export import commitments_workbook, departments_workbook
from ticket_svc.reports.models import (
    CommitmentReport,
    CommitmentRow,
    DepartmentReport,
    DepartmentRow,
    ReportFigures,
    ReportTotals,
)
from ticket_svc.reports.policy import department_in_view
from ticket_svc.tickets.models import Ticket


@dataclass(frozen=True)
class Period:
    """Days `first` to `last` of the bureau's calendar, both included; None: open-ended."""

    first: dt.date | None
    last: dt.date | None

    @property
    def start(self) -> dt.datetime | None:
        return start_of_bureau_day(self.first) if self.first else None

    @property
    def end(self) -> dt.datetime | None:
        """The first moment after the period."""
        return start_of_bureau_day(self.last + dt.timedelta(days=1)) if self.last else None

    def opened_within(self) -> list[ColumnElement[bool]]:
        conditions = []
        if self.start is not None:
            conditions.append(Ticket.created_at >= self.start)
        if self.end is not None:
            conditions.append(Ticket.created_at < self.end)
        return conditions


def report_period(first: dt.date | None, last: dt.date | None) -> Period:
    if first is not None and last is not None and last < first:
        # Pointed as the framework points at a bad query parameter.
        raise invalid_field("to is before from", "#/query/to")
    return Period(first, last)


# --- turning the database's sums into figures --------------------------------------------


def _rounded(value: Any, unit: float = 1.0, digits: int = 1) -> float | None:
    return None if value is None else round(float(value) / unit, digits)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def figures_of(row: Any | None, as_of: dt.datetime) -> dict[str, Any]:
    """A row's figures from its `queries.ticket_figures` sums; `row` None: no tickets."""
    if row is None:
        return EMPTY_FIGURES
    durations = {
        f"{name}_{kind}_minutes": _rounded(getattr(row, f"{name}_{kind}"), 60)
        for name in queries.DURATIONS
        for kind in ("mean", "p90")
    }
    now_epoch = as_of.timestamp()
    return {
        "tickets": row.tickets,
        "resolved": row.resolved,
        "sla_met": row.sla_met,
        "sla_compliance_percent": _percent(row.sla_met, row.resolved),
        "breached": row.breached,
        **durations,
        "backlog": row.backlog,
        "backlog_mean_age_hours": _age_hours(now_epoch, row.backlog_mean_opened_epoch),
        "backlog_max_age_hours": _age_hours(now_epoch, row.backlog_first_opened_epoch),
        "reopened": row.reopened,
        "reopen_rate_percent": _percent(row.reopened, row.resolved_once),
        "dissatisfied_reopens": row.dissatisfied_reopens,
        "ratings": row.ratings,
        "mean_rating": _rounded(row.mean_rating, digits=2),
    }


def _age_hours(now_epoch: float, opened_epoch: float | Decimal | None) -> float | None:
    return None if opened_epoch is None else _rounded(now_epoch - float(opened_epoch), 3600)


# The figures of a department with no tickets of its own in the period: counts 0, the
# rest undefined.
EMPTY_FIGURES: dict[str, Any] = {
    name: 0 if field.annotation is int else None
    for name, field in ReportFigures.model_fields.items()
}


# --- the reports --------------------------------------------------------------------------


async def department_rows(
    *, session: AsyncSession, viewer: Principal, period: Period
) -> tuple[dt.datetime, list[DepartmentRow]]:
    """Three queries: the tickets' figures, the late coordinations, the public ratings."""
    department = department_in_view(viewer)
    as_of = now()
    conditions = period.opened_within()
    if department is not None:
        conditions.append(Ticket.department == department)
    figures = {
        row.department: row
        for row in await queries.ticket_figures(
            session, keys=[Ticket.department], conditions=conditions, moment=as_of
        )
    }
    late = await queries.late_coordinations(
        session, ticket_conditions=period.opened_within(), department=department, moment=as_of
    )
    public = await queries.public_ratings(
        session, start=period.start, end=period.end, department=department
    )
    rows = []
    for name in sorted(figures.keys() | late.keys() | public.keys()):
        own = figures_of(figures.get(name), as_of)
        public_count, public_mean = public.get(name, (0, None))
        rows.append(
            DepartmentRow(
                department=name,
                **own,
                late_coordinations=late.get(name, 0),
                breaches_charged=own["breached"] + late.get(name, 0),
                public_ratings=public_count,
                public_mean_rating=_rounded(public_mean, digits=2),
            )
        )
    return as_of, rows


async def commitment_rows(
    *, session: AsyncSession, viewer: Principal, period: Period
) -> tuple[dt.datetime, list[CommitmentRow]]:
    """Two queries: the tickets' figures, the commitments' names."""
    department = department_in_view(viewer)
    as_of = now()
    conditions = period.opened_within()
    if department is not None:
        conditions.append(Ticket.department == department)
    found = await queries.ticket_figures(
        session,
        keys=[Ticket.commitment_code, Ticket.department],
        conditions=conditions,
        moment=as_of,
    )
    names = await queries.commitment_names(session, sorted({row.commitment_code for row in found}))
    rows = [
        CommitmentRow(
            commitment_code=row.commitment_code,
            commitment_name=names.get(row.commitment_code),
            department=row.department,
            **figures_of(row, as_of),
        )
        for row in found
    ]
    rows.sort(key=lambda row: (row.commitment_code, row.department))
    return as_of, rows


async def department_report(
    *, session: AsyncSession, viewer: Principal, first: dt.date | None, last: dt.date | None
) -> DepartmentReport:
    period = report_period(first, last)
    as_of, rows = await department_rows(session=session, viewer=viewer, period=period)
    return DepartmentReport(from_=first, to=last, as_of=as_of, items=rows)


async def report_totals(
    *, session: AsyncSession, viewer: Principal, first: dt.date | None, last: dt.date | None
) -> ReportTotals:
    """One query: the department report's tickets, resolved and sla_met summed over its rows
    (the same tickets, the same viewer's sight), without the figures that cost a pass over
    every ticket's durations."""
    period = report_period(first, last)
    department = department_in_view(viewer)
    as_of = now()
    conditions = period.opened_within()
    if department is not None:
        conditions.append(Ticket.department == department)
    totals = await queries.ticket_totals(session, conditions=conditions)
    return ReportTotals(
        from_=first,
        to=last,
        as_of=as_of,
        tickets=totals.tickets,
        resolved=totals.resolved,
        sla_met=totals.sla_met,
        sla_compliance_percent=_percent(totals.sla_met, totals.resolved),
    )


async def commitment_report(
    *, session: AsyncSession, viewer: Principal, first: dt.date | None, last: dt.date | None
) -> CommitmentReport:
    period = report_period(first, last)
    as_of, rows = await commitment_rows(session=session, viewer=viewer, period=period)
    return CommitmentReport(from_=first, to=last, as_of=as_of, items=rows)


async def department_spreadsheet(
    *, session: AsyncSession, viewer: Principal, first: dt.date | None, last: dt.date | None
) -> tuple[str, bytes]:
    """The whole department report as an .xlsx file: its file name and content."""
    period = report_period(first, last)
    as_of, rows = await department_rows(session=session, viewer=viewer, period=period)
    content = departments_workbook(rows, first=first, last=last, as_of=as_of)
    return f"ticket-departments-{_span_name(first, last)}.xlsx", content


async def commitment_spreadsheet(
    *, session: AsyncSession, viewer: Principal, first: dt.date | None, last: dt.date | None
) -> tuple[str, bytes]:
    """The whole commitment report as an .xlsx file: its file name and content."""
    period = report_period(first, last)
    as_of, rows = await commitment_rows(session=session, viewer=viewer, period=period)
    content = commitments_workbook(rows, first=first, last=last, as_of=as_of)
    return f"ticket-commitments-{_span_name(first, last)}.xlsx", content


def _span_name(first: dt.date | None, last: dt.date | None) -> str:
    return f"{first.isoformat() if first else 'start'}_{last.isoformat() if last else 'now'}"
