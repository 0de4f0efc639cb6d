"""Drills (演练) and trainings (培训) of the emergency plans.

A drill exercises one plan: it is scheduled with its scenario and an inject list (timed,
scripted messages handed to the players at minute N of the exercise), evaluators add their
findings while it runs, and it is recorded once — who took part, by department, the
findings and a score. Each finding becomes a follow-up (整改), like an incident's, titled
with the drill mark 【演练】 so nobody mistakes it for the real thing. Recording publishes
`emergency.drill.recorded` (the departments that took part, for the ledger's scorecards).

A training is scheduled for some departments, due by a day (the day it is scheduled, unless
said), and recorded once with its participants; one not recorded by its due day is overdue.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictInt,
    StringConstraints,
)
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlmodel import Field as TableField

from emergency_svc.database import EmergencyTable
from guanjia_shared.bureau_time import AwareIsoDateTime, IsoDate
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText

Text = Annotated[
    MultiLineText, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
]
Department = Annotated[
    SingleLineText, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]
# A score out of 100 with up to two decimals, kept exact and answered as a number.
Score = Annotated[
    Decimal,
    Field(ge=0, le=100, max_digits=5, decimal_places=2, strict=False),
    PlainSerializer(float, return_type=float, when_used="json"),
]
INJECT_MINUTES_MAX = 7 * 24 * 60


class DrillStatus(StrEnum):
    scheduled = "scheduled"
    recorded = "recorded"

    @property
    def label(self) -> str:
        return {"scheduled": "已计划", "recorded": "已实施"}[self.value]


class TrainingStatus(StrEnum):
    scheduled = "scheduled"
    recorded = "recorded"

    @property
    def label(self) -> str:
        return {"scheduled": "已计划", "recorded": "已实施"}[self.value]


class FindingSeverity(StrEnum):
    minor = "minor"
    major = "major"
    critical = "critical"

    @property
    def label(self) -> str:
        return {"minor": "一般", "major": "较重", "critical": "严重"}[self.value]


class FindingSource(StrEnum):
    evaluator = "evaluator"  # added while the drill ran (POST findings)
    record = "record"  # listed when the drill was recorded


# --- tables ---------------------------------------------------------------------------


class Drill(EmergencyTable, table=True):
    __tablename__ = "drills"
    __table_args__ = (
        CheckConstraint("score >= 0 AND score <= 100", name="ck_drills_score"),
        Index("ix_drills_plan_id_held_at", "plan_id", "held_at"),
        Index("ix_drills_scheduled_at", "scheduled_at"),
    )

    id: str = TableField(default_factory=new_id, sa_column=Column(String(36), primary_key=True))
    # The plan exercised. Checked when scheduled; plans are retired, never deleted.
    plan_id: str = TableField(sa_column=Column(String(36), nullable=False))
    scenario: str = TableField(sa_column=Column(String(2000), nullable=False))
    scheduled_at: datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    status: str = TableField(
        default=DrillStatus.scheduled.value, sa_column=Column(String(16), nullable=False)
    )
    # [{at_minute, message}], the messages already marked 【演练】, in the order of the script.
    injects: list[dict[str, Any]] = TableField(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # [{department, people}] once recorded.
    participants: list[dict[str, Any]] | None = TableField(
        default=None, sa_column=Column(JSON, nullable=True)
    )
    score: Decimal | None = TableField(default=None, sa_column=Column(Numeric(5, 2)))
    held_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    year: int | None = TableField(default=None, sa_column=Column(Integer, nullable=True))
    recorded_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    recorded_by: str | None = TableField(default=None, sa_column=Column(String(64)))
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    created_by: str = TableField(sa_column=Column(String(64), nullable=False))
    version: int = TableField(default=1, sa_column=Column(Integer, nullable=False))


class DrillFinding(EmergencyTable, table=True):
    """One finding of a drill, in the order given. Written once."""

    __tablename__ = "drill_findings"
    __table_args__ = (
        UniqueConstraint("drill_id", "position", name="uq_drill_findings_drill_id_position"),
    )

    id: str = TableField(default_factory=new_id, sa_column=Column(String(36), primary_key=True))
    drill_id: str = TableField(
        sa_column=Column(
            String(36), ForeignKey("drills.id", name="fk_drill_findings_drill_id"), nullable=False
        )
    )
    position: int = TableField(sa_column=Column(Integer, nullable=False))
    finding: str = TableField(sa_column=Column(String(2000), nullable=False))
    evaluator: str | None = TableField(default=None, sa_column=Column(String(100)))
    severity: str | None = TableField(default=None, sa_column=Column(String(16)))
    # The department the follow-up goes to, when the evaluator names one.
    department: str | None = TableField(default=None, sa_column=Column(String(100)))
    source: str = TableField(sa_column=Column(String(16), nullable=False))
    recorded_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    recorded_by: str = TableField(sa_column=Column(String(64), nullable=False))


class Training(EmergencyTable, table=True):
    __tablename__ = "trainings"
    __table_args__ = (
        Index("ix_trainings_status_due_by", "status", "due_by"),
        Index("ix_trainings_plan_id", "plan_id"),
    )

    id: str = TableField(default_factory=new_id, sa_column=Column(String(36), primary_key=True))
    title: str = TableField(sa_column=Column(String(200), nullable=False))
    plan_id: str | None = TableField(default=None, sa_column=Column(String(36), nullable=True))
    scheduled_at: datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    due_by: date = TableField(sa_column=Column(Date, nullable=False))
    audience_departments: list[str] = TableField(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: str = TableField(
        default=TrainingStatus.scheduled.value, sa_column=Column(String(16), nullable=False)
    )
    participants: list[dict[str, Any]] | None = TableField(
        default=None, sa_column=Column(JSON, nullable=True)
    )
    held_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    recorded_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    recorded_by: str | None = TableField(default=None, sa_column=Column(String(64)))
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    created_by: str = TableField(sa_column=Column(String(64), nullable=False))

    def overdue_on(self, today: date) -> bool:
        return self.status == TrainingStatus.scheduled and self.due_by < today


# --- API shapes -----------------------------------------------------------------------


class InjectIn(StrictInput):
    at_minute: StrictInt = Field(ge=0, le=INJECT_MINUTES_MAX, description="minutes into the drill")
    message: Text


class InjectRead(BaseModel):
    at_minute: int
    message: str = Field(description="marked 【演练】")
    due_at: datetime = Field(description="when it is handed out: scheduled_at + at_minute")


class ParticipantIn(StrictInput):
    department: Department
    people: StrictInt = Field(ge=0, le=100_000)


class ParticipantRead(BaseModel):
    department: str
    people: int


class DrillCreate(StrictInput):
    plan_id: SingleLineText = Field(min_length=1, max_length=36)
    scheduled_at: AwareIsoDateTime
    scenario: Text
    injects: list[InjectIn] = Field(default_factory=list, max_length=500)


class FindingCreate(StrictInput):
    finding: Text
    evaluator: SingleLineText | None = Field(default=None, min_length=1, max_length=100)
    severity: FindingSeverity | None = None
    department: Department | None = Field(
        default=None, description="the department its follow-up goes to"
    )


class FindingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    position: int
    finding: str
    evaluator: str | None
    severity: FindingSeverity | None
    department: str | None
    source: FindingSource
    recorded_at: datetime
    recorded_by: str


class DrillRecord(StrictInput):
    participants: list[ParticipantIn] = Field(min_length=1, max_length=500)
    findings: list[FindingCreate | Text] = Field(
        default_factory=list,
        max_length=500,
        description="each a text, or a finding with its evaluator, severity and department",
    )
    score: Score | None = None
    held_at: AwareIsoDateTime | None = Field(
        default=None, description="when the drill was held; now when left out"
    )


class FollowUpRead(BaseModel):
    title: str
    department: str | None = None


class DrillRead(BaseModel):
    id: str
    plan_id: str
    title: str = Field(description="the scenario, marked 【演练】")
    scenario: str
    scheduled_at: datetime
    status: DrillStatus
    injects: list[InjectRead]
    findings: list[FindingRead]
    follow_ups: list[FollowUpRead]
    participants: list[ParticipantRead] | None
    score: Score | None
    held_at: datetime | None
    year: int | None
    recorded_at: datetime | None
    recorded_by: str | None
    created_at: datetime
    created_by: str
    version: int


class DrillSummary(BaseModel):
    """A drill in a list: without its injects and findings."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    plan_id: str
    scenario: str
    scheduled_at: datetime
    status: DrillStatus
    score: Score | None
    held_at: datetime | None
    year: int | None


class TrainingCreate(StrictInput):
    title: SingleLineText = Field(min_length=1, max_length=200)
    plan_id: SingleLineText | None = Field(default=None, min_length=1, max_length=36)
    scheduled_at: AwareIsoDateTime
    due_by: IsoDate | None = Field(
        default=None, description="the day it must be held by; the scheduled day when left out"
    )
    audience_departments: list[Department] = Field(default_factory=list, max_length=500)


class TrainingRecord(StrictInput):
    participants: list[ParticipantIn] = Field(min_length=1, max_length=500)
    held_at: AwareIsoDateTime | None = None


class TrainingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    plan_id: str | None
    scheduled_at: datetime
    due_by: date
    audience_departments: list[str]
    status: TrainingStatus
    overdue: bool
    participants: list[ParticipantRead] | None
    held_at: datetime | None
    recorded_at: datetime | None
    recorded_by: str | None
    created_at: datetime
    created_by: str
