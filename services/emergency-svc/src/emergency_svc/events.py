"""Every event type emergency-svc publishes, and the other services' events it reads.

Each published event is written to the outbox in the transaction of the change it tells
of, so it goes out exactly when the change commits. A drill's events (an incident run as
a drill, its tasks and reports) carry `is_drill: true`, and their titles the drill mark.
Where each one's data is built: plans/service.py, incidents/event_data.py,
tasks/service.py, drills/service.py.
"""

from __future__ import annotations

from enum import StrEnum


class EmergencyEvent(StrEnum):
    """The events emergency-svc publishes (on its stream, `guanjia.<namespace>.emergency.>`)."""

    # A plan's heading and version (subject: the plan's id), with the actor.
    plan_created = "emergency.plan.created"
    plan_updated = "emergency.plan.updated"  # adds previous_version
    plan_activated = "emergency.plan.activated"
    plan_retired = "emergency.plan.retired"
    # The incident (subject: its id). `.level_changed` adds from_level, to_level, reason,
    # tasks_added; `.closed` carries what ledger-svc turns into follow-up items.
    incident_reported = "emergency.incident.reported"
    incident_activated = "emergency.incident.activated"
    incident_level_changed = "emergency.incident.level_changed"
    incident_closed = "emergency.incident.closed"
    # A report upward not submitted by its deadline, once (subject: the incident's id).
    report_overdue = "emergency.report.overdue"
    # A task (subject: its id): someone has it to do (made for them, escalated to the
    # deputy, or handed over by the commander); done; past its due time, once.
    task_assigned = "emergency.task.assigned"
    task_completed = "emergency.task.completed"
    task_overdue = "emergency.task.overdue"
    # A drill recorded with its participants, score, findings and follow-ups (subject:
    # the drill's id): ledger-svc counts and follows it up.
    drill_recorded = "emergency.drill.recorded"


class ConsumedEvent(StrEnum):
    """asset-svc's events the building replica reads (buildings/consumers.py)."""

    building_created = "asset.building.created"
    building_updated = "asset.building.updated"
