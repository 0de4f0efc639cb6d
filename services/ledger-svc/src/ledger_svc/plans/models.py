"""Plans: the year's work points (年度工作要点), broken down into ledger items.

The first slice holds what a list needs; the ledger-svc issue brings the rest.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Column
from sqlmodel import Field

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from ledger_svc.database import LedgerTable


class Plan(LedgerTable, table=True):
    __tablename__ = "plans"

    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True, max_length=36)
    year: int = Field(index=True)
    title: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=now, sa_column=Column(UtcDateTime, nullable=False))


class PlanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    year: int
    title: str
    created_at: datetime
