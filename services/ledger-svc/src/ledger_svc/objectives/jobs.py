"""The quality objectives' periodic job: each ended month of an objective's year is
judged once (`ObjectiveJudgement`, unique per objective and month, inserted ON CONFLICT DO
NOTHING; only the insert that made it records the event), so repeated ticks and replicas
ticking together tell it once: ledger.objective.met or ledger.objective.missed, or
nothing when the month counted nothing. A figure arriving after its month was judged
shows in the trend; the verdict told stands.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.bureau_time import bureau_today
from guanjia_shared.clock import now
from guanjia_shared.db import SessionFactory, dialect_insert
from guanjia_shared.ids import new_id
from guanjia_shared.outbox import record_event
from guanjia_shared.periodic import PeriodicJob
from ledger_svc.config import Settings
from ledger_svc.events import LedgerEvent
from ledger_svc.objectives.models import ObjectiveJudgement, QualityObjective
from ledger_svc.objectives.service import objective_facts, tallies_of, trend_of

OBJECTIVE_JOB = "ledger-quality-objectives"


def objective_job(settings: Settings) -> PeriodicJob:
    async def tick(session_factory: SessionFactory) -> int:
        async with session_factory() as session:
            told = await judge_ended_months(session)
            await session.commit()
        return told

    return PeriodicJob(
        name=OBJECTIVE_JOB, interval_seconds=settings.quality_job_interval_seconds, run=tick
    )


async def judge_ended_months(session: AsyncSession) -> int:
    """Judges every objective's ended months not judged yet; answers the events told."""
    today = bureau_today()
    judged = {
        (objective_id, month)
        for objective_id, month in (
            await session.execute(select(ObjectiveJudgement.objective_id, ObjectiveJudgement.month))
        ).all()
    }
    objectives = (
        await session.execute(
            select(QualityObjective)
            .where(QualityObjective.year <= today.year)
            .order_by(QualityObjective.id)
        )
    ).scalars()
    told = 0
    for objective in list(objectives):
        trend = trend_of(objective, await tallies_of(session, objective, today), today)
        for month in trend:
            if not month.ended or (objective.id, month.month) in judged:
                continue
            statement = (
                dialect_insert(session, ObjectiveJudgement)
                .values(
                    id=new_id(),
                    objective_id=objective.id,
                    month=month.month,
                    value=month.value,
                    met=month.met,
                    judged_at=now(),
                )
                .on_conflict_do_nothing(index_elements=["objective_id", "month"])
                .returning(ObjectiveJudgement.id)
            )
            if (await session.execute(statement)).first() is None or month.met is None:
                continue  # judged meanwhile by another tick, or nothing to judge
            await record_event(
                session,
                LedgerEvent.objective_met if month.met else LedgerEvent.objective_missed,
                subject=objective.id,
                data={
                    **objective_facts(objective),
                    "month": month.month,
                    "value": month.value,
                    "counted": month.counted,
                    "met_count": month.met_count,
                },
            )
            told += 1
    return told
