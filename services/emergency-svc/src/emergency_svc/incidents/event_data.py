"""The data of the incident events (their types: emergency_svc/events.py), each written to
the outbox in the transaction of its change (subject: the incident's id).

- `emergency.incident.reported` / `.activated` / `.level_changed` / `.closed`: the incident
  as below; `.level_changed` adds `from_level`, `to_level`, `reason`, `tasks_added`;
  `.closed` follows ledger-svc's contract for follow-ups (followups/consumers.py there):
  `commander_id` always set, `closed_at`, `summary`, `follow_ups` as
  `[str | {title, department?, deadline?, quality_requirement?}]`.
- `emergency.report.overdue`: a report upward not submitted by its deadline, once.

A drill's events carry `is_drill: true`, and their titles the drill mark.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from emergency_svc.events import EmergencyEvent
from emergency_svc.incidents.models import Incident, IncidentReport
from guanjia_shared.outbox import record_event


def _moment(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def incident_facts(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "title": incident.title,
        "type": incident.type,
        "level": incident.level,
        "mode": incident.mode,
        "warning_colour": incident.warning_colour,
        "external_ref": incident.external_ref,
        "status": incident.status,
        "building_id": incident.building_id,
        "location": incident.location,
        "plan_id": incident.plan_id,
        "plan_code": incident.plan_code,
        "plan_version": incident.plan_version,
        "reported_by": incident.reported_by,
        "reported_at": _moment(incident.reported_at),
        "commander_id": incident.commander_id,
        "commander_department": incident.commander_department,
        "activated_at": _moment(incident.activated_at),
        "is_drill": incident.is_drill,
        "drill_id": incident.drill_id,
    }


async def publish_incident_event(
    session: AsyncSession, event_type: EmergencyEvent, incident: Incident, **extra: Any
) -> None:
    await record_event(
        session, event_type, subject=incident.id, data={**incident_facts(incident), **extra}
    )


async def publish_report_overdue(
    session: AsyncSession, incident: Incident, report: IncidentReport
) -> None:
    await record_event(
        session,
        EmergencyEvent.report_overdue,
        subject=incident.id,
        data={
            "incident_id": incident.id,
            "incident_title": incident.title,
            "incident_type": incident.type,
            "level": incident.level,
            "mode": incident.mode,
            "report_id": report.id,
            "number": report.number,
            "kind": report.kind,
            "due_at": _moment(report.due_at),
            "overdue_at": _moment(report.overdue_at),
            "commander_id": incident.commander_id,
            "is_drill": incident.is_drill,
        },
    )
