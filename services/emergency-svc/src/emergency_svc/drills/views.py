from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Response, status

from emergency_svc.drills import policy, service, trainings
from emergency_svc.drills.models import (
    DrillCreate,
    DrillRead,
    DrillRecord,
    DrillStatus,
    DrillSummary,
    FindingCreate,
    FindingRead,
    InjectIn,
    TrainingCreate,
    TrainingRead,
    TrainingRecord,
    TrainingStatus,
)
from guanjia_shared.auth import Principal, require_roles
from guanjia_shared.bureau_time import bureau_today
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery

# Who reads drills and trainings and who writes them: drills/policy.py (the service checks it).
Writer = Annotated[Principal, Depends(require_roles(*policy.WRITERS))]
InjectList = Annotated[list[InjectIn], Body(max_length=500)]

router = APIRouter(
    prefix="/api/v1/emergency/drills",
    tags=["drills"],
    dependencies=[Depends(require_roles(*policy.READERS))],
)
trainings_router = APIRouter(
    prefix="/api/v1/emergency/trainings",
    tags=["trainings"],
    dependencies=[Depends(require_roles(*policy.READERS))],
)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=DrillRead)
async def schedule_drill(data: DrillCreate, session: SessionDep, actor: Writer, response: Response):
    drill = await service.schedule_drill(session=session, data=data, actor=actor)
    response.headers["Location"] = f"{router.prefix}/{drill.id}"
    return await service.read_drill(session=session, drill_id=drill.id)


@router.get("", response_model=Page[DrillSummary])
async def list_drills(
    session: SessionDep,
    page: PageQuery,
    plan_id: Annotated[str | None, Query(max_length=36)] = None,
    status: DrillStatus | None = None,
):
    items, total = await service.list_drills(
        session=session, page=page, plan_id=plan_id, status=status
    )
    return {"items": items, "total": total}


@router.get("/{drill_id}", response_model=DrillRead)
async def get_drill(drill_id: str, session: SessionDep):
    return await service.read_drill(session=session, drill_id=drill_id)


@router.put("/{drill_id}/injects", response_model=DrillRead)
async def replace_injects(drill_id: str, injects: InjectList, session: SessionDep, actor: Writer):
    return await service.replace_injects(
        session=session, drill_id=drill_id, injects=injects, actor=actor
    )


@router.post(
    "/{drill_id}/findings", status_code=status.HTTP_201_CREATED, response_model=FindingRead
)
async def add_finding(drill_id: str, data: FindingCreate, session: SessionDep, actor: Writer):
    return await service.add_finding(session=session, drill_id=drill_id, data=data, actor=actor)


@router.post("/{drill_id}/record", response_model=DrillRead)
async def record_drill(drill_id: str, data: DrillRecord, session: SessionDep, actor: Writer):
    return await service.record_drill(session=session, drill_id=drill_id, data=data, actor=actor)


@trainings_router.post("", status_code=status.HTTP_201_CREATED, response_model=TrainingRead)
async def schedule_training(
    data: TrainingCreate, session: SessionDep, actor: Writer, response: Response
):
    training = await trainings.schedule_training(session=session, data=data, actor=actor)
    response.headers["Location"] = f"{trainings_router.prefix}/{training.id}"
    return trainings.training_read(training)


@trainings_router.get("", response_model=Page[TrainingRead])
async def list_trainings(
    session: SessionDep,
    page: PageQuery,
    plan_id: Annotated[str | None, Query(max_length=36)] = None,
    status: TrainingStatus | None = None,
    overdue: bool | None = None,
):
    items, total = await trainings.list_trainings(
        session=session, page=page, plan_id=plan_id, status=status, overdue=overdue
    )
    today = bureau_today()
    return {"items": [trainings.training_read(item, today) for item in items], "total": total}


@trainings_router.get("/{training_id}", response_model=TrainingRead)
async def get_training(training_id: str, session: SessionDep):
    training = await trainings.get_training(session=session, training_id=training_id)
    return trainings.training_read(training)


@trainings_router.post("/{training_id}/record", response_model=TrainingRead)
async def record_training(
    training_id: str, data: TrainingRecord, session: SessionDep, actor: Writer
):
    training = await trainings.record_training(
        session=session, training_id=training_id, data=data, actor=actor
    )
    return trainings.training_read(training)
