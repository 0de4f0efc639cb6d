from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from emergency_svc.incidents.policy import Commander
from emergency_svc.incidents.time_limits import TimeLimits
from emergency_svc.tasks import availability, service
from emergency_svc.tasks.availability import UnavailabilityIn, UnavailabilityRead
from emergency_svc.tasks.models import TaskCompleteIn, TaskRead, TaskReassignIn, TaskStatus
from emergency_svc.tasks.policy import TaskReader
from guanjia_shared.auth import CurrentUser, current_user
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery

router = APIRouter(
    prefix="/api/v1/emergency/tasks", tags=["tasks"], dependencies=[Depends(current_user)]
)
availability_router = APIRouter(
    prefix="/api/v1/emergency/availability",
    tags=["availability"],
    dependencies=[Depends(current_user)],
)
# Who may read or act on what: tasks/policy.py (and incidents/policy.py for commanders).


@router.get("", response_model=Page[TaskRead])
async def list_tasks(
    session: SessionDep,
    viewer: TaskReader,
    page: PageQuery,
    incident_id: Annotated[str | None, Query(max_length=36)] = None,
    assignee: Annotated[str | None, Query(max_length=36, description='a user id, or "me"')] = None,
    status: TaskStatus | None = None,
):
    items, total = await service.list_tasks(
        session=session,
        viewer=viewer,
        page=page,
        incident_id=incident_id,
        assignee=viewer.id if assignee == "me" else assignee,
        status=status,
    )
    return {"items": items, "total": total}


@router.get("/{task_id}", response_model=TaskRead)
async def get_task(task_id: str, session: SessionDep, viewer: TaskReader):
    return await service.read_task(session=session, task_id=task_id, viewer=viewer)


@router.post("/{task_id}/acknowledge", response_model=TaskRead)
async def acknowledge(task_id: str, session: SessionDep, actor: CurrentUser):
    """The assignee says the task has reached them (before the acknowledgement deadline,
    or it goes to the role's deputy)."""
    return await service.acknowledge(session=session, task_id=task_id, actor=actor)


@router.post("/{task_id}/complete", response_model=TaskRead)
async def complete(
    task_id: str,
    session: SessionDep,
    actor: CurrentUser,
    data: TaskCompleteIn | None = None,
):
    return await service.complete(
        session=session, task_id=task_id, data=data or TaskCompleteIn(), actor=actor
    )


@router.post("/{task_id}/reassign", response_model=TaskRead)
async def reassign(
    task_id: str,
    data: TaskReassignIn,
    session: SessionDep,
    actor: Commander,
    limits: TimeLimits,
):
    """The commander hands a task to someone (one left unassigned, or whose assignee
    cannot do it)."""
    return await service.reassign(
        session=session, task_id=task_id, data=data, actor=actor, limits=limits
    )


@availability_router.post("", response_model=UnavailabilityRead)
async def mark_unavailable(data: UnavailabilityIn, session: SessionDep, actor: CurrentUser):
    """Mark someone out of reach: their new tasks go to the role's deputy. Commanders, the
    leadership and admins mark anyone; everyone may mark themself."""
    return await availability.mark_unavailable(session=session, data=data, actor=actor)


@availability_router.get("", response_model=Page[UnavailabilityRead])
async def list_unavailable(
    session: SessionDep,
    viewer: TaskReader,
    page: PageQuery,
    user_id: Annotated[str | None, Query(max_length=64)] = None,
):
    """The people out of reach now; `user_id`: that person's mark alone (one's own, say)."""
    items, total = await availability.list_unavailable(
        session=session, viewer=viewer, page=page, user_id=user_id
    )
    return {"items": items, "total": total}


@availability_router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def clear_unavailability(user_id: str, session: SessionDep, actor: CurrentUser):
    await availability.clear_unavailability(session=session, user_id=user_id, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
