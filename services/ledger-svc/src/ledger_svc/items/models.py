"""Ledger items (大项工作台账): each one responsibility area with its target, breakdown,
deadline, quality requirement and one owner (目标任务 / 项目分解 / 完成时限 / 质量要求 /
责任人). Items nest to any depth; a parent's progress is the weighted roll-up of its
children's. Progress reports and deadline moves are rows of their own, written once: the
ledger is its history.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, field_validator
from sqlalchemy import Column, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field as TableField

from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText
from ledger_svc.database import LedgerTable


class ItemStatus(StrEnum):
    open = "open"
    done = "done"


class Item(LedgerTable, table=True):
    __tablename__ = "items"
    __table_args__ = (
        Index("ix_items_plan_id_parent_id", "plan_id", "parent_id"),
        Index("ix_items_source_ref", "source_ref"),
        Index("ix_items_status_deadline", "status", "deadline"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    plan_id: str = TableField(sa_column=Column(String(36), ForeignKey("plans.id"), nullable=False))
    parent_id: str | None = TableField(
        default=None, sa_column=Column(String(36), ForeignKey("items.id"), nullable=True)
    )
    title: str = TableField(max_length=200)
    target: str = TableField(default="", sa_column=Column(Text, nullable=False))
    breakdown: str = TableField(default="", sa_column=Column(Text, nullable=False))
    quality_requirement: str = TableField(default="", sa_column=Column(Text, nullable=False))
    owner_id: str = TableField(max_length=36, index=True)
    department: str = TableField(max_length=100, index=True)
    weight: float = TableField(default=1.0, sa_column=Column(Float, nullable=False))
    # When the work starts (for "behind": the share of time elapsed) and when it is due;
    # the deadline first set is kept as the baseline.
    starts_on: dt.date = TableField(sa_column=Column(Date, nullable=False))
    deadline: dt.date = TableField(sa_column=Column(Date, nullable=False))
    original_deadline: dt.date = TableField(sa_column=Column(Date, nullable=False))
    source_service: str | None = TableField(default=None, max_length=32)
    source_ref: str | None = TableField(default=None, max_length=64)
    # A leaf's progress is its last report; a parent's is rolled up from its children.
    progress: float = TableField(default=0.0, sa_column=Column(Float, nullable=False))
    status: str = TableField(default=ItemStatus.open.value, max_length=16)
    completed_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    last_reported_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    created_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    created_by: str | None = TableField(default=None, max_length=36)
    version: int = TableField(default=1, sa_column=Column(Integer, nullable=False))


class ProgressReport(LedgerTable, table=True):
    """One report by an item's owner: written once, never changed."""

    __tablename__ = "progress_reports"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    item_id: str = TableField(
        sa_column=Column(String(36), ForeignKey("items.id"), nullable=False, index=True)
    )
    percent: float = TableField(sa_column=Column(Float, nullable=False))
    note: str = TableField(default="", sa_column=Column(Text, nullable=False))
    reported_by: str = TableField(max_length=36)
    reported_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


class DeadlineChange(LedgerTable, table=True):
    """A leader moving an item's deadline, with the reason; written once."""

    __tablename__ = "deadline_changes"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    item_id: str = TableField(
        sa_column=Column(String(36), ForeignKey("items.id"), nullable=False, index=True)
    )
    previous_deadline: dt.date = TableField(sa_column=Column(Date, nullable=False))
    new_deadline: dt.date = TableField(sa_column=Column(Date, nullable=False))
    reason: str = TableField(sa_column=Column(Text, nullable=False))
    changed_by: str = TableField(max_length=36)
    changed_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


# --- what callers send -------------------------------------------------------------------


class SourceIn(StrictInput):
    service: SingleLineText = Field(min_length=1, max_length=32)
    ref: SingleLineText = Field(min_length=1, max_length=64)


MAX_WEIGHT = 1000.0


class ItemCreate(StrictInput):
    parent_id: SingleLineText | None = Field(default=None, min_length=1, max_length=36)
    title: SingleLineText = Field(min_length=1, max_length=200)
    target: MultiLineText = Field(default="", max_length=5000)
    breakdown: MultiLineText = Field(default="", max_length=5000)
    quality_requirement: MultiLineText = Field(default="", max_length=5000)
    owner_id: SingleLineText = Field(min_length=1, max_length=36, description="a gateway user id")
    department: SingleLineText = Field(min_length=1, max_length=100)
    weight: StrictFloat | StrictInt = Field(default=1.0, gt=0, le=MAX_WEIGHT)
    starts_on: IsoDate | None = Field(default=None, description="by default, the day it is made")
    deadline: IsoDate
    source: SourceIn | None = None


class ItemUpdate(StrictInput):
    """What can change without a leader: never the deadline (see `DeadlineMove`)."""

    parent_id: SingleLineText | None = Field(default=None, min_length=1, max_length=36)
    title: SingleLineText | None = Field(default=None, min_length=1, max_length=200)
    target: MultiLineText | None = Field(default=None, max_length=5000)
    breakdown: MultiLineText | None = Field(default=None, max_length=5000)
    quality_requirement: MultiLineText | None = Field(default=None, max_length=5000)
    owner_id: SingleLineText | None = Field(default=None, min_length=1, max_length=36)
    department: SingleLineText | None = Field(default=None, min_length=1, max_length=100)
    weight: StrictFloat | StrictInt | None = Field(default=None, gt=0, le=MAX_WEIGHT)

    @field_validator(
        "title",
        "target",
        "breakdown",
        "quality_requirement",
        "owner_id",
        "department",
        "weight",
        mode="before",
    )
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be left out, but not set to null")
        return value


class ProgressIn(StrictInput):
    percent: StrictFloat | StrictInt = Field(ge=0, le=100)
    note: MultiLineText = Field(min_length=1, max_length=5000)


class DeadlineMove(StrictInput):
    deadline: IsoDate
    reason: MultiLineText = Field(min_length=1, max_length=2000)


# --- what callers get --------------------------------------------------------------------


class SourceRead(BaseModel):
    service: str
    ref: str


class ItemRead(BaseModel):
    id: str
    plan_id: str
    parent_id: str | None
    title: str
    target: str
    breakdown: str
    quality_requirement: str
    owner_id: str
    department: str
    weight: float
    starts_on: dt.date
    deadline: dt.date
    original_deadline: dt.date
    source: SourceRead | None
    progress: float
    status: ItemStatus
    completed_at: dt.datetime | None
    last_reported_at: dt.datetime | None
    created_at: dt.datetime
    has_children: bool


class ProgressReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    item_id: str
    percent: float
    note: str
    reported_by: str
    reported_at: dt.datetime


class DeadlineChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    item_id: str
    previous_deadline: dt.date
    new_deadline: dt.date
    reason: str
    changed_by: str
    changed_at: dt.datetime
