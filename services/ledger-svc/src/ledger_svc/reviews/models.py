"""Management reviews (管理评审; ISO 9001:2015 9.3).

A review (`ManagementReview`) names its date, chair, participants and the period it looks
back on. At its creation its inputs are collected into its `pack` (pack.py), a snapshot
with the moment it was taken (`pack_collected_at`): the internal audits of the period and
their findings, the nonconformities and their stages, customer satisfaction from the
ratings, SLA compliance, ledger completion, the quality objectives and whether they are met,
and the previous review's outputs and their status (9.3.2). Its lifecycle:

    draft → held → closed

- `draft`: the pack may be collected again (the figures as they stand then).
- `held`: the review took place; its pack is frozen (409 `pack-frozen`).
- `closed`: only when every output is verified (409 `every-output-verified`).

Its outputs (`ReviewOutput`, 9.3.3): decisions, and actions — each action a ledger item of
the year's quality-system plan (质量体系纠正措施, the corrective actions' plan) made
through the items' own rules, as a nonconformity's corrective actions are, so the exception
rules and the leaders' interventions apply to it. An output is verified once the review is
held; an action only once its item is done.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import JSON, CheckConstraint, Column, Date, ForeignKey, Index, String, Text
from sqlmodel import Field as TableField

from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText
from ledger_svc.database import LedgerTable


class ReviewStatus(StrEnum):
    draft = "draft"
    held = "held"
    closed = "closed"

    @property
    def label(self) -> str:
        return {"draft": "筹备中", "held": "已召开", "closed": "已关闭"}[self.value]


class OutputKind(StrEnum):
    decision = "decision"  # 评审决定
    action = "action"  # 措施 (a ledger item)

    @property
    def label(self) -> str:
        return {"decision": "评审决定", "action": "改进措施"}[self.value]


class OutputStatus(StrEnum):
    open = "open"
    done = "done"  # an action whose ledger item is done, awaiting verification
    verified = "verified"


class ManagementReview(LedgerTable, table=True):
    __tablename__ = "management_reviews"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'held', 'closed')", name="ck_management_reviews_status"
        ),
        CheckConstraint("period_from <= period_to", name="ck_management_reviews_period"),
        Index("ix_management_reviews_held_on", "held_on"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    title: str = TableField(max_length=200)
    held_on: dt.date = TableField(sa_column=Column(Date, nullable=False))
    period_from: dt.date = TableField(sa_column=Column(Date, nullable=False))
    period_to: dt.date = TableField(sa_column=Column(Date, nullable=False))
    chair_id: str = TableField(max_length=64)
    participants: list[str] = TableField(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: str = TableField(default=ReviewStatus.draft.value, max_length=16)
    pack: dict[str, Any] = TableField(default_factory=dict, sa_column=Column(JSON, nullable=False))
    pack_collected_at: dt.datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    # The review before it (held or closed when this one was made), whose outputs it follows.
    previous_review_id: str | None = TableField(default=None, max_length=36)
    created_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    created_by: str = TableField(max_length=64)
    held_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    held_by: str | None = TableField(default=None, max_length=64)
    closed_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    closed_by: str | None = TableField(default=None, max_length=64)
    version: int = TableField(default=1)


class ReviewOutput(LedgerTable, table=True):
    __tablename__ = "review_outputs"
    __table_args__ = (
        CheckConstraint("kind IN ('decision', 'action')", name="ck_review_outputs_kind"),
        CheckConstraint(
            "(kind = 'action' AND item_id IS NOT NULL) OR (kind = 'decision' AND item_id IS NULL)",
            name="ck_review_outputs_item",
        ),
        Index("ix_review_outputs_review_id", "review_id"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    review_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("management_reviews.id", name="fk_review_outputs_review_id"),
            nullable=False,
        )
    )
    kind: str = TableField(max_length=16)
    text: str = TableField(sa_column=Column(Text, nullable=False))
    item_id: str | None = TableField(
        default=None,
        sa_column=Column(
            String(36), ForeignKey("items.id", name="fk_review_outputs_item_id"), nullable=True
        ),
    )
    created_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    created_by: str = TableField(max_length=64)
    evidence: str | None = TableField(default=None, sa_column=Column(Text))
    verified_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    verified_by: str | None = TableField(default=None, max_length=64)


# --- what callers send ---------------------------------------------------------------------

PersonId = Annotated[SingleLineText, Field(min_length=1, max_length=64)]
MAX_PARTICIPANTS = 100


class ReviewCreate(StrictInput):
    title: SingleLineText = Field(min_length=1, max_length=200)
    held_on: IsoDate
    period_from: IsoDate
    period_to: IsoDate
    chair_id: PersonId
    participants: list[PersonId] = Field(default_factory=list, max_length=MAX_PARTICIPANTS)

    @model_validator(mode="after")
    def _period(self) -> ReviewCreate:
        if self.period_to < self.period_from:
            raise ValueError("the period ends on or after it starts")
        if len(set(self.participants)) != len(self.participants):
            raise ValueError("each participant is named once")
        return self


class OutputCreate(StrictInput):
    """A decision, or an action with its owner, department and deadline (its ledger item)."""

    kind: OutputKind
    text: MultiLineText = Field(min_length=1, max_length=4000)
    owner_id: PersonId | None = None
    department: SingleLineText | None = Field(default=None, min_length=1, max_length=100)
    deadline: IsoDate | None = None

    @model_validator(mode="after")
    def _action_has_its_item(self) -> OutputCreate:
        fields = (self.owner_id, self.department, self.deadline)
        if self.kind is OutputKind.action and None in fields:
            raise ValueError("an action names its owner_id, department and deadline")
        if self.kind is OutputKind.decision and any(f is not None for f in fields):
            raise ValueError("a decision has no owner, department or deadline")
        return self


class Verification(StrictInput):
    evidence: MultiLineText = Field(min_length=1, max_length=4000)


# --- what the API answers ------------------------------------------------------------------


class OutputRead(BaseModel):
    id: str
    review_id: str
    kind: OutputKind
    text: str
    item_id: str | None
    # An action's ledger item as it stands.
    owner_id: str | None
    department: str | None
    deadline: dt.date | None
    status: OutputStatus
    created_at: dt.datetime
    created_by: str
    evidence: str | None
    verified_at: dt.datetime | None
    verified_by: str | None


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    held_on: dt.date
    period_from: dt.date
    period_to: dt.date
    chair_id: str
    participants: list[str]
    status: ReviewStatus
    pack_collected_at: dt.datetime
    previous_review_id: str | None
    created_at: dt.datetime
    created_by: str
    held_at: dt.datetime | None
    held_by: str | None
    closed_at: dt.datetime | None
    closed_by: str | None
    version: int


class ReviewDetail(ReviewRead):
    pack: dict[str, Any] = Field(description="the inputs collected at pack_collected_at")
    outputs: list[OutputRead]
