"""Nonconformities and their corrective actions (CAPA; ISO 9001:2015 10.2).

A nonconformity (`Nonconformity`, 不符合项) is a failure against a procedure of the register
(quality/), found by an internal audit (a finding: `audit_finding_id`, for the audits to
come), from a complaint, or opened automatically from ticket-svc's events (consumers.py).
It goes through its stages in order, each with its gate (service.py):

    containment → root_cause → corrective_actions → effectiveness_check → closed
                                      ↑ (not effective: further action) ↓

- `containment` (遏制): what was done at once to control it and deal with its consequences.
- `root_cause` (原因分析): why it happened, and whether similar cases exist or could occur
  elsewhere (10.2.1 b).
- `corrective_actions` (纠正措施): the actions, each with its owner and deadline; each is a
  ledger item (`CorrectiveAction.item_id`), so the exception rules and the leaders'
  interventions apply to it unchanged.
- `effectiveness_check` (有效性验证): once every action is done, the check waits a set time
  (`check_due_on`) and then records its verdict with the evidence; not effective sends it
  back for further action (10.2.1 d-f).
- `closed`: only with an effective verdict and its evidence.

Every move is a `NonconformityMove` row, written once: the nonconformity is its history.

An automatic nonconformity names the trigger (`breaches`, `rating`), the department and the
commitment; while it is open it holds `open_key`, unique, so however often and by however
many consumers the events arrive, one is open for a department's commitment and trigger.
The events that led to it are its `NonconformitySignal`s.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator
from sqlalchemy import JSON, Boolean, CheckConstraint, Column, Date, ForeignKey, Index, String, Text
from sqlmodel import Field as TableField

from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText
from ledger_svc.database import LedgerTable


class Source(StrEnum):
    audit = "audit"
    complaint = "complaint"
    automatic = "automatic"

    @property
    def label(self) -> str:
        return {"audit": "内审发现", "complaint": "投诉", "automatic": "服务数据自动发现"}[
            self.value
        ]


class Stage(StrEnum):
    containment = "containment"
    root_cause = "root_cause"
    corrective_actions = "corrective_actions"
    effectiveness_check = "effectiveness_check"
    closed = "closed"

    @property
    def label(self) -> str:
        return {
            "containment": "遏制措施",
            "root_cause": "原因分析",
            "corrective_actions": "纠正措施",
            "effectiveness_check": "有效性验证",
            "closed": "已关闭",
        }[self.value]


class Trigger(StrEnum):
    """What opened an automatic nonconformity."""

    breaches = "breaches"  # the same commitment breached N times in a period
    rating = "rating"  # the commitment's public rating below the threshold

    @property
    def label(self) -> str:
        return {"breaches": "承诺时限多次超时", "rating": "服务评价低于阈值"}[self.value]


class SignalKind(StrEnum):
    breach = "breach"  # ticket.ticket.sla_breached
    rating = "rating"  # ticket.rating.recorded


class MoveKind(StrEnum):
    opened = "opened"
    contained = "contained"
    analysed = "analysed"
    action_added = "action_added"
    check_started = "check_started"
    verdict_recorded = "verdict_recorded"
    closed = "closed"


STAGES = tuple(stage.value for stage in Stage)
_STAGES_SQL = ", ".join(f"'{stage}'" for stage in STAGES)


class Nonconformity(LedgerTable, table=True):
    __tablename__ = "nonconformities"
    __table_args__ = (
        CheckConstraint(
            "source IN ('audit', 'complaint', 'automatic')", name="ck_nonconformities_source"
        ),
        CheckConstraint(f"stage IN ({_STAGES_SQL})", name="ck_nonconformities_stage"),
        CheckConstraint(
            "trigger IS NULL OR trigger IN ('breaches', 'rating')",
            name="ck_nonconformities_trigger",
        ),
        Index("ix_nonconformities_department_stage", "department", "stage"),
        Index("ix_nonconformities_procedure_code", "procedure_code"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    source: str = TableField(max_length=16)
    # An internal audit's finding (the audits are to come: a reference, no foreign key yet).
    audit_finding_id: str | None = TableField(default=None, max_length=36)
    # A complaint's reference (a ticket's id, a letter's number…).
    complaint_ref: str | None = TableField(default=None, max_length=64)
    procedure_code: str = TableField(max_length=50)
    # The register's document of that code when it had one at the opening.
    procedure_id: str | None = TableField(default=None, max_length=36)
    department: str = TableField(max_length=100)
    description: str = TableField(sa_column=Column(Text, nullable=False))
    stage: str = TableField(default=Stage.containment.value, max_length=24)
    # Automatic ones: what opened it, for which commitment; `open_key` while open.
    trigger: str | None = TableField(default=None, max_length=16)
    commitment_id: str | None = TableField(default=None, max_length=36)
    commitment_code: str | None = TableField(default=None, max_length=64)
    open_key: str | None = TableField(
        default=None, sa_column=Column(String(250), unique=True, nullable=True)
    )
    opened_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    opened_by: str | None = TableField(default=None, max_length=64)  # None: automatic
    containment: str | None = TableField(default=None, sa_column=Column(Text))
    root_cause: str | None = TableField(default=None, sa_column=Column(Text))
    similar_elsewhere: bool | None = TableField(default=None, sa_column=Column(Boolean))
    similar_cases: str | None = TableField(default=None, sa_column=Column(Text))
    check_due_on: dt.date | None = TableField(default=None, sa_column=Column(Date))
    # The verdict of the current check (cleared when a check found the actions wanting:
    # that verdict stays in the moves).
    effective: bool | None = TableField(default=None, sa_column=Column(Boolean))
    evidence: str | None = TableField(default=None, sa_column=Column(Text))
    verified_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    verified_by: str | None = TableField(default=None, max_length=64)
    closed_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    closed_by: str | None = TableField(default=None, max_length=64)
    # Counts every move: its ETag.
    version: int = TableField(default=1)


class CorrectiveAction(LedgerTable, table=True):
    """One corrective action: the ledger item that carries it, and what it was decided as."""

    __tablename__ = "corrective_actions"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    nonconformity_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("nonconformities.id", name="fk_corrective_actions_nonconformity_id"),
            nullable=False,
            index=True,
        )
    )
    item_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("items.id", name="fk_corrective_actions_item_id"),
            nullable=False,
            unique=True,
        )
    )
    created_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    created_by: str = TableField(max_length=64)


class NonconformityMove(LedgerTable, table=True):
    """One step of a nonconformity, written once: who, when, and what was recorded."""

    __tablename__ = "nonconformity_moves"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    nonconformity_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("nonconformities.id", name="fk_nonconformity_moves_nonconformity_id"),
            nullable=False,
            index=True,
        )
    )
    kind: str = TableField(max_length=24)
    from_stage: str | None = TableField(default=None, max_length=24)
    to_stage: str = TableField(max_length=24)
    at: dt.datetime = TableField(default_factory=now, sa_column=Column(UtcDateTime, nullable=False))
    actor: str | None = TableField(default=None, max_length=64)
    detail: dict[str, Any] = TableField(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )


class NonconformitySignal(LedgerTable, table=True):
    """One of ticket-svc's events the automatic rules counted (a breach, a rating), and the
    nonconformity it led to, or was added to while that was open."""

    __tablename__ = "nonconformity_signals"
    __table_args__ = (
        Index(
            "ix_nonconformity_signals_window",
            "kind",
            "department",
            "commitment_id",
            "occurred_at",
        ),
    )

    event_id: str = TableField(primary_key=True, max_length=64)
    event_type: str = TableField(max_length=64)
    kind: str = TableField(max_length=16)
    department: str = TableField(max_length=100)
    commitment_id: str = TableField(max_length=36)
    commitment_code: str | None = TableField(default=None, max_length=64)
    procedure_code: str | None = TableField(default=None, max_length=50)
    ticket_id: str | None = TableField(default=None, max_length=64)
    score: int | None = None
    occurred_at: dt.datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    received_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    nonconformity_id: str | None = TableField(
        default=None,
        sa_column=Column(
            String(36),
            ForeignKey("nonconformities.id", name="fk_nonconformity_signals_nonconformity_id"),
            nullable=True,
            index=True,
        ),
    )
    # True: among the events that opened it; False: came while it was open.
    opening: bool | None = TableField(default=None, sa_column=Column(Boolean))


# --- what callers send -------------------------------------------------------------------

ProcedureCode = Annotated[SingleLineText, Field(min_length=1, max_length=50)]
Department = Annotated[SingleLineText, Field(min_length=1, max_length=100)]
PersonId = Annotated[SingleLineText, Field(min_length=1, max_length=36)]
Text_ = Annotated[MultiLineText, Field(min_length=1, max_length=5000)]


class NonconformityOpen(StrictInput):
    """A nonconformity opened by hand: from an audit's finding, or a complaint. The
    automatic ones are the consumer's alone."""

    source: Source
    audit_finding_id: SingleLineText | None = Field(default=None, min_length=1, max_length=36)
    complaint_ref: SingleLineText | None = Field(default=None, min_length=1, max_length=64)
    procedure_code: ProcedureCode
    department: Department
    description: Text_

    @model_validator(mode="after")
    def _by_hand(self) -> NonconformityOpen:
        if self.source is Source.automatic:
            raise ValueError("automatic nonconformities are opened from ticket-svc's events")
        if self.audit_finding_id is not None and self.source is not Source.audit:
            raise ValueError("audit_finding_id is for a nonconformity found by an audit")
        if self.complaint_ref is not None and self.source is not Source.complaint:
            raise ValueError("complaint_ref is for a nonconformity from a complaint")
        return self


class Containment(StrictInput):
    containment: Text_


class RootCause(StrictInput):
    root_cause: Text_
    similar_elsewhere: StrictBool
    # Where, when they do (or could) exist: required then.
    similar_cases: Text_ | None = None

    @model_validator(mode="after")
    def _cases_named(self) -> RootCause:
        if self.similar_elsewhere and self.similar_cases is None:
            raise ValueError("say where similar cases exist (similar_cases)")
        return self


class ActionCreate(StrictInput):
    """A corrective action, made a ledger item of the year's corrective-action plan."""

    title: SingleLineText = Field(min_length=1, max_length=200)
    target: MultiLineText = Field(default="", max_length=5000)
    quality_requirement: MultiLineText = Field(default="", max_length=5000)
    owner_id: PersonId
    # By default the nonconformity's department.
    department: Department | None = None
    deadline: IsoDate


class Verdict(StrictInput):
    effective: StrictBool
    evidence: Text_


class Closing(StrictInput):
    note: MultiLineText | None = Field(default=None, min_length=1, max_length=2000)


# --- what callers get ----------------------------------------------------------------------


class NonconformityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    source: Source
    audit_finding_id: str | None
    complaint_ref: str | None
    procedure_code: str
    procedure_id: str | None
    department: str
    description: str
    stage: Stage
    trigger: Trigger | None
    commitment_id: str | None
    commitment_code: str | None
    opened_at: dt.datetime
    opened_by: str | None
    containment: str | None
    root_cause: str | None
    similar_elsewhere: bool | None
    similar_cases: str | None
    check_due_on: dt.date | None
    effective: bool | None
    evidence: str | None
    verified_at: dt.datetime | None
    verified_by: str | None
    closed_at: dt.datetime | None
    closed_by: str | None
    version: int


class ActionRead(BaseModel):
    """A corrective action with its ledger item as it stands."""

    id: str
    nonconformity_id: str
    item_id: str
    plan_id: str
    title: str
    owner_id: str
    department: str
    deadline: dt.date
    progress: float
    status: str
    completed_at: dt.datetime | None
    created_at: dt.datetime
    created_by: str


class MoveRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: MoveKind
    from_stage: Stage | None
    to_stage: Stage
    at: dt.datetime
    actor: str | None
    detail: dict[str, Any]


class SignalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    event_id: str
    event_type: str
    kind: SignalKind
    department: str
    commitment_id: str
    commitment_code: str | None
    procedure_code: str | None
    ticket_id: str | None
    score: int | None
    occurred_at: dt.datetime
    opening: bool | None


class NonconformityDetail(NonconformityRead):
    """The nonconformity with its actions, its history and the events that led to it."""

    actions: list[ActionRead]
    moves: list[MoveRead]
    signals: list[SignalRead]
