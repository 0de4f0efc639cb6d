"""Incidents (突发事件), their reports upward (初报 / 续报) and their timeline.

Three scales are kept apart, each answering its own question: the warning colour (`warning_colour`,
blue → red, given before an event), the event grade (`level`, IV → I) and the mode
(`mode`: `lead` for the bureau's own compounds, `assist` when supporting the city's
headquarters — an assist incident carries the city incident's `external_ref`).

An incident goes reported → active → closed (closing straight from reported is allowed:
a false alarm or an event over before anyone was mobilised still needs its summary). The
plan is matched when the incident is reported and fixed by id and version, so a plan
revised during the response does not change the tasks under people's feet; an incident
reported while no plan matched is matched again when it is activated.

The timeline is append-only: rows are only ever inserted (no route or rule updates or
deletes one), and `seq` orders them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints
from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field as TableField

from emergency_svc.database import EmergencyTable
from emergency_svc.plans.document import Level, Mode, WarningColour
from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText


class IncidentStatus(StrEnum):
    reported = "reported"  # 已报告
    active = "active"  # 已启动响应
    closed = "closed"  # 处置结束


class ReportKind(StrEnum):
    initial = "initial"  # 初报
    follow_up = "follow_up"  # 续报


class TimelineKind(StrEnum):
    """What the timeline records: every report, activation, level change, task change,
    reservation and close, each a kind of its own."""

    reported = "reported"
    plan_matched = "plan_matched"
    no_plan_matched = "no_plan_matched"
    activated = "activated"
    task_assigned = "task_assigned"
    task_unassigned = "task_unassigned"  # created with nobody to do it
    task_acknowledged = "task_acknowledged"
    task_ack_missed = "task_ack_missed"  # not acknowledged in time, no deputy to take it
    task_escalated = "task_escalated"  # not acknowledged in time, gone to the deputy
    task_reassigned = "task_reassigned"  # by the commander's hand
    task_completed = "task_completed"
    task_overdue = "task_overdue"
    task_cancelled = "task_cancelled"
    level_changed = "level_changed"
    supplies_reserved = "supplies_reserved"
    supplies_released = "supplies_released"
    report_due = "report_due"
    report_overdue = "report_overdue"
    report_submitted = "report_submitted"
    closed = "closed"


class Incident(EmergencyTable, table=True):
    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_status_reported_at", "status", "reported_at"),
        Index("ix_incidents_type", "type"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    type: str = TableField(max_length=64)
    level: str = TableField(max_length=4)
    mode: str = TableField(default=Mode.lead.value, max_length=16)
    warning_colour: str | None = TableField(default=None, max_length=16)
    external_ref: str | None = TableField(default=None, max_length=100)
    title: str = TableField(max_length=220)  # 200, and room for the drill mark
    description: str = TableField(default="", sa_column=Column(Text, nullable=False))
    building_id: str | None = TableField(default=None, max_length=64)
    location: str | None = TableField(default=None, max_length=500)
    status: str = TableField(default=IncidentStatus.reported.value, max_length=16)

    # The plan version the response follows (none matched: no tasks).
    plan_id: str | None = TableField(default=None, max_length=36)
    plan_code: str | None = TableField(default=None, max_length=64)
    plan_version: int | None = None

    reported_by: str = TableField(max_length=36)
    reported_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    commander_id: str | None = TableField(default=None, max_length=36)
    commander_department: str | None = TableField(default=None, max_length=100)
    activated_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    closed_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    closed_by: str | None = TableField(default=None, max_length=36)
    summary: str | None = TableField(default=None, sa_column=Column(Text, nullable=True))
    follow_ups: list[Any] | None = TableField(default=None, sa_column=Column(JSON, nullable=True))

    is_drill: bool = TableField(default=False, sa_column=Column(Boolean, nullable=False))
    drill_id: str | None = TableField(default=None, max_length=36)


class IncidentReport(EmergencyTable, table=True):
    """One report owed upward: number 0 is the initial report, 1, 2, … the follow-ups.

    A row is made when the report falls due; `next_check_at` is its deadline while nobody
    has submitted it and its lateness has not yet been told (then null: never again)."""

    __tablename__ = "incident_reports"
    __table_args__ = (Index("ix_incident_reports_next_check_at", "next_check_at"),)

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    incident_id: str = TableField(
        sa_column=Column(String(36), ForeignKey("incidents.id"), nullable=False)
    )
    number: int = TableField(sa_column=Column(Integer, nullable=False))
    kind: str = TableField(max_length=16)
    level: str = TableField(max_length=4)
    # None when the grade sets no deadline for it (it was submitted unasked).
    due_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    submitted_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    submitted_by: str | None = TableField(default=None, max_length=36)
    content: str | None = TableField(default=None, sa_column=Column(Text, nullable=True))
    overdue_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    cancelled_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    next_check_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))


class TimelineEntry(EmergencyTable, table=True):
    """One line of an incident's timeline; inserted once, never changed."""

    __tablename__ = "incident_timeline"
    __table_args__ = (Index("ix_incident_timeline_incident_id_seq", "incident_id", "seq"),)

    seq: int | None = TableField(default=None, sa_column=Column(Integer, primary_key=True))
    incident_id: str = TableField(
        sa_column=Column(String(36), ForeignKey("incidents.id"), nullable=False)
    )
    kind: str = TableField(max_length=32)
    at: datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    actor: str | None = TableField(default=None, max_length=36)  # None: the timers
    task_id: str | None = TableField(default=None, max_length=36)
    data: dict[str, Any] = TableField(default_factory=dict, sa_column=Column(JSON, nullable=False))


# --- what callers send -------------------------------------------------------------------


class IncidentCreate(StrictInput):
    type: SingleLineText = Field(min_length=1, max_length=64, description="an incident-type code")
    level: Level
    title: SingleLineText = Field(min_length=1, max_length=200)
    description: MultiLineText = Field(default="", max_length=10_000)
    building_id: SingleLineText | None = Field(default=None, min_length=1, max_length=64)
    location: SingleLineText | None = Field(default=None, min_length=1, max_length=500)
    mode: Mode = Mode.lead
    external_ref: SingleLineText | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="the city incident's reference; required in assist mode",
    )
    warning_colour: WarningColour | None = None
    is_drill: StrictBool = False
    drill_id: SingleLineText | None = Field(
        default=None, min_length=1, max_length=36, description="the drill this incident runs"
    )


class ActivateIn(StrictInput):
    commander_id: SingleLineText | None = Field(
        default=None, min_length=1, max_length=36, description="by default the caller"
    )
    commander_department: SingleLineText | None = Field(default=None, min_length=1, max_length=100)


class LevelChangeIn(StrictInput):
    level: Level
    reason: MultiLineText = Field(min_length=1, max_length=1000)


# Follow-up texts leave room for the drill mark within what ledger-svc takes (5000).
FOLLOW_UP_LENGTH = 4000


class FollowUpIn(StrictInput):
    title: MultiLineText = Field(min_length=1, max_length=FOLLOW_UP_LENGTH)
    department: SingleLineText | None = Field(default=None, min_length=1, max_length=100)
    deadline: IsoDate | None = None
    quality_requirement: MultiLineText | None = Field(default=None, max_length=5000)


FollowUpTitle = Annotated[
    MultiLineText,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=FOLLOW_UP_LENGTH),
]


class CloseIn(StrictInput):
    summary: MultiLineText = Field(min_length=1, max_length=20_000)
    follow_ups: list[FollowUpIn | FollowUpTitle] = Field(
        default_factory=list,
        max_length=100,
        description="what must be put right; each becomes an item of the ledger",
    )


class ReportIn(StrictInput):
    kind: ReportKind
    content: MultiLineText = Field(min_length=1, max_length=20_000)


# --- what callers get --------------------------------------------------------------------


class IncidentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    type: str
    level: Level
    mode: Mode
    warning_colour: WarningColour | None
    external_ref: str | None
    title: str
    description: str
    building_id: str | None
    location: str | None
    status: IncidentStatus
    plan_id: str | None
    plan_code: str | None
    plan_version: int | None
    reported_by: str | None = Field(description="null when withheld (see `withheld`)")
    reported_at: datetime
    commander_id: str | None
    commander_department: str | None
    activated_at: datetime | None
    closed_at: datetime | None
    closed_by: str | None
    summary: str | None
    follow_ups: list[Any] | None
    is_drill: bool
    drill_id: str | None
    withheld: list[str] = Field(
        default_factory=list,
        description="the fields this reader is not shown (null or empty above): the unit view",
    )


class IncidentReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    incident_id: str
    number: int
    kind: ReportKind
    level: Level
    due_at: datetime | None
    submitted_at: datetime | None
    submitted_by: str | None
    content: str | None
    overdue_at: datetime | None
    cancelled_at: datetime | None


class TimelineEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    incident_id: str
    kind: TimelineKind
    at: datetime
    actor: str | None
    task_id: str | None
    data: dict[str, Any]
    withheld: list[str] = Field(
        default_factory=list,
        description="what this reader is not shown (`data.<key>` for a part of data)",
    )
