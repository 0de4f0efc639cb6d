"""Who reads incidents and steers them, and what each reader is shown.

- Anyone signed in reports an incident (and is shown it as they may read it).
- The bureau's own people (`BUREAU_ROLES`, defined once in shared) read every incident,
  its timeline and its reports upward, in full.
- A served unit's staff (`unit_staff`) read the incidents that concern them: those they
  reported, those at a building their unit owns (the replica of asset's buildings says
  whose a building is), and those they hold a task in (mobilised by a plan, they must know
  what they answer). They read them in the unit view (below).
- Nobody else reads any: an integration client is refused (403) unless its client was
  also given a role above — the roles a client is given are its scope.
- An incident out of a reader's sight answers 404, as one that never existed would; lists
  and their totals hold only what is in sight.
- The reports upward (初报 / 续报) are the bureau's account to the city: its people only.
- Commanders and the leadership steer a response: activate it, change its level, report
  upward, close it, hand its tasks on.

The unit view: an incident keeps what tells the unit what is happening where (type,
level, mode, title, building, location, status, plan, times); its description only for
whoever reported it, never the closing summary and follow-ups (they recount casualties and
name people), and the ids of other people (who reported, commands, closed) not at all. A
timeline line the reader made, or about a task of theirs, is shown whole; any other keeps
its kind, its time and the data `SHARED_LINE_DATA` names for its kind — the course of the
response, never who did it or what they wrote. Each answer names what it withheld in
`withheld`, the same whatever the withheld fields hold.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import ColumnElement, or_, select, true

from emergency_svc.buildings.models import ReplicatedBuilding
from emergency_svc.incidents.models import (
    Incident,
    IncidentRead,
    TimelineEntry,
    TimelineEntryRead,
    TimelineKind,
)
from emergency_svc.tasks.models import Task
from guanjia_shared.auth import BUREAU_ROLES, Principal, Role, require_roles
from guanjia_shared.errors import Forbidden

INCIDENT_READERS = frozenset({*BUREAU_ROLES, Role.unit_staff})
REPORT_READERS = BUREAU_ROLES
STEERERS = frozenset({Role.commander, Role.leader})

# The routes' dependencies (the service checks the same).
IncidentReader = Annotated[Principal, Depends(require_roles(*INCIDENT_READERS))]
ReportReader = Annotated[Principal, Depends(require_roles(*REPORT_READERS))]
Commander = Annotated[Principal, Depends(require_roles(*STEERERS))]

# Withheld from the unit view of an incident: the closing account, always; the description,
# unless the reader wrote it; other people's ids.
CLOSING_ACCOUNT = ("summary", "follow_ups")
PEOPLE = ("reported_by", "commander_id", "closed_by")

# What of a timeline line not about the reader a unit sees, by kind; a kind not named here
# shows no data (supplies, reassignments and the closing line among them).
_TASK_STEP = frozenset({"level", "step", "role", "action", "due_at", "assigned_because"})
SHARED_LINE_DATA: dict[TimelineKind, frozenset[str]] = {
    TimelineKind.reported: frozenset(
        {
            "type",
            "level",
            "mode",
            "warning_colour",
            "external_ref",
            "title",
            "building_id",
            "location",
            "is_drill",
            "drill_id",
        }
    ),
    TimelineKind.plan_matched: frozenset(
        {"plan_id", "plan_code", "plan_version", "plan_kind", "plan_title", "when"}
    ),
    TimelineKind.no_plan_matched: frozenset({"type", "when"}),
    TimelineKind.activated: frozenset({"level", "commander_department", "plan_id", "plan_version"}),
    TimelineKind.level_changed: frozenset({"from", "to", "direction"}),
    TimelineKind.task_assigned: _TASK_STEP,
    TimelineKind.task_unassigned: _TASK_STEP,
    TimelineKind.task_acknowledged: frozenset({"late"}),
    TimelineKind.task_ack_missed: frozenset({"ack_due_at", "because"}),
    TimelineKind.task_escalated: frozenset({"ack_due_at"}),
    TimelineKind.task_completed: frozenset({"late"}),
    TimelineKind.task_overdue: frozenset({"due_at"}),
    TimelineKind.task_cancelled: frozenset({"because"}),
    TimelineKind.report_due: frozenset({"number", "kind", "level", "due_at", "because"}),
    TimelineKind.report_overdue: frozenset({"number", "kind", "due_at"}),
    TimelineKind.report_submitted: frozenset({"number", "kind", "due_at", "late"}),
}


def ensure_may_read(viewer: Principal) -> None:
    if not viewer.has_any(*INCIDENT_READERS):
        raise Forbidden("only the bureau's people and the served units' staff read incidents")


def ensure_may_read_reports(viewer: Principal) -> None:
    if not viewer.has_any(*REPORT_READERS):
        raise Forbidden("the reports upward are read by the bureau's own people only")


def ensure_may_steer(actor: Principal) -> None:
    if not actor.has_any(*STEERERS):
        raise Forbidden("only a commander or a leader steers a response")


def reads_in_full(viewer: Principal) -> bool:
    return viewer.has_any(*BUREAU_ROLES)


def own_tasks(viewer: Principal) -> ColumnElement[bool]:
    """The condition on `Task` rows that are the viewer's to do."""
    return Task.assignee == viewer.id


def visible_incidents(viewer: Principal) -> ColumnElement[bool]:
    """The condition on `Incident` rows the viewer may see."""
    if reads_in_full(viewer):
        return true()
    reasons = [
        Incident.reported_by == viewer.id,
        Incident.id.in_(select(Task.incident_id).where(own_tasks(viewer))),
    ]
    if viewer.unit_id:
        units_buildings = select(ReplicatedBuilding.id).where(
            ReplicatedBuilding.owner_unit_id == viewer.unit_id
        )
        reasons.append(Incident.building_id.in_(units_buildings))
    return or_(*reasons)


def incident_as_seen_by(viewer: Principal, incident: Incident) -> IncidentRead:
    shown = IncidentRead.model_validate(incident)
    if reads_in_full(viewer):
        return shown
    withheld: dict[str, Any] = dict.fromkeys(CLOSING_ACCOUNT)
    withheld |= {field: None for field in PEOPLE if getattr(incident, field) != viewer.id}
    if incident.reported_by != viewer.id:
        withheld["description"] = ""
    return shown.model_copy(update={**withheld, "withheld": sorted(withheld)})


def timeline_as_seen_by(
    viewer: Principal, entries: list[TimelineEntry], own_tasks: Collection[str]
) -> list[TimelineEntryRead]:
    """The lines as the viewer may see them; `own_tasks`: the ids of the viewer's tasks
    in the incident."""
    lines = [TimelineEntryRead.model_validate(entry) for entry in entries]
    if reads_in_full(viewer):
        return lines
    return [
        line if line.actor == viewer.id or line.task_id in own_tasks else _shared_part(line)
        for line in lines
    ]


def _shared_part(line: TimelineEntryRead) -> TimelineEntryRead:
    shared = SHARED_LINE_DATA.get(line.kind, frozenset())
    kept = {key: value for key, value in line.data.items() if key in shared}
    withheld = ["actor", "task_id", *(f"data.{key}" for key in line.data if key not in shared)]
    return line.model_copy(
        update={"actor": None, "task_id": None, "data": kept, "withheld": withheld}
    )
