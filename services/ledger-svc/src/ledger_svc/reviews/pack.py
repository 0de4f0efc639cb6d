"""A management review's inputs (ISO 9001:2015 9.3.2), collected from what ledger-svc holds,
for the review's period (`period_from`–`period_to`, bureau days, both included) as at the
moment of collection:

- `audits`: the internal audits reported in the period (their `reported_at`), `held`, and
  their findings `findings_by_kind` (conformity, nonconformity, observation, improvement)
  and the nonconformity findings `by_severity` (major, minor).
- `nonconformities`: those opened in the period, `opened`, counted `by_stage` as they stand
  and `by_source`; `open_now`: every nonconformity not closed, whenever opened.
- `satisfaction`: the ratings given in the period (`ticket.rating.recorded`, objectives/):
  `counted`, `met` (scored 4 or 5), `percent`.
- `sla_compliance`: the tickets closed in the period with a verdict: `counted`, `met`
  (in time), `percent`.
- `ledger_completion`: the ledger's leaf items due in the period up to the collection's
  day: `counted`, `met` (done by the deadline in force), `percent`.
- `objectives`: the quality objectives of the years the period touches, each with its
  value for the year so far and whether it is met.
- `previous_review`: the review before (null: none), its outputs and their status, and
  how many of each status.

Percentages are rounded to 0.1, null when nothing was counted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import case, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.bureau_time import bureau_date, start_of_bureau_day
from ledger_svc.audits.models import Audit, AuditFinding, FindingKind, Severity
from ledger_svc.items.models import Item, ItemStatus
from ledger_svc.nonconformities.models import Nonconformity, Source, Stage
from ledger_svc.objectives.models import Measure, ObjectiveObservation, QualityObjective
from ledger_svc.objectives.service import evaluate, rate


def _moments(period_from: dt.date, period_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as [first moment, first moment after it)."""
    return start_of_bureau_day(period_from), start_of_bureau_day(period_to + dt.timedelta(days=1))


async def audit_inputs(session: AsyncSession, start: dt.datetime, end: dt.datetime) -> dict:
    held = select(Audit.id).where(Audit.reported_at >= start, Audit.reported_at < end)
    audits = list((await session.execute(held)).scalars())
    findings = (
        await session.execute(
            select(AuditFinding.kind, AuditFinding.severity).where(
                AuditFinding.audit_id.in_(audits)
            )
        )
    ).all()
    by_kind = Counter(kind for kind, _ in findings)
    by_severity = Counter(severity for kind, severity in findings if severity is not None)
    return {
        "held": len(audits),
        "findings_by_kind": {kind.value: by_kind[kind.value] for kind in FindingKind},
        "by_severity": {severity.value: by_severity[severity.value] for severity in Severity},
    }


async def nonconformity_inputs(session: AsyncSession, start: dt.datetime, end: dt.datetime) -> dict:
    opened = (
        await session.execute(
            select(Nonconformity.stage, Nonconformity.source).where(
                Nonconformity.opened_at >= start, Nonconformity.opened_at < end
            )
        )
    ).all()
    by_stage = Counter(stage for stage, _ in opened)
    by_source = Counter(source for _, source in opened)
    open_now = await session.scalar(
        select(func.count()).where(Nonconformity.stage != Stage.closed.value)
    )
    return {
        "opened": len(opened),
        "by_stage": {stage.value: by_stage[stage.value] for stage in Stage},
        "by_source": {source.value: by_source[source.value] for source in Source},
        "open_now": int(open_now or 0),
    }


async def observed_inputs(
    session: AsyncSession, measure: Measure, start: dt.datetime, end: dt.datetime
) -> dict:
    counted, met = (
        await session.execute(
            select(
                func.count(),
                func.sum(case((ObjectiveObservation.met.is_(True), 1), else_=0)),
            ).where(
                ObjectiveObservation.measure == measure.value,
                ObjectiveObservation.occurred_at >= start,
                ObjectiveObservation.occurred_at < end,
            )
        )
    ).one()
    counted, met = int(counted or 0), int(met or 0)
    return {"counted": counted, "met": met, "percent": rate(met, counted)}


async def ledger_inputs(
    session: AsyncSession, period_from: dt.date, period_to: dt.date, today: dt.date
) -> dict:
    children = Item.__table__.alias("children")
    rows = (
        await session.execute(
            select(Item.deadline, Item.status, Item.completed_at).where(
                Item.deadline >= period_from,
                Item.deadline <= min(period_to, today),
                ~select(children.c.id).where(children.c.parent_id == Item.id).exists(),
            )
        )
    ).all()
    met = sum(
        1
        for deadline, status, completed_at in rows
        if status == ItemStatus.done.value
        and completed_at is not None
        and bureau_date(completed_at) <= deadline
    )
    return {"counted": len(rows), "met": met, "percent": rate(met, len(rows))}


async def objective_inputs(
    session: AsyncSession, period_from: dt.date, period_to: dt.date
) -> list[dict]:
    objectives = (
        await session.execute(
            select(QualityObjective)
            .where(
                QualityObjective.year >= period_from.year,
                QualityObjective.year <= period_to.year,
            )
            .order_by(QualityObjective.year, QualityObjective.title, QualityObjective.id)
        )
    ).scalars()
    return [
        objective.model_dump(
            mode="json",
            include={
                "id",
                "title",
                "measure",
                "target",
                "direction",
                "year",
                "department",
                "counted",
                "met_count",
                "value",
                "met",
            },
        )
        for objective in await evaluate(session, list(objectives))
    ]


async def collect_pack(
    session: AsyncSession,
    *,
    period_from: dt.date,
    period_to: dt.date,
    moment: dt.datetime,
    previous_review: dict[str, Any] | None,
) -> dict[str, Any]:
    start, end = _moments(period_from, period_to)
    return {
        "collected_at": moment.isoformat(),
        "period": {"from": period_from.isoformat(), "to": period_to.isoformat()},
        "audits": await audit_inputs(session, start, end),
        "nonconformities": await nonconformity_inputs(session, start, end),
        "satisfaction": await observed_inputs(session, Measure.satisfaction, start, end),
        "sla_compliance": await observed_inputs(session, Measure.sla_compliance, start, end),
        "ledger_completion": await ledger_inputs(
            session, period_from, period_to, bureau_date(moment)
        ),
        "objectives": await objective_inputs(session, period_from, period_to),
        "previous_review": previous_review,
    }
