"""Emergency plans: the master linkage plan (应急联动预案) and special plans (专项预案).

The first slice holds what a list needs; the emergency-svc issue brings the rest.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Column, String
from sqlmodel import Field

from emergency_svc.database import EmergencyTable
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime


class PlanKind(StrEnum):
    master = "master"
    special = "special"


class PlanStatus(StrEnum):
    draft = "draft"
    active = "active"
    retired = "retired"


class EmergencyPlan(EmergencyTable, table=True):
    __tablename__ = "plans"

    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True, max_length=36)
    code: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    title: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    status: str = Field(default=PlanStatus.draft.value, max_length=16)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=now, sa_column=Column(UtcDateTime, nullable=False))


class EmergencyPlanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    title: str
    kind: PlanKind
    status: PlanStatus
    version: int
    created_at: datetime
