"""Exceptions (例外) as raised: one row per exception from the day it was found until the
day it went, so its events go out once each way and its history stays. At most one open
row per item and reason (a partial unique index on both SQLite and PostgreSQL): that index,
not a lock, is what makes "raised once" hold when two evaluations race.

`ExceptionSweep` remembers the bureau day each plan was last swept, so the periodic sweep
looks at a plan once a day — the rules judge whole days, so nothing changes in between
that an item change does not re-evaluate on the spot.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, text
from sqlmodel import Field as TableField

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from ledger_svc.database import LedgerTable
from ledger_svc.exceptions.rules import Reason
from ledger_svc.interventions.models import InterventionRead

OPEN_EXCEPTION = "cleared_at IS NULL"


class ClearedBecause(StrEnum):
    done = "done"  # the item was finished
    superseded = "superseded"  # behind, once the deadline passed: it is overdue now
    no_longer_holds = "no_longer_holds"  # a report, a new deadline, new parts…

    @property
    def label(self) -> str:
        return {"done": "已完成", "superseded": "转为逾期", "no_longer_holds": "已消除"}[self.value]


class ItemException(LedgerTable, table=True):
    __tablename__ = "item_exceptions"
    __table_args__ = (
        Index(
            "uq_item_exceptions_one_open_per_reason",
            "item_id",
            "reason",
            unique=True,
            sqlite_where=text(OPEN_EXCEPTION),
            postgresql_where=text(OPEN_EXCEPTION),
        ),
        Index("ix_item_exceptions_item_id_raised_at", "item_id", "raised_at"),
        CheckConstraint(
            "reason IN ('overdue', 'behind', 'stalled')", name="ck_item_exceptions_reason"
        ),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    item_id: str = TableField(
        sa_column=Column(
            String(36), ForeignKey("items.id", name="fk_item_exceptions_item_id"), nullable=False
        )
    )
    reason: str = TableField(max_length=16)
    # The bureau day the exception began (see rules.py); kept while it stays open.
    since: dt.date = TableField(sa_column=Column(Date, nullable=False))
    raised_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    cleared_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    cleared_because: str | None = TableField(default=None, max_length=32)


class ExceptionSweep(LedgerTable, table=True):
    __tablename__ = "exception_sweeps"

    plan_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("plans.id", name="fk_exception_sweeps_plan_id"),
            primary_key=True,
        )
    )
    swept_on: dt.date = TableField(sa_column=Column(Date, nullable=False))
    swept_at: dt.datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))


# --- what callers get --------------------------------------------------------------------


class ExceptionItem(BaseModel):
    id: str
    plan_id: str
    title: str
    department: str
    owner_id: str
    deadline: dt.date
    progress: float
    status: str


class ExceptionRead(BaseModel):
    """One open exception in the leadership's view."""

    id: str
    item: ExceptionItem
    reason: Reason
    reason_label: str
    since: dt.date
    raised_at: dt.datetime
    detail: dict[str, Any]
    open_interventions: list[InterventionRead]


class ExceptionRecordRead(BaseModel):
    """One exception in an item's history, open or past."""

    id: str
    item_id: str
    reason: Reason
    since: dt.date
    raised_at: dt.datetime
    cleared_at: dt.datetime | None
    cleared_because: ClearedBecause | None
    is_open: bool
