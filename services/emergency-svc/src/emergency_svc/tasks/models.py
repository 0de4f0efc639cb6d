"""Tasks (处置任务): the plan's procedure steps, copied into an incident for the people who
hold the step's role, each with a due time and an acknowledgement deadline.

A task goes assigned → acknowledged → completed, or is cancelled when the incident closes.
One created with nobody to do it (the role has neither an available holder nor a deputy)
is `unassigned` until the commander hands it to someone.

`holder` is the holder the plan named for the task ("" when the role has none): with
(incident, level, step) it is the task's key, which is what keeps activation and level
changes to exactly the planned tasks, however often they are asked for. `next_check_at` is
the earliest deadline the timers still have to watch (acknowledgement, due time), null when
none is left.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field as TableField

from emergency_svc.database import EmergencyTable
from emergency_svc.plans.document import Level
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText


class TaskStatus(StrEnum):
    unassigned = "unassigned"
    assigned = "assigned"
    acknowledged = "acknowledged"
    completed = "completed"
    cancelled = "cancelled"


# A task still to be done: the timers watch it, closing the incident cancels it.
OPEN_STATUSES = (TaskStatus.unassigned, TaskStatus.assigned, TaskStatus.acknowledged)


class AssignedBecause(StrEnum):
    """Why a task went to whom it went to (in its timeline line and events)."""

    holder = "holder"  # the role's holder
    deputy_for_unavailable_holder = "deputy_for_unavailable_holder"
    deputy_for_missing_holder = "deputy_for_missing_holder"  # the role has no holder
    nobody_available = "nobody_available"  # neither holder nor deputy to take it


class Task(EmergencyTable, table=True):
    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("incident_id", "level", "step", "holder", name="uq_tasks_planned_slot"),
        Index("ix_tasks_next_check_at", "next_check_at"),
        Index("ix_tasks_assignee_status", "assignee", "status"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    incident_id: str = TableField(
        sa_column=Column(String(36), ForeignKey("incidents.id"), nullable=False)
    )
    level: str = TableField(max_length=4)
    step: int = TableField(sa_column=Column(Integer, nullable=False))
    role: str = TableField(max_length=64)
    role_title: str = TableField(default="", max_length=100)
    holder: str = TableField(default="", max_length=36)
    assignee: str | None = TableField(default=None, max_length=36)
    # Who takes the task over when its assignee does not acknowledge it in time.
    deputy: str | None = TableField(default=None, max_length=36)
    assigned_because: str = TableField(max_length=40)
    action: str = TableField(sa_column=Column(Text, nullable=False))
    within_minutes: int = TableField(sa_column=Column(Integer, nullable=False))
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    due_at: datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    assigned_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    ack_due_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    acknowledged_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    status: str = TableField(default=TaskStatus.assigned.value, max_length=16)
    escalated: bool = TableField(default=False, sa_column=Column(Boolean, nullable=False))
    escalated_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    overdue_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    completed_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    completed_by: str | None = TableField(default=None, max_length=36)
    note: str | None = TableField(default=None, max_length=2000)
    cancelled_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    is_drill: bool = TableField(default=False, sa_column=Column(Boolean, nullable=False))
    next_check_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))


# --- what callers send -------------------------------------------------------------------


class TaskCompleteIn(StrictInput):
    note: MultiLineText | None = Field(default=None, max_length=2000)


class TaskReassignIn(StrictInput):
    assignee: SingleLineText = Field(min_length=1, max_length=36, description="a gateway user id")
    reason: MultiLineText = Field(min_length=1, max_length=1000)


# --- what callers get --------------------------------------------------------------------


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    incident_id: str
    level: Level
    step: int
    role: str
    role_title: str
    holder: str | None = Field(description="the holder the plan named; null when none")
    assignee: str | None
    deputy: str | None
    assigned_because: AssignedBecause
    action: str
    within_minutes: int
    created_at: datetime
    due_at: datetime
    assigned_at: datetime | None
    ack_due_at: datetime | None
    acknowledged_at: datetime | None
    status: TaskStatus
    escalated: bool
    escalated_at: datetime | None
    overdue_at: datetime | None
    completed_at: datetime | None
    completed_by: str | None
    note: str | None
    cancelled_at: datetime | None
    is_drill: bool

    @field_validator("holder", mode="before")
    @classmethod
    def _none_for_no_holder(cls, value: str | None) -> str | None:
        return value or None
