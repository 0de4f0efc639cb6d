"""What the escalation queues answer. The rows themselves are `TicketAlert`s (see
tickets/models.py): one per threshold a ticket's clock crossed, written once."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from ticket_svc.tickets.models import TicketStatus


class AlertClock(StrEnum):
    response = "response"
    resolve = "resolve"
    coordination = "coordination"

    @property
    def label(self) -> str:
        return {"response": "响应时限", "resolve": "办结时限", "coordination": "协办时限"}[
            self.value
        ]


class AlertThreshold(StrEnum):
    warning = "warning"
    breached = "breached"
    leader = "leader"

    @property
    def label(self) -> str:
        return {"warning": "预警", "breached": "超时", "leader": "升级督办"}[self.value]


class EscalatedTo(StrEnum):
    owner = "owner"
    dept_head = "dept_head"
    leader = "leader"

    @property
    def label(self) -> str:
        return {"owner": "承办人", "dept_head": "部门负责人", "leader": "分管领导"}[self.value]


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
