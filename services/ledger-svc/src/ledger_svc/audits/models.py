"""Internal audits (内部审核; ISO 9001:2015 9.2).

A yearly programme (`AuditProgramme`, one per year) holds the audits planned in it. An
audit (`Audit`) has a scope — processes of the register, departments, or both — a lead
auditor and auditors (`AuditAuditor`), and its dates within the programme's year. The
departments it audits (`AuditDepartment`) are those of its scope and those owning the
documents in force of the processes in scope: no auditor may be of one of them (9.2.2 c:
auditors are objective and impartial, they do not audit their own work).

    planned → in_progress → reported → closed

Starting generates the checklist (`AuditChecklistLine`): one line per document in force in
scope, as the register had it then (code, title, kind, department, process, revision): a
snapshot, which later revisions and abolitions do not change. Findings (`AuditFinding`) are
recorded against a line or the audit as a whole: conformity, nonconformity (major or minor),
observation, opportunity for improvement, each with its evidence. A line is assessed once a
finding is recorded against it; the report needs every line assessed. A nonconformity
finding leads to a nonconformity (nonconformities/, whose `audit_finding_id` names the
finding); the audit closes only once each has one.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field as TableField

from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText
from ledger_svc.database import LedgerTable
from ledger_svc.quality.models import (
    FIRST_DAY,
    LAST_DAY,
    Code,
    Department,
    DocumentKind,
    PersonId,
    Process,
    Title,
)

MAX_SCOPE = 100
MAX_AUDITORS = 20
MAX_EVIDENCE_CHARS = 5000


class AuditStatus(StrEnum):
    planned = "planned"
    in_progress = "in_progress"
    reported = "reported"
    closed = "closed"

    @property
    def label(self) -> str:
        return {
            "planned": "计划中",
            "in_progress": "实施中",
            "reported": "已报告",
            "closed": "已关闭",
        }[self.value]


class FindingKind(StrEnum):
    conformity = "conformity"
    nonconformity = "nonconformity"
    observation = "observation"
    improvement = "improvement"  # an opportunity for improvement

    @property
    def label(self) -> str:
        return {
            "conformity": "符合",
            "nonconformity": "不符合",
            "observation": "观察项",
            "improvement": "改进机会",
        }[self.value]


class Severity(StrEnum):
    major = "major"
    minor = "minor"

    @property
    def label(self) -> str:
        return {"major": "严重不符合", "minor": "一般不符合"}[self.value]


AUDIT_STATUSES = "'planned', 'in_progress', 'reported', 'closed'"
FINDING_KINDS = "'conformity', 'nonconformity', 'observation', 'improvement'"


def _reference(name: str, table: str, target: str, nullable: bool = False) -> Column:
    return Column(
        String(36), ForeignKey(f"{target}.id", name=f"fk_{table}_{name}"), nullable=nullable
    )


class AuditProgramme(LedgerTable, table=True):
    __tablename__ = "audit_programmes"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    year: int = TableField(unique=True)
    title: str = TableField(max_length=200)
    created_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    created_by: str = TableField(max_length=64)


class Audit(LedgerTable, table=True):
    __tablename__ = "audits"
    __table_args__ = (
        CheckConstraint(f"status IN ({AUDIT_STATUSES})", name="ck_audits_status"),
        CheckConstraint("ends_on >= starts_on", name="ck_audits_dates"),
        Index("ix_audits_programme_id", "programme_id"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    programme_id: str = TableField(
        sa_column=_reference("programme_id", "audits", "audit_programmes")
    )
    title: str = TableField(max_length=200)
    # The scope: processes of the register and departments (either may be empty).
    processes: list[str] = TableField(default_factory=list, sa_column=Column(JSON, nullable=False))
    departments: list[str] = TableField(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    lead_auditor_id: str = TableField(max_length=64)
    starts_on: dt.date = TableField(sa_column=Column(Date, nullable=False))
    ends_on: dt.date = TableField(sa_column=Column(Date, nullable=False))
    status: str = TableField(default=AuditStatus.planned.value, max_length=16)
    line_count: int = 0
    planned_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    planned_by: str = TableField(max_length=64)
    started_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    started_by: str | None = TableField(default=None, max_length=64)
    reported_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    report: str | None = TableField(default=None, sa_column=Column(Text))
    closed_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    closed_by: str | None = TableField(default=None, max_length=64)
    close_note: str | None = TableField(default=None, max_length=2000)
    # Counts the audit's moves: its ETag.
    version: int = TableField(default=1)


class AuditAuditor(LedgerTable, table=True):
    """One of the audit's team, with the department they work in (as the planner named it)."""

    __tablename__ = "audit_auditors"
    __table_args__ = (
        UniqueConstraint("audit_id", "person_id", name="uq_audit_auditors_person"),
        Index("ix_audit_auditors_person_id", "person_id"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    audit_id: str = TableField(sa_column=_reference("audit_id", "audit_auditors", "audits"))
    person_id: str = TableField(max_length=64)
    department: str | None = TableField(default=None, max_length=100)
    lead: bool = TableField(default=False, sa_column=Column(Boolean, nullable=False))


class AuditDepartment(LedgerTable, table=True):
    """A department the audit audits (its scope's, and the owners' of its processes)."""

    __tablename__ = "audit_departments"
    __table_args__ = (
        UniqueConstraint("audit_id", "department", name="uq_audit_departments_department"),
        Index("ix_audit_departments_department", "department"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    audit_id: str = TableField(sa_column=_reference("audit_id", "audit_departments", "audits"))
    department: str = TableField(max_length=100)


class AuditChecklistLine(LedgerTable, table=True):
    """A document in force in scope, as the register had it when the audit started."""

    __tablename__ = "audit_checklist_lines"
    __table_args__ = (
        UniqueConstraint("audit_id", "document_id", name="uq_audit_checklist_lines_document"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    audit_id: str = TableField(sa_column=_reference("audit_id", "audit_checklist_lines", "audits"))
    position: int
    document_id: str = TableField(
        sa_column=_reference("document_id", "audit_checklist_lines", "procedure_documents")
    )
    code: str = TableField(max_length=50)
    title: str = TableField(max_length=200)
    kind: str = TableField(max_length=16)
    department: str = TableField(max_length=100)
    process: str | None = TableField(default=None, max_length=100)
    revision_number: int


class AuditFinding(LedgerTable, table=True):
    __tablename__ = "audit_findings"
    __table_args__ = (
        CheckConstraint(f"kind IN ({FINDING_KINDS})", name="ck_audit_findings_kind"),
        # A nonconformity is major or minor; the other kinds have no severity.
        CheckConstraint(
            "(kind = 'nonconformity' AND severity IN ('major', 'minor')) "
            "OR (kind <> 'nonconformity' AND severity IS NULL)",
            name="ck_audit_findings_severity",
        ),
        Index("ix_audit_findings_audit_id", "audit_id"),
        Index("ix_audit_findings_line_id", "line_id"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    audit_id: str = TableField(sa_column=_reference("audit_id", "audit_findings", "audits"))
    # Null: a finding on the audit as a whole.
    line_id: str | None = TableField(
        default=None,
        sa_column=_reference("line_id", "audit_findings", "audit_checklist_lines", nullable=True),
    )
    kind: str = TableField(max_length=16)
    severity: str | None = TableField(default=None, max_length=8)
    evidence: str = TableField(sa_column=Column(Text, nullable=False))
    # The department and procedure it concerns: its line's, or as recorded.
    department: str | None = TableField(default=None, max_length=100)
    procedure_code: str | None = TableField(default=None, max_length=50)
    recorded_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    recorded_by: str = TableField(max_length=64)


# --- what callers send ---------------------------------------------------------------------

Evidence = Annotated[MultiLineText, Field(min_length=1, max_length=MAX_EVIDENCE_CHARS)]
Report = Annotated[MultiLineText, Field(min_length=1, max_length=20_000)]
Note = Annotated[MultiLineText, Field(min_length=1, max_length=2000)]


def _once_each(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("each named once")
    return values


class ProgrammeCreate(StrictInput):
    year: Annotated[int, Field(ge=FIRST_DAY.year, le=LAST_DAY.year)]
    title: Title


class AuditorIn(StrictInput):
    """A person of the team, and the department they work in (none for a leader without)."""

    person_id: PersonId
    department: Department | None = None


class AuditPlan(StrictInput):
    title: Title
    processes: list[Process] = Field(default_factory=list, max_length=MAX_SCOPE)
    departments: list[Department] = Field(default_factory=list, max_length=MAX_SCOPE)
    lead_auditor: AuditorIn
    auditors: list[AuditorIn] = Field(default_factory=list, max_length=MAX_AUDITORS)
    starts_on: IsoDate
    ends_on: IsoDate

    _each_once = field_validator("processes", "departments")(_once_each)

    @field_validator("ends_on")
    @classmethod
    def _after_start(cls, value: dt.date, info) -> dt.date:
        starts_on = info.data.get("starts_on")
        if starts_on is not None and value < starts_on:
            raise ValueError(f"the audit ends on or after it starts ({starts_on})")
        return value

    @model_validator(mode="after")
    def _scope_and_team(self) -> AuditPlan:
        if not self.processes and not self.departments:
            raise ValueError("the scope names at least one process or department")
        people = [self.lead_auditor.person_id, *(a.person_id for a in self.auditors)]
        if len(set(people)) != len(people):
            raise ValueError("each auditor is named once (the lead auditor among them)")
        return self


class FindingIn(StrictInput):
    """A finding on a checklist line (`line_id`) or the audit as a whole; a nonconformity is
    major or minor, and one on the audit as a whole names its department and procedure."""

    line_id: SingleLineText | None = Field(default=None, min_length=1, max_length=36)
    kind: FindingKind
    severity: Severity | None = None
    evidence: Evidence
    department: Department | None = None
    procedure_code: Code | None = None

    @model_validator(mode="after")
    def _severity(self) -> FindingIn:
        if self.kind is FindingKind.nonconformity and self.severity is None:
            raise ValueError("a nonconformity is major or minor (severity)")
        if self.kind is not FindingKind.nonconformity and self.severity is not None:
            raise ValueError("only a nonconformity has a severity")
        return self


class AuditReportIn(StrictInput):
    report: Report


class AuditCloseIn(StrictInput):
    note: Note | None = None


class NonconformityFromFinding(StrictInput):
    """What the nonconformity says, when not the finding's evidence."""

    description: Evidence | None = None


# --- what callers get ----------------------------------------------------------------------


class ProgrammeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    year: int
    title: str
    created_at: dt.datetime
    created_by: str


class AuditorRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    person_id: str
    department: str | None
    lead: bool


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    programme_id: str
    title: str
    processes: list[str]
    departments: list[str]
    lead_auditor_id: str
    starts_on: dt.date
    ends_on: dt.date
    status: AuditStatus
    line_count: int
    planned_at: dt.datetime
    planned_by: str
    started_at: dt.datetime | None
    started_by: str | None
    reported_at: dt.datetime | None
    report: str | None
    closed_at: dt.datetime | None
    closed_by: str | None
    close_note: str | None
    version: int


class AuditDetail(AuditRead):
    """The audit with its team, the departments it audits and its findings by kind."""

    auditors: list[AuditorRead]
    audited_departments: list[str]
    assessed_lines: int
    findings_by_kind: dict[FindingKind, int]


class ProgrammeDetail(ProgrammeRead):
    """The programme with the audits the caller sees, by start date."""

    audits: list[AuditRead]


class FindingRead(BaseModel):
    """A finding, and the nonconformity opened for it (a nonconformity finding)."""

    id: str
    audit_id: str
    line_id: str | None
    code: str | None
    kind: FindingKind
    severity: Severity | None
    evidence: str
    department: str | None
    procedure_code: str | None
    recorded_at: dt.datetime
    recorded_by: str
    nonconformity_id: str | None


class ChecklistLineRead(BaseModel):
    """A line as the register had it at the start, and the findings recorded against it."""

    id: str
    audit_id: str
    position: int
    document_id: str
    code: str
    title: str
    kind: DocumentKind
    department: str
    process: str | None
    revision_number: int
    assessed: bool
    findings: list[FindingRead]
