"""Closing an incident, with its summary and follow-ups: the open tasks are cancelled, the
supplies still held released, the pending report upward cancelled, and
`emergency.incident.closed` carries the follow-ups to ledger-svc, which makes ledger items of
them (followups/consumers.py there).

- Closing is allowed from reported (a false alarm still gets its summary) as from active.
  The commander of record is who activated (or was named at activation); an incident
  closed without activation has its closer as commander, as ledger-svc needs an owner for
  the follow-ups.
- A follow-up's deadline may not fall before the day the incident closes (422): ledger-svc
  refuses such a closing as malformed, so it is stopped here, where it can be corrected.
- A drill incident's follow-ups carry the drill mark.

Every refusal happens before anything is written, so a refused request changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from emergency_svc.drills.marking import drill_text
from emergency_svc.events import EmergencyEvent
from emergency_svc.incidents import policy, reports
from emergency_svc.incidents.event_data import publish_incident_event
from emergency_svc.incidents.models import (
    CloseIn,
    FollowUpIn,
    Incident,
    IncidentStatus,
    TimelineKind,
)
from emergency_svc.incidents.service import get_incident
from emergency_svc.incidents.timeline import append_to_timeline
from emergency_svc.supplies.service import release_for_incident
from emergency_svc.tasks.service import cancel_open_tasks
from guanjia_shared.auth import Principal
from guanjia_shared.bureau_time import bureau_date
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, InvalidInput


async def close(
    *, session: AsyncSession, incident_id: str, data: CloseIn, actor: Principal
) -> Incident:
    policy.ensure_may_steer(actor)
    incident = await get_incident(session, incident_id, for_update=True)
    if incident.status == IncidentStatus.closed:
        raise Conflict("the incident is closed already", rule="incident-closed")
    at = now()
    check_follow_up_deadlines(data.follow_ups, bureau_date(at))
    follow_ups = [_follow_up_of(entry, incident.is_drill) for entry in data.follow_ups]
    cancelled = await cancel_open_tasks(session, incident, at=at, actor=actor)
    released = await release_for_incident(session, incident.id, actor_id=actor.id)
    if released:
        append_to_timeline(
            session,
            incident.id,
            TimelineKind.supplies_released,
            at=at,
            actor=actor,
            data={"reservations_released": released},
        )
    await reports.cancel_pending_reports(session, incident, at=at)
    if incident.commander_id is None:
        incident.commander_id = actor.id
        incident.commander_department = actor.department
    incident.status = IncidentStatus.closed.value
    incident.closed_at = at
    incident.closed_by = actor.id
    incident.summary = data.summary
    incident.follow_ups = follow_ups
    append_to_timeline(
        session,
        incident.id,
        TimelineKind.closed,
        at=at,
        actor=actor,
        data={
            "summary": data.summary,
            "follow_ups": follow_ups,
            "tasks_cancelled": [task.id for task in cancelled],
        },
    )
    await publish_incident_event(
        session,
        EmergencyEvent.incident_closed,
        incident,
        closed_at=at.isoformat(),
        closed_by=actor.id,
        summary=data.summary,
        follow_ups=follow_ups,
    )
    await session.commit()
    return incident


def check_follow_up_deadlines(follow_ups: list[FollowUpIn | str], closed_on: dt.date) -> None:
    errors = [
        {
            "detail": f"the deadline {entry.deadline} is before the incident closes ({closed_on})",
            "pointer": f"#/follow_ups/{index}/deadline",
        }
        for index, entry in enumerate(follow_ups)
        if isinstance(entry, FollowUpIn) and entry.deadline and entry.deadline < closed_on
    ]
    if errors:
        raise InvalidInput("; ".join(error["detail"] for error in errors), errors=errors)


def _follow_up_of(entry: FollowUpIn | str, is_drill: bool) -> str | dict[str, Any]:
    """A follow-up as ledger-svc reads it: the title alone, or the title with what was
    given of department, deadline and quality requirement."""
    if isinstance(entry, str):
        return drill_text(entry) if is_drill else entry
    follow_up = entry.model_dump(mode="json", exclude_none=True)
    if is_drill:
        follow_up["title"] = drill_text(follow_up["title"])
    return follow_up
