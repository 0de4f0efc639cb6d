"""The rules of the department scorecards (年度考核): per department and year, a read model
fed by the events of the ledger (items completed, and on time), ticket-svc (tickets closed,
SLA compliance, breaches, ratings, accountability records) and emergency-svc (drills taken
part in). Every figure can be traced to the events behind it.

**Facts.** Each event the consumers take (`consumers.py`) is written as facts, one per
(event, department, measure), and nothing else: no figure is stored. A fact names the
event id and type it came from and its subject (the ticket, ledger item, accountability
record or drill), so `GET scorecards/{department}?year=` lists the events behind every
figure. The unique key (event id, department, measure) makes a second delivery of the same
event add nothing, even past the consumer's inbox.

**The year** a fact counts in is the bureau's year (Asia/Shanghai): of `closed_at` for a
closed ticket, of `reached_at` for a breach; the `year` the event carries for
accountability records (ticket-svc sets it from the record's moment the same way), ledger
items (their plan's year) and drills (the bureau year of `held_at` when it carries none).

**The figures of a department's row**, over its facts of the year (percentages rounded to
0.1, the mean rating to 0.01; null when there is nothing to divide by):
- `items_completed`: ledger items whose latest completion or reopening
  (`ledger.item.completed` / `ledger.item.reopened`, in the order ledger-svc recorded them)
  is a completion. A reopened item stops counting; completed again, it counts once.
- `items_on_time`: of those, the ones whose latest completion was on time (on or before the
  deadline in force, as ledger-svc judged it). `on_time_rate_percent` = items_on_time /
  items_completed × 100.
- `tickets_closed`: `ticket.ticket.closed` events of the department (the ticket's own).
- `tickets_sla_met`: of those, the tickets whose `sla_met` is true;
  `sla_compliance_percent` = tickets_sla_met / closed tickets whose `sla_met` is true or
  false × 100 (a ticket with no verdict is not judged).
- `sla_breaches`: `ticket.ticket.sla_breached` events charged to the department: a
  coordination breach to the coordinating department, a response or resolve breach to the
  ticket's department. Every breach counts, a ticket may have several (response and resolve).
- `ratings` / `mean_rating`: closed tickets with a requester's rating, and its mean.
- `accountability`: `rewards` and `penalties` are `ticket.accountability.recorded`
  records of the department not exempted; `exempted` the records a
  `ticket.accountability.exempted` event took out (whenever it arrived, before or after the
  record's own event); `reward_points` / `penalty_points` the points of the records in
  force (a record without points adds none), `points` = reward_points − penalty_points.
- `drills`: the `emergency.drill.recorded` drills that list the department among their
  participants.

**Rows.** A department has a row in a year when it has at least one fact in it; rows sort
by department name. A department's own scorecard with no facts is a row of zeros.

**Who** reads which department: policy.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from guanjia_shared.auth import Principal
from guanjia_shared.clock import now
from guanjia_shared.db import insert_new_rows
from guanjia_shared.events import CloudEvent
from guanjia_shared.ids import new_id
from guanjia_shared.pagination import PageParams
from ledger_svc.scorecards import policy, queries
from ledger_svc.scorecards.export import scorecards_workbook
from ledger_svc.scorecards.models import (
    AccountabilityFigures,
    FactPage,
    FactRead,
    Scorecard,
    ScorecardDetail,
    ScorecardFact,
    ScorecardList,
    ScorecardMeasure,
)

# --- writing: facts from events ----------------------------------------------------------


@dataclass(frozen=True)
class FactDraft:
    """A fact an event yields, before it is written with the event's id and type."""

    department: str
    year: int
    measure: ScorecardMeasure
    value: float | None
    subject: str
    occurred_at: datetime


async def record_facts(
    session: AsyncSession, *, event: CloudEvent, drafts: Iterable[FactDraft]
) -> None:
    """Write the facts `event` yields in the caller's transaction, skipping those it has
    written already (same event, department and measure)."""
    recorded_at = now()
    rows = [
        {
            "id": new_id(),
            "department": draft.department,
            "year": draft.year,
            "measure": draft.measure.value,
            "value": draft.value,
            "event_id": event.id,
            "event_type": event.short_type,
            "subject": draft.subject,
            "occurred_at": draft.occurred_at,
            "event_time": event.time,
            "recorded_at": recorded_at,
        }
        for draft in drafts
    ]
    await insert_new_rows(
        session, ScorecardFact.__table__, rows, unique=["event_id", "department", "measure"]
    )


# --- reading: figures from facts ---------------------------------------------------------


def _rate(part: float, whole: float, digits: int = 1) -> float | None:
    return round(part * 100 / whole, digits) if whole else None


def scorecard_of(department: str, year: int, totals: Mapping[str, Any] | None) -> Scorecard:
    """The figures of one row from the database's sums (none: a department without facts)."""
    sums = {key: float(value or 0) for key, value in (totals or {}).items() if key != "department"}

    def total(name: str) -> int:
        # Every counted value is whole (counts, 0/1 verdicts, points); SUM may answer floats.
        return round(sums.get(name, 0.0))

    ratings = total("ratings")
    return Scorecard(
        department=department,
        year=year,
        items_completed=total("items_completed"),
        items_on_time=total("items_on_time"),
        on_time_rate_percent=_rate(total("items_on_time"), total("items_completed")),
        tickets_closed=total("tickets_closed"),
        tickets_sla_met=total("tickets_sla_met"),
        sla_compliance_percent=_rate(total("tickets_sla_met"), total("tickets_sla_judged")),
        sla_breaches=total("sla_breaches"),
        mean_rating=round(sums.get("rating_sum", 0.0) / ratings, 2) if ratings else None,
        ratings=ratings,
        accountability=AccountabilityFigures(
            rewards=total("rewards"),
            penalties=total("penalties"),
            exempted=total("exempted"),
            reward_points=total("reward_points"),
            penalty_points=total("penalty_points"),
            points=total("reward_points") - total("penalty_points"),
        ),
        drills=total("drills"),
    )


async def compute_scorecards(
    *, session: AsyncSession, year: int, department: str | None = None
) -> list[Scorecard]:
    """Every department's scorecard of `year` (or `department`'s alone): one query."""
    sums = await queries.totals_by_department(session, year=year, department=department)
    return [scorecard_of(row["department"], year, row) for row in sums]


async def list_scorecards(
    *, session: AsyncSession, viewer: Principal, year: int, page: PageParams
) -> ScorecardList:
    rows = await compute_scorecards(
        session=session, year=year, department=policy.department_in_view(viewer)
    )
    return ScorecardList(
        year=year, items=rows[page.offset : page.offset + page.limit], total=len(rows)
    )


async def scorecards_spreadsheet(
    *, session: AsyncSession, viewer: Principal, year: int
) -> tuple[str, bytes]:
    """Every scorecard the viewer may read, as an .xlsx file: its name and content."""
    rows = await compute_scorecards(
        session=session, year=year, department=policy.department_in_view(viewer)
    )
    return f"scorecards-{year}.xlsx", scorecards_workbook(rows, year=year)


async def department_scorecard(
    *,
    session: AsyncSession,
    viewer: Principal,
    department: str,
    year: int,
    measure: ScorecardMeasure | None,
    page: PageParams,
) -> ScorecardDetail:
    """One department's row and a page of the facts behind it (of `measure` only, if
    given). The figures are always the whole row's, whatever the filter."""
    policy.ensure_may_read(viewer, department)
    sums = await queries.totals_by_department(session, year=year, department=department)
    facts, total = await queries.facts_behind(
        session, department=department, year=year, measure=measure, page=page
    )
    row = scorecard_of(department, year, sums[0] if sums else None)
    return ScorecardDetail(
        **row.model_dump(),
        facts=FactPage(items=[FactRead.model_validate(fact) for fact in facts], total=total),
    )
