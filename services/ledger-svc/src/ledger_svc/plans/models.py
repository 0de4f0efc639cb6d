"""Plans: a year's work points (年度工作要点), broken down into ledger items (items/)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy import Column, Index, text
from sqlmodel import Field as TableField

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import SingleLineText
from ledger_svc.database import LedgerTable


class PlanKind(StrEnum):
    work = "work"  # the year's work points
    follow_up = "follow_up"  # what emergencies left to do (one per year, made when needed)
    # The quality system's corrective actions (nonconformities/; one per year, likewise).
    corrective = "corrective"


class Plan(LedgerTable, table=True):
    __tablename__ = "plans"
    __table_args__ = (
        Index(
            "uq_plans_follow_up_year",
            "year",
            unique=True,
            sqlite_where=text("kind = 'follow_up'"),
            postgresql_where=text("kind = 'follow_up'"),
        ),
        Index(
            "uq_plans_corrective_year",
            "year",
            unique=True,
            sqlite_where=text("kind = 'corrective'"),
            postgresql_where=text("kind = 'corrective'"),
        ),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    year: int = TableField(index=True)
    title: str = TableField(max_length=200)
    kind: str = TableField(default=PlanKind.work.value, max_length=16)
    created_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    created_by: str | None = TableField(default=None, max_length=36)


class PlanCreate(StrictInput):
    year: StrictInt = Field(ge=2000, le=2100)
    title: SingleLineText = Field(min_length=1, max_length=200)


class PlanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    year: int
    title: str
    kind: PlanKind
    created_at: dt.datetime
