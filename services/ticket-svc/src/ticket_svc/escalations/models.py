"""What the escalation queues answer. The rows themselves are `TicketAlert`s (see
tickets/models.py): one per threshold a ticket's clock crossed, written once."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from ticket_svc.tickets.models import AlertClock, AlertThreshold, EscalatedTo, TicketStatus


class EscalationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    ticket_id: str
    clock: AlertClock
    target_id: str = Field(description='the coordination\'s id for a coordination clock, else ""')
    threshold: AlertThreshold
    reached_at: datetime = Field(description="when the clock crossed the threshold")
    raised_at: datetime = Field(
        description="when it was raised: later than reached_at when it fell outside working "
        "hours and was held until the next working period"
    )
    escalated_to: EscalatedTo
    department: str = Field(description="the department answerable for it")


class EscalationQueueItem(EscalationRead):
    ticket_title: str
    ticket_status: TicketStatus
    ticket_department: str
    ticket_owner: str | None = Field(description="null while nobody has taken the request")
