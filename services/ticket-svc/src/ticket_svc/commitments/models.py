"""Service commitments (承诺服务): published standards with time limits."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Column, String
from sqlmodel import Field

from ticket_svc.database import TicketsTable


class Commitment(TicketsTable, table=True):
    __tablename__ = "commitments"

    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True, max_length=36)
    code: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    name: str = Field(max_length=200)
    category: str = Field(max_length=64)
    department: str = Field(max_length=100)
    response_minutes: int
    resolve_hours: int
    calendar_id: str | None = Field(default=None, max_length=36)
    published: bool = Field(default=False, index=True)


class CommitmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    name: str
    category: str
    department: str
    response_minutes: int
    resolve_hours: int
    calendar_id: str | None
    published: bool
