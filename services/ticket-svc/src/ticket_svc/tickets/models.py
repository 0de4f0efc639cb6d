"""Tickets: a requester's request, owned by its first receiver (首问负责) to the end.

The first slice holds what a list needs; the ticket-svc issue brings the rest.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Column
from sqlmodel import Field

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from ticket_svc.database import TicketsTable


class TicketStatus(StrEnum):
    new = "new"
    in_progress = "in_progress"
    waiting_requester = "waiting_requester"
    resolved = "resolved"
    reopened = "reopened"
    closed = "closed"


class Ticket(TicketsTable, table=True):
    __tablename__ = "tickets"

    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True, max_length=36)
    title: str = Field(max_length=200)
    status: str = Field(default=TicketStatus.new.value, max_length=32)
    requester_unit_id: str | None = Field(default=None, max_length=36, index=True)
    first_receiver: str = Field(max_length=36)
    created_at: datetime = Field(default_factory=now, sa_column=Column(UtcDateTime, nullable=False))


class TicketRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    status: TicketStatus
    requester_unit_id: str | None
    first_receiver: str
    created_at: datetime
