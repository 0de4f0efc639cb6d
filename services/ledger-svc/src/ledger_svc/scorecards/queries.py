"""The SQL of the scorecards: whether a fact counts, the sums per department (one
GROUP BY, whatever the number of departments) and the facts behind a scorecard."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, distinct, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from guanjia_shared.pagination import PageParams
from ledger_svc.scorecards.models import ScorecardFact
from ledger_svc.scorecards.models import ScorecardMeasure as M

facts = ScorecardFact.__table__
ITEM_STATE_MEASURES = (M.item_completed, M.item_on_time, M.item_reopened)
RECORD_MEASURES = (M.accountability_reward, M.accountability_penalty)


def in_force() -> ColumnElement[int]:
    """1 when a fact of `facts` counts now, else 0.

    An item's completion counts while no later completion or reopening of the same item
    follows it (ordered by the source's event time, then event id): a reopened item is no
    longer completed, and completed again it counts once, as of its last completion. A
    reward or penalty counts unless an exemption of the same record has arrived, whichever
    came first over the broker. Every other fact always counts."""
    other = facts.alias("other")
    superseded = exists().where(
        other.c.subject == facts.c.subject,
        other.c.measure.in_([M.item_completed, M.item_reopened]),
        or_(
            other.c.event_time > facts.c.event_time,
            and_(other.c.event_time == facts.c.event_time, other.c.event_id > facts.c.event_id),
        ),
    )
    exempted = exists().where(
        other.c.subject == facts.c.subject, other.c.measure == M.accountability_exempted
    )
    return case(
        (facts.c.measure.in_(ITEM_STATE_MEASURES), case((superseded, 0), else_=1)),
        (facts.c.measure.in_(RECORD_MEASURES), case((exempted, 0), else_=1)),
        else_=1,
    )


async def totals_by_department(
    session: AsyncSession, *, year: int, department: str | None = None
) -> list[dict[str, Any]]:
    """The raw sums of each department with facts in `year` (or of `department` alone),
    by department name; `service.scorecard_of` turns them into figures."""
    conditions = [facts.c.year == year]
    if department is not None:
        conditions.append(facts.c.department == department)
    rows = (
        select(
            facts.c.department,
            facts.c.measure,
            facts.c.subject,
            facts.c.value,
            in_force().label("in_force"),
        )
        .where(*conditions)
        .subquery()
    )

    def counted(measure: M) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((rows.c.measure == measure, rows.c.in_force))), 0)

    def summed(measure: M) -> ColumnElement[Any]:
        value = func.coalesce(rows.c.value, 0) * rows.c.in_force
        return func.coalesce(func.sum(case((rows.c.measure == measure, value))), 0)

    def distinct_subjects(measure: M) -> ColumnElement[Any]:
        return func.count(distinct(case((rows.c.measure == measure, rows.c.subject))))

    query = (
        select(
            rows.c.department,
            counted(M.item_completed).label("items_completed"),
            summed(M.item_on_time).label("items_on_time"),
            counted(M.ticket_closed).label("tickets_closed"),
            counted(M.ticket_sla_met).label("tickets_sla_judged"),
            summed(M.ticket_sla_met).label("tickets_sla_met"),
            counted(M.sla_breach).label("sla_breaches"),
            counted(M.ticket_rating).label("ratings"),
            summed(M.ticket_rating).label("rating_sum"),
            counted(M.accountability_reward).label("rewards"),
            summed(M.accountability_reward).label("reward_points"),
            counted(M.accountability_penalty).label("penalties"),
            summed(M.accountability_penalty).label("penalty_points"),
            distinct_subjects(M.accountability_exempted).label("exempted"),
            distinct_subjects(M.drill_participation).label("drills"),
        )
        .group_by(rows.c.department)
        .order_by(rows.c.department)
    )
    return [dict(row._mapping) for row in await session.execute(query)]


def _facts_of(department: str, year: int, measure: M | None) -> Select[Any]:
    query = select(facts).where(facts.c.department == department, facts.c.year == year)
    if measure is not None:
        query = query.where(facts.c.measure == measure)
    return query


async def facts_behind(
    session: AsyncSession, *, department: str, year: int, measure: M | None, page: PageParams
) -> tuple[list[dict[str, Any]], int]:
    """A page of the department's facts of `year` (of `measure` only, if given), oldest
    first (one event's facts by measure), each with whether it counts now; and how many
    there are in all."""
    total = await session.scalar(
        select(func.count()).select_from(_facts_of(department, year, measure).subquery())
    )
    query = (
        _facts_of(department, year, measure)
        .add_columns(in_force().label("in_force"))
        .order_by(facts.c.occurred_at, facts.c.event_time, facts.c.event_id, facts.c.measure)
        .limit(page.limit)
        .offset(page.offset)
    )
    rows = [dict(row._mapping) for row in await session.execute(query)]
    return [{**row, "counted": bool(row.pop("in_force"))} for row in rows], int(total or 0)
