"""Incident types (事件类型): reference data that plans and incidents name by code."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Column, String
from sqlmodel import Field as TableField

from emergency_svc.database import EmergencyTable
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import SingleLineText

# Lower-case words joined by underscores (`gas_leak`): codes travel in URLs, events and
# other systems' payloads, so they are kept plain.
CODE_PATTERN = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"


class IncidentType(EmergencyTable, table=True):
    __tablename__ = "incident_types"

    code: str = TableField(sa_column=Column(String(64), primary_key=True))
    name: str = TableField(max_length=100)
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    # None for the types the migration seeded.
    created_by: str | None = TableField(default=None, max_length=64)


class IncidentTypeCreate(StrictInput):
    model_config = ConfigDict(strict=True)

    code: str = Field(min_length=2, max_length=64, pattern=CODE_PATTERN)
    name: SingleLineText = Field(min_length=1, max_length=100)


class IncidentTypeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
