"""Accountability records (奖惩): rewards and penalties of a department or of a person.

A record is written once and never changed or removed; a mistake is answered by another
record, not by an edit. Exemptions (免责, e.g. for force majeure) are rows of their own,
asked for and then decided once by a leader; whether a record still counts (its effective
status) is derived from them, never stored on the record.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, UniqueConstraint, text
from sqlmodel import Field as TableField

from guanjia_shared.bureau_time import AwareIsoDateTime
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText
from ticket_svc.database import TicketTable

# Far above any scorecard's scale: the bound only keeps typos (and 32-bit overflow) out.
MAX_POINTS = 1000


class AccountabilityKind(StrEnum):
    reward = "reward"
    penalty = "penalty"

    @property
    def label(self) -> str:
        return {"reward": "奖励", "penalty": "处罚"}[self.value]


class RecordOrigin(StrEnum):
    rule = "rule"
    manual = "manual"

    @property
    def label(self) -> str:
        return {"rule": "规则认定", "manual": "领导决定"}[self.value]


class BreachRule(StrEnum):
    """The breaches the escalation job records as penalties."""

    sla_response_breached = "sla-response-breached"
    sla_resolve_breached = "sla-resolve-breached"
    coordination_late = "coordination-late"

    @property
    def label(self) -> str:
        return {
            "sla-response-breached": "响应超时",
            "sla-resolve-breached": "办结超时",
            "coordination-late": "协办超时",
        }[self.value]


class RecordStatus(StrEnum):
    """Whether a record counts; derived from its exemptions."""

    active = "active"
    exemption_requested = "exemption_requested"
    exempted = "exempted"

    @property
    def label(self) -> str:
        return {
            "active": "有效",
            "exemption_requested": "免责申请中",
            "exempted": "已免责",
        }[self.value]


class ExemptionGround(StrEnum):
    force_majeure = "force_majeure"
    other = "other"

    @property
    def label(self) -> str:
        return {"force_majeure": "不可抗力", "other": "其他"}[self.value]


class ExemptionDecision(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"

    @property
    def label(self) -> str:
        return {"pending": "待审批", "approved": "已批准", "rejected": "已驳回"}[self.value]


# A pending or approved exemption: a record has at most one (a rejected one makes room for
# the next request). The partial unique index below is what makes that race-proof.
OPEN_EXEMPTION = "decision IN ('pending', 'approved')"


class AccountabilityRecord(TicketTable, table=True):
    __tablename__ = "accountability_records"
    __table_args__ = (
        # A rule records a breach once: (ticket, rule, department) names the breach. Manual
        # records have no rule, and NULLs never collide, so they are not limited by it.
        UniqueConstraint(
            "ticket_id", "rule", "department", name="uq_accountability_records_rule_breach"
        ),
        CheckConstraint("kind IN ('reward', 'penalty')", name="ck_accountability_records_kind"),
        CheckConstraint(
            "points IS NULL OR points > 0", name="ck_accountability_records_points_positive"
        ),
        # Rule-made: a rule, a ticket, nobody's hand. By hand: no rule, and who recorded it.
        CheckConstraint(
            "(origin = 'rule' AND rule IS NOT NULL AND ticket_id IS NOT NULL"
            " AND recorded_by IS NULL)"
            " OR (origin = 'manual' AND rule IS NULL AND recorded_by IS NOT NULL)",
            name="ck_accountability_records_origin",
        ),
        Index("ix_accountability_records_department_year", "department", "year"),
        Index("ix_accountability_records_person_id", "person_id"),
        Index("ix_accountability_records_occurred_at", "occurred_at"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    kind: str = TableField(max_length=16)
    # A record about a person still names their department: scorecards are by department.
    department: str = TableField(max_length=100)
    person_id: str | None = TableField(default=None, max_length=36)
    reason: str = TableField(max_length=2000)
    points: int | None = None
    origin: str = TableField(max_length=16)
    rule: str | None = TableField(default=None, max_length=64)
    ticket_id: str | None = TableField(
        default=None,
        sa_column=Column(
            String(36),
            ForeignKey("tickets.id", name="fk_accountability_records_ticket_id"),
            nullable=True,
        ),
    )
    occurred_at: datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    # The bureau's year the record counts in (the scorecard's year), from occurred_at.
    year: int
    recorded_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    recorded_by: str | None = TableField(default=None, max_length=36)


class AccountabilityExemption(TicketTable, table=True):
    """A request to exempt a record, and the one decision a leader makes on it."""

    __tablename__ = "accountability_exemptions"
    __table_args__ = (
        Index("ix_accountability_exemptions_record_id", "record_id"),
        Index(
            "uq_accountability_exemptions_one_open_per_record",
            "record_id",
            unique=True,
            sqlite_where=text(OPEN_EXEMPTION),
            postgresql_where=text(OPEN_EXEMPTION),
        ),
        CheckConstraint(
            "ground IN ('force_majeure', 'other')", name="ck_accountability_exemptions_ground"
        ),
        CheckConstraint(
            "decision IN ('pending', 'approved', 'rejected')",
            name="ck_accountability_exemptions_decision",
        ),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    record_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("accountability_records.id", name="fk_accountability_exemptions_record_id"),
            nullable=False,
        )
    )
    ground: str = TableField(max_length=32)
    reason: str = TableField(max_length=2000)
    requested_by: str = TableField(max_length=36)
    requested_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    decision: str = TableField(default=ExemptionDecision.pending.value, max_length=16)
    decided_by: str | None = TableField(default=None, max_length=36)
    decided_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    decision_note: str | None = TableField(default=None, max_length=2000)


# --- what callers send -------------------------------------------------------------------


class AccountabilityRecordCreate(StrictInput):
    """A record by hand. `occurred_at` defaults to now and may not lie in the future."""

    kind: AccountabilityKind
    department: SingleLineText = Field(min_length=1, max_length=100)
    person_id: SingleLineText | None = Field(
        default=None, min_length=1, max_length=36, description="the gateway user id"
    )
    reason: MultiLineText = Field(min_length=1, max_length=2000)
    points: StrictInt | None = Field(default=None, gt=0, le=MAX_POINTS)
    ticket_id: SingleLineText | None = Field(default=None, min_length=1, max_length=36)
    occurred_at: AwareIsoDateTime | None = None


class ExemptionRequest(StrictInput):
    ground: ExemptionGround
    reason: MultiLineText = Field(min_length=1, max_length=2000)


class ExemptionApproval(StrictInput):
    note: MultiLineText | None = Field(default=None, min_length=1, max_length=2000)


class ExemptionRejection(StrictInput):
    # A refusal says why, so the department knows what the leadership weighed.
    note: MultiLineText = Field(min_length=1, max_length=2000)


# --- what callers get --------------------------------------------------------------------


class ExemptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    record_id: str
    ground: ExemptionGround
    reason: str
    requested_by: str
    requested_at: datetime
    decision: ExemptionDecision
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


class AccountabilityRecordRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: AccountabilityKind
    department: str
    person_id: str | None
    reason: str
    points: int | None
    origin: RecordOrigin
    rule: str | None
    ticket_id: str | None
    occurred_at: datetime
    year: int
    recorded_at: datetime
    recorded_by: str | None
    status: RecordStatus


class AccountabilityRecordDetail(AccountabilityRecordRead):
    exemptions: list[ExemptionRead] = Field(description="oldest first")
