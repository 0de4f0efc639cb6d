"""Quality objectives and the observations their measures are computed from.

An objective (`QualityObjective`) names a measure of a fixed catalogue (`Measure`), a
target in percent and a direction (at least / at most), a year and, optionally, the
department it is held against (none: the bureau as a whole). Its value is computed month
by month (the trend) and for the year so far, never stored (service.py).

Two measures are counted from ticket-svc's events, one `ObjectiveObservation` per event
and measure (consumers.py), each a 0/1 verdict in the bureau month it happened in:

- `sla_compliance` (服务时限达标率): `ticket.ticket.closed` with a verdict (`sla_met` true
  or false); met = 1. A ticket breached on a clock closes with `sla_met` false, so its
  breaches are in the verdict (counting `sla_breached` too would count it twice).
- `satisfaction` (服务满意率): `ticket.rating.recorded`; satisfied = a score of 4 or 5
  of the five (满意、非常满意). Every rating counts, of a ticket or of a department alone.

Two are computed from ledger-svc's own tables when read:

- `ledger_completion` (台账按期完成率): the ledger items (leaves: a parent rolls up its
  children) due in the month, on or before today; met = done on or before the deadline in
  force.
- `nonconformities_on_time` (纠正措施按期完成率): the corrective actions' ledger items
  due in the month, on or before today, judged the same way.

The `ObjectiveJudgement` of a month is written once, when the month has ended (jobs.py):
that is when ledger.objective.met / missed is told.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlmodel import Field as TableField

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import SingleLineText
from ledger_svc.database import LedgerTable


class Measure(StrEnum):
    sla_compliance = "sla_compliance"
    satisfaction = "satisfaction"
    ledger_completion = "ledger_completion"
    nonconformities_on_time = "nonconformities_on_time"

    @property
    def label(self) -> str:
        return {
            "sla_compliance": "服务时限达标率",
            "satisfaction": "服务满意率",
            "ledger_completion": "台账按期完成率",
            "nonconformities_on_time": "纠正措施按期完成率",
        }[self.value]

    @property
    def source(self) -> str:
        """What the measure is computed from."""
        return {
            "sla_compliance": "ticket.ticket.closed",
            "satisfaction": "ticket.rating.recorded",
            "ledger_completion": "ledger items",
            "nonconformities_on_time": "corrective actions' ledger items",
        }[self.value]


# The measures counted from events, one observation per event (the others read ledger-svc's
# own tables).
OBSERVED = frozenset({Measure.sla_compliance, Measure.satisfaction})
MEASURES = tuple(measure.value for measure in Measure)
_MEASURES_SQL = ", ".join(f"'{measure}'" for measure in MEASURES)


class Direction(StrEnum):
    at_least = "at_least"  # the value is to be ≥ the target
    at_most = "at_most"  # ≤ the target (a rate of failures)

    @property
    def label(self) -> str:
        return {"at_least": "不低于", "at_most": "不高于"}[self.value]


class QualityObjective(LedgerTable, table=True):
    __tablename__ = "quality_objectives"
    __table_args__ = (
        CheckConstraint(f"measure IN ({_MEASURES_SQL})", name="ck_quality_objectives_measure"),
        CheckConstraint(
            "direction IN ('at_least', 'at_most')", name="ck_quality_objectives_direction"
        ),
        CheckConstraint("target >= 0 AND target <= 100", name="ck_quality_objectives_target"),
        Index("ix_quality_objectives_year", "year"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    title: str = TableField(max_length=200)
    measure: str = TableField(max_length=32)
    target: float = TableField(sa_column=Column(Float, nullable=False))
    direction: str = TableField(max_length=16)
    year: int
    # Null: the bureau as a whole.
    department: str | None = TableField(default=None, max_length=100)
    created_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    created_by: str = TableField(max_length=64)


class ObjectiveObservation(LedgerTable, table=True):
    """One event's verdict for one measure: kept once (event id and measure are unique)."""

    __tablename__ = "objective_observations"
    __table_args__ = (
        UniqueConstraint("event_id", "measure", name="uq_objective_observations_event"),
        Index("ix_objective_observations_measure_month", "measure", "month"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    event_id: str = TableField(max_length=64)
    event_type: str = TableField(max_length=100)
    measure: str = TableField(max_length=32)
    department: str = TableField(max_length=100)
    # The bureau month of the moment (YYYY-MM) and its year.
    month: str = TableField(max_length=7)
    year: int
    met: bool = TableField(sa_column=Column(Boolean, nullable=False))
    subject: str = TableField(max_length=64)
    occurred_at: dt.datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    recorded_at: dt.datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))


class ObjectiveJudgement(LedgerTable, table=True):
    """An ended month's verdict on an objective, written once (its event with it)."""

    __tablename__ = "objective_judgements"
    __table_args__ = (
        UniqueConstraint("objective_id", "month", name="uq_objective_judgements_month"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    objective_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("quality_objectives.id", name="fk_objective_judgements_objective_id"),
            nullable=False,
        )
    )
    month: str = TableField(max_length=7)
    value: float | None = TableField(default=None, sa_column=Column(Float))
    met: bool | None = TableField(default=None, sa_column=Column(Boolean))
    judged_at: dt.datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))


# --- what callers send ---------------------------------------------------------------------


class ObjectiveCreate(StrictInput):
    title: SingleLineText = Field(min_length=1, max_length=200)
    measure: Measure
    target: Annotated[float, Field(ge=0, le=100, description="percent")]
    direction: Direction = Direction.at_least
    year: Annotated[int, Field(ge=2000, le=2100)]
    department: SingleLineText | None = Field(
        default=None, min_length=1, max_length=100, description="none: the bureau as a whole"
    )


# --- what the API answers ------------------------------------------------------------------


class ObjectiveRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    measure: Measure
    measure_label: str
    source: str = Field(description="what the measure is computed from")
    target: float
    direction: Direction
    year: int
    department: str | None
    created_at: dt.datetime
    created_by: str
    # The year so far: counted / met; value in percent (null: nothing to judge yet).
    counted: int
    met_count: int
    value: float | None
    met: bool | None


class MonthValue(BaseModel):
    month: str = Field(description="YYYY-MM, the bureau's month")
    counted: int
    met_count: int
    value: float | None = Field(description="percent, 0.1; null: nothing counted")
    met: bool | None = Field(description="null: nothing counted, or the month still to come")
    ended: bool


class ObjectiveDetail(ObjectiveRead):
    trend: list[MonthValue]
