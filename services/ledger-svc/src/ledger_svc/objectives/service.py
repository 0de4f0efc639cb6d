"""The rules of quality objectives: setting one, and computing its value month by month.

**A month's value** (the trend; models.py says what each measure counts): `counted` the
things judged in the bureau month, `met_count` those that met the measure, `value` =
met_count / counted × 100 rounded to 0.1 (null when nothing was counted). The month is
`met` when the value is at least the target (`at_least`) or at most (`at_most`); null
when nothing was counted or the month is still to come. **The year so far** adds up the
months up to today's: the objective is met or not on that value.

A department's objective counts that department's alone; the bureau's, every department's.
A month ends at the bureau's midnight; its verdict is told once, then (jobs.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.bureau_time import bureau_date, bureau_today
from guanjia_shared.clock import now
from guanjia_shared.db import insert_new_rows
from guanjia_shared.errors import NotFound
from guanjia_shared.ids import new_id
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page
from ledger_svc.events import LedgerEvent
from ledger_svc.items.models import Item, ItemStatus
from ledger_svc.nonconformities.models import CorrectiveAction
from ledger_svc.objectives import policy
from ledger_svc.objectives.models import (
    OBSERVED,
    Direction,
    Measure,
    MonthValue,
    ObjectiveCreate,
    ObjectiveDetail,
    ObjectiveObservation,
    ObjectiveRead,
    QualityObjective,
)


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_of_moment(moment: dt.datetime) -> str:
    return month_of(bureau_date(moment))


def months_of(year: int) -> list[str]:
    return [f"{year:04d}-{month:02d}" for month in range(1, 13)]


def _last_day(month: str) -> dt.date:
    year, number = int(month[:4]), int(month[5:])
    first_of_next = dt.date(year + number // 12, number % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def rate(met: int, counted: int) -> float | None:
    return round(met * 100 / counted, 1) if counted else None


def is_met(objective: QualityObjective, value: float | None) -> bool | None:
    if value is None:
        return None
    if Direction(objective.direction) is Direction.at_least:
        return value >= objective.target
    return value <= objective.target


@dataclass(frozen=True)
class Tally:
    counted: int = 0
    met: int = 0


# --- setting ---------------------------------------------------------------------------


def objective_facts(objective: QualityObjective) -> dict:
    return {
        "id": objective.id,
        "title": objective.title,
        "measure": objective.measure,
        "target": objective.target,
        "direction": objective.direction,
        "year": objective.year,
        "department": objective.department,
    }


async def set_objective(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, data: ObjectiveCreate
) -> ObjectiveRead:
    policy.ensure_may_set(actor, quality_office)
    objective = QualityObjective(
        title=data.title,
        measure=data.measure.value,
        target=data.target,
        direction=data.direction.value,
        year=data.year,
        department=data.department,
        created_by=actor.id,
    )
    session.add(objective)
    await session.flush()
    await record_event(
        session,
        LedgerEvent.objective_set,
        subject=objective.id,
        data={**objective_facts(objective), "actor": actor.id},
    )
    await session.commit()
    return (await evaluate(session, [objective]))[0]


# --- computing -------------------------------------------------------------------------


async def observed_tallies(
    session: AsyncSession, measure: Measure, year: int, department: str | None
) -> dict[str, Tally]:
    """The observations of `measure` in `year`, by month."""
    query = (
        select(
            ObjectiveObservation.month,
            func.count(),
            func.sum(case((ObjectiveObservation.met.is_(True), 1), else_=0)),
        )
        .where(ObjectiveObservation.measure == measure.value, ObjectiveObservation.year == year)
        .group_by(ObjectiveObservation.month)
    )
    if department is not None:
        query = query.where(ObjectiveObservation.department == department)
    rows = (await session.execute(query)).all()
    return {month: Tally(int(counted), int(met or 0)) for month, counted, met in rows}


async def item_tallies(
    session: AsyncSession, measure: Measure, year: int, department: str | None, today: dt.date
) -> dict[str, Tally]:
    """The ledger items (leaves) due in `year` up to `today`, by the month of their deadline
    in force: met = done on or before it. `nonconformities_on_time`: the corrective
    actions' items alone."""
    query = select(Item.deadline, Item.status, Item.completed_at).where(
        Item.deadline >= dt.date(year, 1, 1),
        Item.deadline <= min(dt.date(year, 12, 31), today),
    )
    if measure is Measure.nonconformities_on_time:
        query = query.where(Item.id.in_(select(CorrectiveAction.item_id)))
    else:
        children = Item.__table__.alias("children")
        query = query.where(~select(children.c.id).where(children.c.parent_id == Item.id).exists())
    if department is not None:
        query = query.where(Item.department == department)
    tallies: dict[str, list[int]] = {}
    for deadline, status, completed_at in (await session.execute(query)).all():
        tally = tallies.setdefault(month_of(deadline), [0, 0])
        tally[0] += 1
        if (
            status == ItemStatus.done.value
            and completed_at is not None
            and bureau_date(completed_at) <= deadline
        ):
            tally[1] += 1
    return {month: Tally(counted, met) for month, (counted, met) in tallies.items()}


async def tallies_of(
    session: AsyncSession, objective: QualityObjective, today: dt.date
) -> dict[str, Tally]:
    measure = Measure(objective.measure)
    if measure in OBSERVED:
        return await observed_tallies(session, measure, objective.year, objective.department)
    return await item_tallies(session, measure, objective.year, objective.department, today)


def trend_of(
    objective: QualityObjective, tallies: dict[str, Tally], today: dt.date
) -> list[MonthValue]:
    current = month_of(today)
    trend = []
    for month in months_of(objective.year):
        tally = tallies.get(month, Tally())
        value = rate(tally.met, tally.counted)
        trend.append(
            MonthValue(
                month=month,
                counted=tally.counted,
                met_count=tally.met,
                value=value,
                met=is_met(objective, value) if month <= current else None,
                ended=_last_day(month) < today,
            )
        )
    return trend


def _read(objective: QualityObjective, trend: Iterable[MonthValue]) -> dict:
    counted = sum(month.counted for month in trend)
    met_count = sum(month.met_count for month in trend)
    value = rate(met_count, counted)
    measure = Measure(objective.measure)
    return {
        **objective.model_dump(),
        "measure_label": measure.label,
        "source": measure.source,
        "counted": counted,
        "met_count": met_count,
        "value": value,
        "met": is_met(objective, value),
    }


async def evaluate(
    session: AsyncSession, objectives: Iterable[QualityObjective]
) -> list[ObjectiveRead]:
    today = bureau_today()
    answers = []
    for objective in objectives:
        trend = trend_of(objective, await tallies_of(session, objective, today), today)
        answers.append(ObjectiveRead.model_validate(_read(objective, trend)))
    return answers


async def list_objectives(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    year: int | None,
    page: PageParams,
) -> tuple[list[ObjectiveRead], int]:
    """The objectives `actor` may read, of `year` if given; by year, then title."""
    query = select(QualityObjective).where(policy.visible_objectives(actor, quality_office))
    if year is not None:
        query = query.where(QualityObjective.year == year)
    query = query.order_by(
        QualityObjective.year.desc(), QualityObjective.title, QualityObjective.id
    )
    objectives, total = await fetch_page(session, query, page)
    return await evaluate(session, objectives), total


async def get_objective(
    session: AsyncSession, actor: Principal, objective_id: str, quality_office: str | None
) -> QualityObjective:
    objective = await session.get(QualityObjective, objective_id)
    if objective is None or not policy.may_read(actor, objective, quality_office):
        raise NotFound("quality objective not found")
    return objective


async def read_objective(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, objective_id: str
) -> ObjectiveDetail:
    objective = await get_objective(session, actor, objective_id, quality_office)
    today = bureau_today()
    trend = trend_of(objective, await tallies_of(session, objective, today), today)
    return ObjectiveDetail.model_validate({**_read(objective, trend), "trend": trend})


# --- recording observations (the consumer's) -------------------------------------------


async def record_observation(
    session: AsyncSession,
    *,
    event_id: str,
    event_type: str,
    measure: Measure,
    department: str,
    met: bool,
    subject: str,
    occurred_at: dt.datetime,
) -> None:
    """Keep one event's verdict for `measure`, once: a second delivery adds nothing (the
    unique event id and measure, past the consumer's inbox too)."""
    day = bureau_date(occurred_at)
    await insert_new_rows(
        session,
        ObjectiveObservation.__table__,
        [
            {
                "id": new_id(),
                "event_id": event_id,
                "event_type": event_type,
                "measure": measure.value,
                "department": department,
                "month": month_of(day),
                "year": day.year,
                "met": met,
                "subject": subject,
                "occurred_at": occurred_at,
                "recorded_at": now(),
            }
        ],
        unique=["event_id", "measure"],
    )
