"""The rules of tasks: made from the plan at activation and level changes, acknowledged and
completed by their assignee, escalated and told overdue by the timers, cancelled at close.

Events (subject: the task's id), each in the transaction of its change:
- `emergency.task.assigned`: a task has someone to do it — made for them, escalated to the
  deputy (`escalated: true`, `previous_assignee`), or handed over by the commander. The
  notification channels (SMS, government messaging) are adapters consuming this event;
  the service needs none of them to work.
- `emergency.task.completed`, with `completed_at` and `note`.
- `emergency.task.overdue`: past its due time and not completed, once.
A drill's task events carry `is_drill: true`, and its actions and titles the drill mark.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from emergency_svc.drills.marking import drill_text
from emergency_svc.events import EmergencyEvent
from emergency_svc.incidents import policy as incident_policy
from emergency_svc.incidents.models import Incident, TimelineKind
from emergency_svc.incidents.time_limits import ResponseTimeLimits
from emergency_svc.incidents.timeline import append_to_timeline
from emergency_svc.plans.document import Level, PlanDocument
from emergency_svc.tasks import policy
from emergency_svc.tasks.assignment import PlannedTask, people_of, plan_tasks
from emergency_svc.tasks.availability import unavailable_among
from emergency_svc.tasks.models import (
    OPEN_STATUSES,
    Task,
    TaskCompleteIn,
    TaskReassignIn,
    TaskStatus,
)
from guanjia_shared.auth import Principal
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page

OPEN = [status.value for status in OPEN_STATUSES]


# --- reading ------------------------------------------------------------------------------


async def list_tasks(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    incident_id: str | None = None,
    assignee: str | None = None,
    status: TaskStatus | None = None,
) -> tuple[list[Task], int]:
    policy.ensure_may_read(viewer)
    query = (
        select(Task)
        .where(policy.visible_tasks(viewer))
        .order_by(Task.due_at, Task.level, Task.step, Task.id)
    )
    if incident_id is not None:
        query = query.where(Task.incident_id == incident_id)
    if assignee is not None:
        query = query.where(Task.assignee == assignee)
    if status is not None:
        query = query.where(Task.status == status.value)
    return await fetch_page(session, query, page)


async def read_task(*, session: AsyncSession, task_id: str, viewer: Principal) -> Task:
    policy.ensure_may_read(viewer)
    return await get_task(session, task_id, viewer=viewer)


async def get_task(
    session: AsyncSession, task_id: str, *, viewer: Principal, for_update: bool = False
) -> Task:
    """The task, if the viewer may see it; one out of sight is not found."""
    query = select(Task).where(Task.id == task_id, policy.visible_tasks(viewer))
    if for_update:
        # Changes to one task take turns (PostgreSQL row lock; SQLite writes are serial).
        query = query.with_for_update()
    task = await session.scalar(query)
    if task is None:
        raise NotFound(f"no task {task_id}")
    return task


def next_task_check(task: Task) -> dt.datetime | None:
    """The earliest deadline of `task` the timers have still to act on, if any."""
    if task.status not in OPEN:
        return None
    deadlines = []
    if task.status == TaskStatus.assigned and task.ack_due_at is not None:
        deadlines.append(task.ack_due_at)
    if task.overdue_at is None:
        deadlines.append(task.due_at)
    return min(deadlines, default=None)


# --- made from the plan -------------------------------------------------------------------


async def plan_new_tasks(
    session: AsyncSession,
    incident: Incident,
    document: PlanDocument,
    levels: list[Level],
    *,
    at: dt.datetime,
    limits: ResponseTimeLimits,
) -> list[Task]:
    """The tasks the plan asks at `levels` that the incident does not hold yet, placed with
    whoever is unavailable at `at`; not yet added (see `assign_new_tasks`)."""
    held = await session.execute(
        select(Task.level, Task.step).where(Task.incident_id == incident.id)
    )
    planned = plan_tasks(
        document,
        levels,
        already={(level, step) for level, step in held.all()},
        unavailable=await unavailable_among(session, people_of(document), at),
    )
    return [_task_of(incident, entry, at, limits) for entry in planned]


def _task_of(incident: Incident, planned: PlannedTask, at: dt.datetime, limits: ResponseTimeLimits):
    placement = planned.placement
    assigned = placement.assignee is not None
    task = Task(
        incident_id=incident.id,
        level=planned.level.value,
        step=planned.step,
        role=planned.role,
        role_title=planned.role_title,
        holder=placement.holder,
        assignee=placement.assignee,
        deputy=placement.deputy,
        assigned_because=placement.because.value,
        action=drill_text(planned.action) if incident.is_drill else planned.action,
        within_minutes=planned.within_minutes,
        created_at=at,
        due_at=at + dt.timedelta(minutes=planned.within_minutes),
        assigned_at=at if assigned else None,
        ack_due_at=at + limits.ack_window if assigned else None,
        status=(TaskStatus.assigned if assigned else TaskStatus.unassigned).value,
        is_drill=incident.is_drill,
    )
    task.next_check_at = next_task_check(task)
    return task


async def assign_new_tasks(
    session: AsyncSession,
    incident: Incident,
    tasks: list[Task],
    *,
    at: dt.datetime,
    actor: Principal,
) -> None:
    """Add the tasks, each with its timeline line; those with an assignee are announced
    (`emergency.task.assigned`), those without are marked on the timeline as such."""
    session.add_all(tasks)
    await session.flush()
    for task in tasks:
        kind = TimelineKind.task_assigned if task.assignee else TimelineKind.task_unassigned
        append_to_timeline(
            session, incident.id, kind, at=at, actor=actor, task_id=task.id, data=_line(task)
        )
        if task.assignee:
            await publish_task_event(session, EmergencyEvent.task_assigned, task, incident)


def _line(task: Task, **extra: Any) -> dict[str, Any]:
    return {
        "level": task.level,
        "step": task.step,
        "role": task.role,
        "holder": task.holder or None,
        "assignee": task.assignee,
        "assigned_because": task.assigned_because,
        "action": task.action,
        "due_at": task.due_at.isoformat(),
        **extra,
    }


# --- the assignee's and the commander's hands ---------------------------------------------


async def acknowledge(*, session: AsyncSession, task_id: str, actor: Principal) -> Task:
    task = await _assignees(session, task_id, actor, "acknowledge")
    if task.status != TaskStatus.assigned:
        raise _wrong_state(task, "acknowledge")
    at = now()
    task.status = TaskStatus.acknowledged.value
    task.acknowledged_at = at
    task.next_check_at = next_task_check(task)
    append_to_timeline(
        session,
        task.incident_id,
        TimelineKind.task_acknowledged,
        at=at,
        actor=actor,
        task_id=task.id,
        data={
            "assignee": task.assignee,
            "late": task.ack_due_at is not None and at > task.ack_due_at,
        },
    )
    await session.commit()
    return task


async def complete(
    *, session: AsyncSession, task_id: str, data: TaskCompleteIn, actor: Principal
) -> Task:
    task = await _assignees(session, task_id, actor, "complete")
    if task.status not in (TaskStatus.assigned, TaskStatus.acknowledged):
        raise _wrong_state(task, "complete")
    at = now()
    # Doing the task says it reached its assignee, acknowledged or not.
    task.acknowledged_at = task.acknowledged_at or at
    task.status = TaskStatus.completed.value
    task.completed_at = at
    task.completed_by = actor.id
    task.note = data.note
    task.next_check_at = None
    append_to_timeline(
        session,
        task.incident_id,
        TimelineKind.task_completed,
        at=at,
        actor=actor,
        task_id=task.id,
        data={"assignee": task.assignee, "note": data.note, "late": at > task.due_at},
    )
    incident = await session.get(Incident, task.incident_id)
    await publish_task_event(
        session,
        EmergencyEvent.task_completed,
        task,
        incident,
        completed_at=at.isoformat(),
        note=data.note,
    )
    await session.commit()
    return task


async def reassign(
    *,
    session: AsyncSession,
    task_id: str,
    data: TaskReassignIn,
    actor: Principal,
    limits: ResponseTimeLimits,
) -> Task:
    """The commander hands a task to someone: an unassigned one, or one whose assignee
    cannot do it. The new assignee has the full acknowledgement window."""
    incident_policy.ensure_may_steer(actor)
    task = await get_task(session, task_id, viewer=actor, for_update=True)
    if task.status not in OPEN:
        raise _wrong_state(task, "reassign")
    if task.assignee == data.assignee:
        raise Conflict(f"the task is assigned to {data.assignee} already", rule="no-change")
    at = now()
    previous = task.assignee
    task.assignee = data.assignee
    if task.deputy == data.assignee:
        task.deputy = None
    task.status = TaskStatus.assigned.value
    task.assigned_at = at
    task.acknowledged_at = None
    task.ack_due_at = at + limits.ack_window
    task.next_check_at = next_task_check(task)
    append_to_timeline(
        session,
        task.incident_id,
        TimelineKind.task_reassigned,
        at=at,
        actor=actor,
        task_id=task.id,
        data={"from": previous, "to": data.assignee, "reason": data.reason},
    )
    incident = await session.get(Incident, task.incident_id)
    await publish_task_event(
        session,
        EmergencyEvent.task_assigned,
        task,
        incident,
        previous_assignee=previous,
        reassigned=True,
    )
    await session.commit()
    return task


async def cancel_open_tasks(
    session: AsyncSession, incident: Incident, *, at: dt.datetime, actor: Principal
) -> list[Task]:
    """Closing the incident ends the tasks still open; each gets its timeline line."""
    query = (
        select(Task)
        .where(Task.incident_id == incident.id, Task.status.in_(OPEN))
        .order_by(Task.level, Task.step, Task.id)
        .with_for_update()
    )
    tasks = list((await session.execute(query)).scalars().all())
    for task in tasks:
        task.status = TaskStatus.cancelled.value
        task.cancelled_at = at
        task.next_check_at = None
        append_to_timeline(
            session,
            incident.id,
            TimelineKind.task_cancelled,
            at=at,
            actor=actor,
            task_id=task.id,
            data={"assignee": task.assignee, "because": "incident_closed"},
        )
    return tasks


async def _assignees(session: AsyncSession, task_id: str, actor: Principal, what: str) -> Task:
    task = await get_task(session, task_id, viewer=actor, for_update=True)
    policy.ensure_assignee(actor, task, what)
    return task


def _wrong_state(task: Task, what: str) -> Conflict:
    return Conflict(f"cannot {what} a task that is {task.status}", rule="task-state")


# --- the timers' steps --------------------------------------------------------------------


async def escalate_missed_acknowledgement(
    session: AsyncSession, task: Task, at: dt.datetime, limits: ResponseTimeLimits
) -> bool:
    """An assigned task not acknowledged by its deadline goes to the role's deputy, once,
    with a timeline line saying so; the deputy gets a fresh acknowledgement window. With
    no deputy to go to (none, the assignee is the deputy, already escalated, or the deputy
    is out of reach) the timeline says that instead.

    The update is a compare-and-set on the deadline that was missed: a second tick that
    got hold of the same task finds it changed and writes nothing."""
    missed_at, previous = task.ack_due_at, task.assignee
    if missed_at is None:
        return False
    deputy = task.deputy
    reachable = (
        deputy is not None
        and deputy != previous
        and not task.escalated
        and not await unavailable_among(session, [deputy], at)
    )
    changes: dict[str, Any] = (
        {
            "assignee": deputy,
            "deputy": None,
            "escalated": True,
            "escalated_at": at,
            "assigned_at": at,
            "ack_due_at": at + limits.ack_window,
        }
        if reachable
        else {"ack_due_at": None}
    )
    changed = await session.execute(
        update(Task)
        .where(
            Task.id == task.id,
            Task.status == TaskStatus.assigned.value,
            Task.acknowledged_at.is_(None),
            Task.ack_due_at == missed_at,
            Task.ack_due_at <= at,
        )
        .values(**changes)
    )
    await session.refresh(task)
    if changed.rowcount != 1:
        return False
    incident = await session.get(Incident, task.incident_id)
    assert incident is not None
    if reachable:
        append_to_timeline(
            session,
            incident.id,
            TimelineKind.task_escalated,
            at=at,
            actor=None,
            task_id=task.id,
            data={"from": previous, "to": deputy, "ack_due_at": missed_at.isoformat()},
        )
        await publish_task_event(
            session, EmergencyEvent.task_assigned, task, incident, previous_assignee=previous
        )
    else:
        append_to_timeline(
            session,
            incident.id,
            TimelineKind.task_ack_missed,
            at=at,
            actor=None,
            task_id=task.id,
            data={
                "assignee": previous,
                "ack_due_at": missed_at.isoformat(),
                "because": _why_not_escalated(task, deputy, previous),
            },
        )
    return True


def _why_not_escalated(task: Task, deputy: str | None, previous: str | None) -> str:
    if task.escalated:
        return "escalated_already"
    if deputy is None or deputy == previous:
        return "no_deputy"
    return "deputy_unavailable"


async def tell_task_overdue(session: AsyncSession, task: Task, at: dt.datetime) -> bool:
    """A task past its due time and not completed: its timeline line and
    `emergency.task.overdue`, once (a compare-and-set on `overdue_at`)."""
    changed = await session.execute(
        update(Task)
        .where(
            Task.id == task.id,
            Task.status.in_(OPEN),
            Task.overdue_at.is_(None),
            Task.due_at <= at,
        )
        .values(overdue_at=at)
    )
    await session.refresh(task)
    if changed.rowcount != 1:
        return False
    incident = await session.get(Incident, task.incident_id)
    assert incident is not None
    append_to_timeline(
        session,
        incident.id,
        TimelineKind.task_overdue,
        at=at,
        actor=None,
        task_id=task.id,
        data={"assignee": task.assignee, "due_at": task.due_at.isoformat()},
    )
    await publish_task_event(
        session, EmergencyEvent.task_overdue, task, incident, overdue_at=at.isoformat()
    )
    return True


# --- events -------------------------------------------------------------------------------


async def publish_task_event(
    session: AsyncSession,
    event_type: EmergencyEvent,
    task: Task,
    incident: Incident | None,
    **extra: Any,
) -> None:
    data = {
        "id": task.id,
        "incident_id": task.incident_id,
        "incident_title": incident.title if incident else None,
        "incident_type": incident.type if incident else None,
        "incident_level": incident.level if incident else None,
        "level": task.level,
        "step": task.step,
        "role": task.role,
        "role_title": task.role_title,
        "holder": task.holder or None,
        "assignee": task.assignee,
        "deputy": task.deputy,
        "assigned_because": task.assigned_because,
        "action": task.action,
        "due_at": task.due_at.isoformat(),
        "ack_due_at": task.ack_due_at.isoformat() if task.ack_due_at else None,
        "status": task.status,
        "escalated": task.escalated,
        "is_drill": task.is_drill,
        **extra,
    }
    await record_event(session, event_type, subject=task.id, data=data)
