"""The rules of trainings (培训).

- A training may name the plan it prepares for (it must exist: 422 `#/plan_id`).
- It is due by `due_by`, the bureau day it is scheduled on when left out; a due day before
  the scheduled day is refused (422 `#/due_by`).
- It is recorded once, with its participants by department (409 `record-once`).
- It is overdue when it is not recorded and its due day has passed (the bureau's days, in
  Asia/Shanghai): on the day after `due_by`. Nothing stores it: `overdue_trainings` and the
  `overdue` field derive it from the date, so no job has to move it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from emergency_svc.drills import policy
from emergency_svc.drills.models import (
    Training,
    TrainingCreate,
    TrainingRead,
    TrainingRecord,
    TrainingStatus,
)
from emergency_svc.drills.service import ensure_plan, held_at_of, participants_of
from guanjia_shared.auth import Principal
from guanjia_shared.bureau_time import bureau_date, bureau_today
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound, invalid_field
from guanjia_shared.pagination import PageParams, fetch_page

SCHEDULED = TrainingStatus.scheduled.value


def training_read(training: Training, today: date | None = None) -> TrainingRead:
    today = today or bureau_today()
    return TrainingRead.model_validate(
        {
            **{
                field: getattr(training, field)
                for field in TrainingRead.model_fields
                if field != "overdue"
            },
            "overdue": training.overdue_on(today),
        }
    )


async def schedule_training(
    *, session: AsyncSession, data: TrainingCreate, actor: Principal
) -> Training:
    policy.ensure_may_write(actor)
    await ensure_plan(session, data.plan_id)
    scheduled_day = bureau_date(data.scheduled_at)
    due_by = data.due_by or scheduled_day
    if due_by < scheduled_day:
        raise invalid_field("a training is due on or after the day it is scheduled", "#/due_by")
    training = Training(
        title=data.title,
        plan_id=data.plan_id,
        scheduled_at=data.scheduled_at,
        due_by=due_by,
        audience_departments=list(dict.fromkeys(data.audience_departments)),
        created_by=actor.id,
    )
    session.add(training)
    await session.commit()
    return training


async def get_training(*, session: AsyncSession, training_id: str) -> Training:
    training = await session.get(Training, training_id)
    if training is None:
        raise NotFound(f"no training {training_id}")
    return training


async def list_trainings(
    *,
    session: AsyncSession,
    page: PageParams,
    plan_id: str | None = None,
    status: TrainingStatus | None = None,
    overdue: bool | None = None,
) -> tuple[list[Training], int]:
    query = select(Training).order_by(Training.scheduled_at.desc(), Training.id)
    if plan_id is not None:
        query = query.where(Training.plan_id == plan_id)
    if status is not None:
        query = query.where(Training.status == status.value)
    if overdue is True:
        query = query.where(Training.status == SCHEDULED, Training.due_by < bureau_today())
    elif overdue is False:
        query = query.where((Training.status != SCHEDULED) | (Training.due_by >= bureau_today()))
    return await fetch_page(session, query, page)


async def overdue_trainings(session: AsyncSession, today: date) -> list[Training]:
    """Trainings not recorded by their due day, as of `today` (a bureau day), the longest
    overdue first."""
    rows = await session.execute(
        select(Training)
        .where(Training.status == SCHEDULED, Training.due_by < today)
        .order_by(Training.due_by, Training.scheduled_at, Training.id)
    )
    return list(rows.scalars())


async def record_training(
    *, session: AsyncSession, training_id: str, data: TrainingRecord, actor: Principal
) -> Training:
    policy.ensure_may_write(actor)
    training = (
        await session.execute(
            select(Training)
            .where(Training.id == training_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if training is None:
        raise NotFound(f"no training {training_id}")
    if training.status != SCHEDULED:
        raise Conflict("the training is recorded already", rule="record-once")
    training.held_at = held_at_of(data.held_at)
    training.participants = participants_of(data.participants)
    training.status = TrainingStatus.recorded.value
    training.recorded_at = now()
    training.recorded_by = actor.id
    await session.commit()
    return training
