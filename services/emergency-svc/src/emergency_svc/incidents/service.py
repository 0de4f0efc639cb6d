"""The rules of incidents: reported by anyone signed in, activated and steered by a
commander or the leadership (who may read and steer what: policy.py), closed with a summary
and follow-ups (closing.py).

- An incident runs under the active special plan for its type, else the master plan.
  Activation makes the tasks of the plan's procedures at the incident's grade, each with
  its due time, and reserves the supplies the plan requires; raising the grade adds the
  tasks of the grades passed. Every step is a line on the append-only timeline.
- The plan is matched when the incident is reported and kept by id and version; if none
  matched then, activation tries again (a plan may have been activated meanwhile). An
  incident with no plan at all can still be activated — the response still needs its
  commander, timeline, reports and close — it just gets no tasks, and the timeline says so.
- Only a reported incident is activated: an active one (409 `incident-active`) or a closed
  one (409 `incident-closed`) is refused.
- The level may change before activation (no tasks yet) and while active; raising adds
  the tasks of every grade passed on the way up not already held, lowering adds none.
- A drill incident (`is_drill`, or `drill_id` given) carries the drill mark on its title,
  its tasks' actions and its follow-ups, and `is_drill: true` on every event.

Every refusal happens before anything is written, so a refused request changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from emergency_svc.buildings.service import ensure_known_building
from emergency_svc.drills.marking import drill_text
from emergency_svc.events import EmergencyEvent
from emergency_svc.incident_types.service import ensure_known_type
from emergency_svc.incidents import policy, reports
from emergency_svc.incidents.event_data import publish_incident_event
from emergency_svc.incidents.models import (
    ActivateIn,
    Incident,
    IncidentCreate,
    IncidentRead,
    IncidentReport,
    IncidentStatus,
    LevelChangeIn,
    ReportIn,
    TimelineEntryRead,
    TimelineKind,
)
from emergency_svc.incidents.time_limits import ResponseTimeLimits
from emergency_svc.incidents.timeline import append_to_timeline, timeline_of
from emergency_svc.plans.document import Level, Mode
from emergency_svc.plans.models import MatchedPlan
from emergency_svc.plans.service import matching_plan, plan_version
from emergency_svc.supplies.models import Reservation
from emergency_svc.supplies.service import (
    reserve_for_incident,
    shortfalls,
)
from emergency_svc.tasks.assignment import levels_passed
from emergency_svc.tasks.models import Task
from emergency_svc.tasks.service import assign_new_tasks, plan_new_tasks
from guanjia_shared.auth import Principal
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound, invalid_field
from guanjia_shared.pagination import PageParams, fetch_page

# --- reading ------------------------------------------------------------------------------


async def list_incidents(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    statuses: Collection[IncidentStatus] | None = None,
    type: str | None = None,
    level: Level | None = None,
    mode: Mode | None = None,
    is_drill: bool | None = None,
) -> tuple[list[IncidentRead], int]:
    policy.ensure_may_read(viewer)
    query = (
        select(Incident)
        .where(policy.visible_incidents(viewer))
        .order_by(Incident.reported_at.desc(), Incident.id)
    )
    if statuses:
        query = query.where(Incident.status.in_([status.value for status in statuses]))
    filters = {
        Incident.type: type,
        Incident.level: level.value if level else None,
        Incident.mode: mode.value if mode else None,
        Incident.is_drill: is_drill,
    }
    for column, value in filters.items():
        if value is not None:
            query = query.where(column == value)
    incidents, total = await fetch_page(session, query, page)
    return [policy.incident_as_seen_by(viewer, incident) for incident in incidents], total


async def read_incident(
    *, session: AsyncSession, viewer: Principal, incident_id: str
) -> IncidentRead:
    incident = await _visible_incident(session, viewer, incident_id)
    return policy.incident_as_seen_by(viewer, incident)


async def _visible_incident(session: AsyncSession, viewer: Principal, incident_id: str) -> Incident:
    """The incident, if the viewer may see it; one out of sight is not found, as if it did
    not exist."""
    policy.ensure_may_read(viewer)
    incident = await session.scalar(
        select(Incident).where(Incident.id == incident_id, policy.visible_incidents(viewer))
    )
    if incident is None:
        raise NotFound(f"no incident {incident_id}")
    return incident


async def get_incident(
    session: AsyncSession, incident_id: str, *, for_update: bool = False
) -> Incident:
    query = select(Incident).where(Incident.id == incident_id)
    if for_update:
        # Changes to one incident take turns (PostgreSQL row lock; SQLite writes are serial).
        # FOR NO KEY UPDATE, not FOR UPDATE: the timers insert timeline lines referencing
        # the incident (a key-share lock) while holding task rows that closing then waits
        # for; a full FOR UPDATE here would let the two wait on each other.
        query = query.with_for_update(key_share=True)
    incident = await session.scalar(query)
    if incident is None:
        raise NotFound(f"no incident {incident_id}")
    return incident


async def list_timeline(
    *,
    session: AsyncSession,
    viewer: Principal,
    incident_id: str,
    page: PageParams,
    kind: TimelineKind | None = None,
    task_id: str | None = None,
) -> tuple[list[TimelineEntryRead], int]:
    await _visible_incident(session, viewer, incident_id)
    entries, total = await timeline_of(session, incident_id, page, kind=kind, task_id=task_id)
    own_tasks: set[str] = set()
    if not policy.reads_in_full(viewer):
        own_tasks = set(
            await session.scalars(
                select(Task.id).where(Task.incident_id == incident_id, policy.own_tasks(viewer))
            )
        )
    return policy.timeline_as_seen_by(viewer, entries, own_tasks), total


async def list_reports(
    *, session: AsyncSession, viewer: Principal, incident_id: str
) -> list[IncidentReport]:
    policy.ensure_may_read_reports(viewer)
    await get_incident(session, incident_id)
    return await reports.reports_of(session, incident_id)


# --- reporting ----------------------------------------------------------------------------


def check_mode(mode: Mode, external_ref: str | None) -> None:
    """Assisting the city means working under its incident: its reference is required."""
    if mode == Mode.assist and not external_ref:
        raise invalid_field(
            "an assist incident carries the city incident's external_ref", "#/external_ref"
        )


async def report_incident(
    *, session: AsyncSession, data: IncidentCreate, actor: Principal
) -> Incident:
    check_mode(data.mode, data.external_ref)
    await ensure_known_type(session, data.type, "#/type")
    at = now()
    is_drill = data.is_drill or data.drill_id is not None
    incident = Incident(
        type=data.type,
        level=data.level.value,
        mode=data.mode.value,
        warning_colour=data.warning_colour.value if data.warning_colour else None,
        external_ref=data.external_ref,
        title=drill_text(data.title) if is_drill else data.title,
        description=data.description,
        building_id=data.building_id,
        location=data.location,
        status=IncidentStatus.reported.value,
        reported_by=actor.id,
        reported_at=at,
        is_drill=is_drill,
        drill_id=data.drill_id,
    )
    matched = await matching_plan(session, data.type)
    _follow_plan(incident, matched)
    session.add(incident)
    await session.flush()
    if data.building_id is not None:
        await ensure_known_building(
            session, data.building_id, referenced_by=f"incident:{incident.id}"
        )
    append_to_timeline(
        session,
        incident.id,
        TimelineKind.reported,
        at=at,
        actor=actor,
        data={
            "type": incident.type,
            "level": incident.level,
            "mode": incident.mode,
            "warning_colour": incident.warning_colour,
            "external_ref": incident.external_ref,
            "title": incident.title,
            "building_id": incident.building_id,
            "location": incident.location,
            "is_drill": incident.is_drill,
            "drill_id": incident.drill_id,
        },
    )
    _timeline_plan(session, incident, matched, at=at, actor=actor, when="reported")
    await publish_incident_event(session, EmergencyEvent.incident_reported, incident)
    await session.commit()
    return incident


def _follow_plan(incident: Incident, matched: MatchedPlan | None) -> None:
    if matched is not None:
        incident.plan_id = matched.plan_id
        incident.plan_code = matched.code
        incident.plan_version = matched.version


def _timeline_plan(
    session: AsyncSession,
    incident: Incident,
    matched: MatchedPlan | None,
    *,
    at: dt.datetime,
    actor: Principal,
    when: str,
) -> None:
    if matched is None:
        append_to_timeline(
            session,
            incident.id,
            TimelineKind.no_plan_matched,
            at=at,
            actor=actor,
            data={"type": incident.type, "when": when},
        )
        return
    append_to_timeline(
        session,
        incident.id,
        TimelineKind.plan_matched,
        at=at,
        actor=actor,
        data={
            "plan_id": matched.plan_id,
            "plan_code": matched.code,
            "plan_version": matched.version,
            "plan_kind": matched.document.kind,
            "plan_title": matched.document.title,
            "when": when,
        },
    )


# --- activation ---------------------------------------------------------------------------


async def activate(
    *,
    session: AsyncSession,
    incident_id: str,
    data: ActivateIn,
    actor: Principal,
    limits: ResponseTimeLimits,
) -> Incident:
    policy.ensure_may_steer(actor)
    incident = await get_incident(session, incident_id, for_update=True)
    if incident.status == IncidentStatus.closed:
        raise Conflict("a closed incident cannot be activated", rule="incident-closed")
    if incident.status == IncidentStatus.active:
        raise Conflict("the incident is active already", rule="incident-active")
    at = now()
    matched = await _plan_at_activation(session, incident, at=at, actor=actor)
    incident.status = IncidentStatus.active.value
    incident.activated_at = at
    incident.commander_id = data.commander_id or actor.id
    incident.commander_department = data.commander_department or (
        actor.department if incident.commander_id == actor.id else None
    )
    tasks = (
        await plan_new_tasks(
            session, incident, matched.document, [Level(incident.level)], at=at, limits=limits
        )
        if matched is not None
        else []
    )
    append_to_timeline(
        session,
        incident.id,
        TimelineKind.activated,
        at=at,
        actor=actor,
        data={
            "level": incident.level,
            "commander_id": incident.commander_id,
            "commander_department": incident.commander_department,
            "plan_id": incident.plan_id,
            "plan_version": incident.plan_version,
            "tasks": [task.id for task in tasks],
        },
    )
    await assign_new_tasks(session, incident, tasks, at=at, actor=actor)
    if matched is not None:
        await _reserve_supplies(session, incident, matched, at=at, actor=actor)
    await reports.open_report(
        session, incident, reports.INITIAL_NUMBER, at=at, actor=actor, limits=limits
    )
    await publish_incident_event(
        session, EmergencyEvent.incident_activated, incident, tasks=len(tasks)
    )
    await session.commit()
    return incident


async def _plan_at_activation(
    session: AsyncSession, incident: Incident, *, at: dt.datetime, actor: Principal
) -> MatchedPlan | None:
    """The plan version matched at report time, or — none having matched then — whatever
    matches now (recorded on the timeline either way)."""
    if incident.plan_id is not None and incident.plan_version is not None:
        return await plan_version(session, incident.plan_id, incident.plan_version)
    matched = await matching_plan(session, incident.type)
    _follow_plan(incident, matched)
    _timeline_plan(session, incident, matched, at=at, actor=actor, when="activated")
    return matched


async def _reserve_supplies(
    session: AsyncSession,
    incident: Incident,
    matched: MatchedPlan,
    *,
    at: dt.datetime,
    actor: Principal,
) -> None:
    requirements = matched.document.safeguards.supplies
    if not requirements:
        return
    reservations = await reserve_for_incident(
        session, incident_id=incident.id, requirements=requirements, is_drill=incident.is_drill
    )
    append_to_timeline(
        session,
        incident.id,
        TimelineKind.supplies_reserved,
        at=at,
        actor=actor,
        data={
            "required": [requirement.model_dump(mode="json") for requirement in requirements],
            "reservations": [_reservation_line(reservation) for reservation in reservations],
            "shortfalls": shortfalls(reservations),
        },
    )


def _reservation_line(reservation: Reservation) -> dict[str, Any]:
    return {
        "id": reservation.id,
        "item_code": reservation.item_code,
        "stock_id": reservation.stock_id,
        "location": reservation.location,
        "quantity": reservation.quantity,
        "status": reservation.status,
    }


# --- level changes ------------------------------------------------------------------------


async def change_level(
    *,
    session: AsyncSession,
    incident_id: str,
    data: LevelChangeIn,
    actor: Principal,
    limits: ResponseTimeLimits,
) -> Incident:
    policy.ensure_may_steer(actor)
    incident = await get_incident(session, incident_id, for_update=True)
    if incident.status == IncidentStatus.closed:
        raise Conflict("a closed incident keeps its level", rule="incident-closed")
    old, new = Level(incident.level), data.level
    if new == old:
        raise Conflict(f"the incident is at level {old} already", rule="level-unchanged")
    at = now()
    incident.level = new.value
    tasks = []
    if incident.status == IncidentStatus.active and incident.plan_id is not None:
        assert incident.plan_version is not None
        matched = await plan_version(session, incident.plan_id, incident.plan_version)
        tasks = await plan_new_tasks(
            session, incident, matched.document, levels_passed(old, new), at=at, limits=limits
        )
    append_to_timeline(
        session,
        incident.id,
        TimelineKind.level_changed,
        at=at,
        actor=actor,
        data={
            "from": old.value,
            "to": new.value,
            "direction": "raised" if levels_passed(old, new) else "lowered",
            "reason": data.reason,
            "tasks_added": [task.id for task in tasks],
        },
    )
    await assign_new_tasks(session, incident, tasks, at=at, actor=actor)
    if incident.status == IncidentStatus.active:
        await reports.bring_deadline_forward(session, incident, at=at, actor=actor, limits=limits)
    await publish_incident_event(
        session,
        EmergencyEvent.incident_level_changed,
        incident,
        from_level=old.value,
        to_level=new.value,
        reason=data.reason,
        tasks_added=len(tasks),
    )
    await session.commit()
    return incident


# --- reports upward -----------------------------------------------------------------------


async def submit_report(
    *,
    session: AsyncSession,
    incident_id: str,
    data: ReportIn,
    actor: Principal,
    limits: ResponseTimeLimits,
) -> IncidentReport:
    policy.ensure_may_steer(actor)
    incident = await get_incident(session, incident_id, for_update=True)
    if incident.status != IncidentStatus.active:
        raise Conflict(
            f"reports are submitted while the response is active, not {incident.status}",
            rule="incident-not-active",
        )
    report = await reports.submit_report(
        session, incident, data, at=now(), actor=actor, limits=limits
    )
    await session.commit()
    return report
