"""Every event type notify-svc publishes, and the other services' events it reads."""

from __future__ import annotations

from enum import StrEnum


class NotifyEvent(StrEnum):
    """The events notify-svc publishes (on its stream, `<namespace>.notify.>`)."""

    # A subscription whose endpoint failed for a whole retry window (subject: its id), with
    # its owner, so that the owner can be told.
    subscription_paused = "notify.subscription.paused"


class ConsumedEvent(StrEnum):
    """The other services' events a webhook may subscribe to: each carries the ticket as it
        stands after the change (ticket-svc's ticket_svc/tickets/events.py): together they tell
    each of its status changes."""

    ticket_created = "ticket.ticket.created"
    ticket_taken = "ticket.ticket.taken"
    ticket_started = "ticket.ticket.started"
    ticket_waiting = "ticket.ticket.waiting"
    ticket_resumed = "ticket.ticket.resumed"
    ticket_coordinated = "ticket.ticket.coordinated"
    ticket_transferred = "ticket.ticket.transferred"
    ticket_resolved = "ticket.ticket.resolved"
    ticket_reopened = "ticket.ticket.reopened"
    ticket_closed = "ticket.ticket.closed"
    ticket_sla_warning = "ticket.ticket.sla_warning"
    ticket_sla_breached = "ticket.ticket.sla_breached"
    ticket_escalated = "ticket.ticket.escalated"

    @property
    def label(self) -> str:
        return {
            "ticket.ticket.created": "工单受理",
            "ticket.ticket.taken": "工单认领",
            "ticket.ticket.started": "开始办理",
            "ticket.ticket.waiting": "等待诉求方",
            "ticket.ticket.resumed": "恢复办理",
            "ticket.ticket.coordinated": "工单协办",
            "ticket.ticket.transferred": "工单转办",
            "ticket.ticket.resolved": "工单办结",
            "ticket.ticket.reopened": "工单重办",
            "ticket.ticket.closed": "工单关闭",
            "ticket.ticket.sla_warning": "工单临期预警",
            "ticket.ticket.sla_breached": "工单超时",
            "ticket.ticket.escalated": "工单升级督办",
        }[self.value]


class ConsumedAuthEvent(StrEnum):
    """The gateway's events of the bureau's people (gateway/src/gateway/events.py)."""

    # The whole person with a version, kept as the recipients replica.
    user_created = "auth.user.created"
    user_updated = "auth.user.updated"
    # A code to send to a contact point being verified (messages/consumers.py).
    contact_verification_requested = "auth.contact.verification_requested"
