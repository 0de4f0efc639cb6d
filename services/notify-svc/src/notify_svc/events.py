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


class FollowedEvent(StrEnum):
    """The other services' events a message rule may turn into messages to people (rules/):
    what a person on duty, in charge or answerable must hear of. Their fields are in
    docs/events.md; a rule's templates name them."""

    incident_activated = "emergency.incident.activated"
    incident_level_changed = "emergency.incident.level_changed"
    task_assigned = "emergency.task.assigned"
    task_overdue = "emergency.task.overdue"
    report_overdue = "emergency.report.overdue"
    ticket_created = "ticket.ticket.created"
    ticket_transferred = "ticket.ticket.transferred"
    ticket_coordinated = "ticket.ticket.coordinated"
    ticket_reopened = "ticket.ticket.reopened"
    ticket_sla_warning = "ticket.ticket.sla_warning"
    ticket_sla_breached = "ticket.ticket.sla_breached"
    ticket_escalated = "ticket.ticket.escalated"
    item_exception_raised = "ledger.item.exception_raised"
    intervention_issued = "ledger.intervention.issued"
    intervention_answered = "ledger.intervention.answered"
    renovation_requested = "asset.renovation.requested"
    renovation_approved = "asset.renovation.approved"
    renovation_rejected = "asset.renovation.rejected"

    @property
    def source(self) -> str:
        """The service whose stream carries it."""
        return self.value.split(".", 1)[0]

    @property
    def label(self) -> str:
        return {
            "emergency.incident.activated": "应急响应启动",
            "emergency.incident.level_changed": "响应级别调整",
            "emergency.task.assigned": "应急任务指派",
            "emergency.task.overdue": "应急任务超时",
            "emergency.report.overdue": "信息报送超时",
            "ticket.ticket.created": "工单受理",
            "ticket.ticket.transferred": "工单转办",
            "ticket.ticket.coordinated": "工单协办",
            "ticket.ticket.reopened": "工单重办",
            "ticket.ticket.sla_warning": "工单临期预警",
            "ticket.ticket.sla_breached": "工单超时",
            "ticket.ticket.escalated": "工单升级督办",
            "ledger.item.exception_raised": "台账事项异常",
            "ledger.intervention.issued": "督办通知",
            "ledger.intervention.answered": "督办回复",
            "asset.renovation.requested": "修缮申请",
            "asset.renovation.approved": "修缮批准",
            "asset.renovation.rejected": "修缮驳回",
        }[self.value]


class ConsumedAuthEvent(StrEnum):
    """The gateway's events of the bureau's people (gateway/src/gateway/events.py)."""

    # The whole person with a version, kept as the recipients replica.
    user_created = "auth.user.created"
    user_updated = "auth.user.updated"
    # A code to send to a contact point being verified (messages/consumers.py).
    contact_verification_requested = "auth.contact.verification_requested"
