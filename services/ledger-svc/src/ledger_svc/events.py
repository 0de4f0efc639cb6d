"""Every event type ledger-svc publishes, and the other services' events its consumers read.

Each published event is written to the outbox in the transaction of the change it tells
of (so it goes out exactly when the change commits); its subject is the id of the row it
is about. Where its data is built: plans/service.py, items/service.py, exceptions/service.py,
interventions/service.py, campaigns/service.py.
"""

from __future__ import annotations

from enum import StrEnum


class LedgerEvent(StrEnum):
    """The events ledger-svc publishes (on its stream, `guanjia.<namespace>.ledger.>`)."""

    plan_created = "ledger.plan.created"  # a work plan, or a year's follow-up plan
    item_created = "ledger.item.created"
    item_updated = "ledger.item.updated"
    item_progress_reported = "ledger.item.progress_reported"
    item_deadline_moved = "ledger.item.deadline_moved"  # adds previous_deadline, reason
    item_completed = "ledger.item.completed"  # adds completed_at, on_time
    item_reopened = "ledger.item.reopened"
    item_exception_raised = "ledger.item.exception_raised"  # once per exception, with detail
    item_exception_cleared = "ledger.item.exception_cleared"  # once, with cleared_because
    intervention_issued = "ledger.intervention.issued"
    intervention_acknowledged = "ledger.intervention.acknowledged"
    intervention_answered = "ledger.intervention.answered"
    intervention_closed = "ledger.intervention.closed"
    campaign_created = "ledger.campaign.created"
    campaign_closed = "ledger.campaign.closed"
    campaign_result_recorded = "ledger.campaign.result_recorded"


class ConsumedEvent(StrEnum):
    """Other services' events ledger-svc reads: their contracts are in the consumers that
    read them (followups/consumers.py, scorecards/consumers.py)."""

    ticket_closed = "ticket.ticket.closed"
    ticket_sla_breached = "ticket.ticket.sla_breached"
    accountability_recorded = "ticket.accountability.recorded"
    accountability_exempted = "ticket.accountability.exempted"
    incident_closed = "emergency.incident.closed"
    drill_recorded = "emergency.drill.recorded"
