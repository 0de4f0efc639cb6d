"""Interventions (干预): a leader's instruction on an item, which its owner acknowledges and
answers and a leader then closes. "局里只是根据例外原则对重大问题加以过问或干预" — this is the
干预. The instruction, the answer and who did what when are kept on the one row.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, computed_field
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field as TableField

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText
from ledger_svc.database import LedgerTable


class InterventionStatus(StrEnum):
    issued = "issued"
    acknowledged = "acknowledged"
    answered = "answered"
    closed = "closed"

    @property
    def label(self) -> str:
        return {
            "issued": "已下达",
            "acknowledged": "已知悉",
            "answered": "已答复",
            "closed": "已办结",
        }[self.value]

    @property
    def is_open(self) -> bool:
        """Open until a leader closes it: an answer still waits for a leader to read it."""
        return self is not InterventionStatus.closed


OPEN_STATUSES = tuple(status.value for status in InterventionStatus if status.is_open)


class Intervention(LedgerTable, table=True):
    __tablename__ = "interventions"
    __table_args__ = (
        Index("ix_interventions_item_id_issued_at", "item_id", "issued_at"),
        Index("ix_interventions_status", "status"),
        CheckConstraint(
            "status IN ('issued', 'acknowledged', 'answered', 'closed')",
            name="ck_interventions_status",
        ),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    item_id: str = TableField(
        sa_column=Column(
            String(36), ForeignKey("items.id", name="fk_interventions_item_id"), nullable=False
        )
    )
    instruction: str = TableField(sa_column=Column(Text, nullable=False))
    status: str = TableField(default=InterventionStatus.issued.value, max_length=16)
    issued_by: str = TableField(max_length=36)
    issued_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    acknowledged_by: str | None = TableField(default=None, max_length=36)
    acknowledged_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    answer: str | None = TableField(default=None, sa_column=Column(Text, nullable=True))
    answered_by: str | None = TableField(default=None, max_length=36)
    answered_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    closed_by: str | None = TableField(default=None, max_length=36)
    closed_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    close_note: str | None = TableField(default=None, sa_column=Column(Text, nullable=True))
    version: int = TableField(default=1, sa_column=Column(Integer, nullable=False))


# --- what callers send -------------------------------------------------------------------


class InterventionIn(StrictInput):
    instruction: MultiLineText = Field(min_length=1, max_length=5000)


class AnswerIn(StrictInput):
    answer: MultiLineText = Field(min_length=1, max_length=5000)


class CloseIn(StrictInput):
    note: MultiLineText | None = Field(default=None, min_length=1, max_length=5000)


# --- what callers get --------------------------------------------------------------------


class InterventionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    item_id: str
    instruction: str
    status: InterventionStatus
    issued_by: str
    issued_at: dt.datetime
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    answer: str | None
    answered_by: str | None
    answered_at: dt.datetime | None
    closed_by: str | None
    closed_at: dt.datetime | None
    close_note: str | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def is_open(self) -> bool:
        return self.status.is_open
