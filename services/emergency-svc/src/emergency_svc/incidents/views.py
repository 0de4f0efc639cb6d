from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Response, status

from emergency_svc.incidents import closing, policy, service
from emergency_svc.incidents.models import (
    ActivateIn,
    CloseIn,
    IncidentCreate,
    IncidentRead,
    IncidentReportRead,
    IncidentStatus,
    LevelChangeIn,
    ReportIn,
    TimelineEntryRead,
    TimelineKind,
)
from emergency_svc.incidents.policy import Commander, IncidentReader, ReportReader
from emergency_svc.incidents.time_limits import TimeLimits
from emergency_svc.plans.document import Level, Mode
from guanjia_shared.auth import CurrentUser, current_user
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery

router = APIRouter(
    prefix="/api/v1/emergency/incidents", tags=["incidents"], dependencies=[Depends(current_user)]
)
# Who may read or steer what, and what each reader is shown: incidents/policy.py.


@router.post("", status_code=status.HTTP_201_CREATED, response_model=IncidentRead)
async def report_incident(
    data: IncidentCreate, session: SessionDep, actor: CurrentUser, response: Response
):
    """Anyone signed in may report an incident; the matching plan is found at once."""
    incident = await service.report_incident(session=session, data=data, actor=actor)
    response.headers["Location"] = f"{router.prefix}/{incident.id}"
    return policy.incident_as_seen_by(actor, incident)


@router.get("", response_model=Page[IncidentRead])
async def list_incidents(
    session: SessionDep,
    viewer: IncidentReader,
    page: PageQuery,
    status: Annotated[
        list[IncidentStatus] | None,
        Query(description="One or more (`?status=reported&status=active`: the open ones)."),
    ] = None,
    type: Annotated[str | None, Query(max_length=64)] = None,
    level: Level | None = None,
    mode: Mode | None = None,
    is_drill: bool | None = None,
):
    items, total = await service.list_incidents(
        session=session,
        viewer=viewer,
        page=page,
        statuses=status,
        type=type,
        level=level,
        mode=mode,
        is_drill=is_drill,
    )
    return {"items": items, "total": total}


@router.get("/{incident_id}", response_model=IncidentRead)
async def get_incident(incident_id: str, session: SessionDep, viewer: IncidentReader):
    return await service.read_incident(session=session, viewer=viewer, incident_id=incident_id)


@router.post("/{incident_id}/activate", response_model=IncidentRead)
async def activate(
    incident_id: str,
    session: SessionDep,
    actor: Commander,
    limits: TimeLimits,
    data: Annotated[ActivateIn | None, Body()] = None,
):
    return await service.activate(
        session=session,
        incident_id=incident_id,
        data=data or ActivateIn(),
        actor=actor,
        limits=limits,
    )


@router.post("/{incident_id}/level", response_model=IncidentRead)
async def change_level(
    incident_id: str, data: LevelChangeIn, session: SessionDep, actor: Commander, limits: TimeLimits
):
    return await service.change_level(
        session=session, incident_id=incident_id, data=data, actor=actor, limits=limits
    )


@router.post("/{incident_id}/close", response_model=IncidentRead)
async def close(incident_id: str, data: CloseIn, session: SessionDep, actor: Commander):
    return await closing.close(session=session, incident_id=incident_id, data=data, actor=actor)


@router.get("/{incident_id}/timeline", response_model=Page[TimelineEntryRead])
async def list_timeline(
    incident_id: str,
    session: SessionDep,
    viewer: IncidentReader,
    page: PageQuery,
    kind: TimelineKind | None = None,
    task_id: Annotated[str | None, Query(max_length=36)] = None,
):
    items, total = await service.list_timeline(
        session=session,
        viewer=viewer,
        incident_id=incident_id,
        page=page,
        kind=kind,
        task_id=task_id,
    )
    return {"items": items, "total": total}


@router.get("/{incident_id}/reports", response_model=list[IncidentReportRead])
async def list_reports(incident_id: str, session: SessionDep, viewer: ReportReader):
    return await service.list_reports(session=session, viewer=viewer, incident_id=incident_id)


@router.post(
    "/{incident_id}/reports", status_code=status.HTTP_201_CREATED, response_model=IncidentReportRead
)
async def submit_report(
    incident_id: str, data: ReportIn, session: SessionDep, actor: Commander, limits: TimeLimits
):
    """Submit the report owed upward (初报, then 续报); the next follow-up falls due."""
    return await service.submit_report(
        session=session, incident_id=incident_id, data=data, actor=actor, limits=limits
    )
