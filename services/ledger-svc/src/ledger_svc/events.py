"""Every event type ledger-svc publishes, and the other services' events its consumers read.

Each published event is written to the outbox in the transaction of the change it tells
of (so it goes out exactly when the change commits); its subject is the id of the row it
is about. Where its data is built: plans/service.py, items/service.py, exceptions/service.py,
interventions/service.py, campaigns/service.py, quality/service.py, quality/jobs.py,
cleanups/service.py, nonconformities/service.py, acknowledgements/service.py,
audits/service.py, objectives/service.py, objectives/jobs.py, reviews/service.py.
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
    # The procedure register (quality/service.py, quality/jobs.py): a revision's steps,
    # each with the document and the revision's heading, never its text. Saving a draft
    # tells nobody: the first event of a revision is its submission.
    procedure_submitted = "ledger.procedure.submitted"  # the approvers are asked
    procedure_approval_recorded = "ledger.procedure.approval_recorded"  # one of several
    procedure_approved = "ledger.procedure.approved"  # the last approval
    procedure_rejected = "ledger.procedure.rejected"  # back to draft, with the reason
    procedure_effective = "ledger.procedure.effective"  # adds supersedes (a number or null)
    procedure_superseded = "ledger.procedure.superseded"  # adds superseded_by
    procedure_abolished = "ledger.procedure.abolished"  # the document as a whole
    procedure_review_due = "ledger.procedure.review_due"  # once per document and review date
    # The register's clean-up campaigns (制度清理, cleanups/service.py), each with the
    # campaign (subject: its id); abolish and revise/supplement bring the register's own
    # ledger.procedure.* events in the same transaction.
    cleanup_opened = "ledger.cleanup.opened"  # adds in_scope_by_department
    cleanup_decided = "ledger.cleanup.decided"  # one line's decision, once per line
    cleanup_closed = "ledger.cleanup.closed"  # every line decided; adds decided (by kind)
    # Nonconformities and corrective actions (nonconformities/service.py, automatic.py),
    # each with the nonconformity without its texts (subject: its id).
    nonconformity_opened = "ledger.nonconformity.opened"  # automatic: adds signals, window
    nonconformity_stage_changed = "ledger.nonconformity.stage_changed"  # adds move, from_stage
    nonconformity_action_added = "ledger.nonconformity.action_added"  # adds action (its item)
    # The effectiveness verdict: adds effective; not effective is back to corrective_actions.
    nonconformity_verdict_recorded = "ledger.nonconformity.verdict_recorded"
    nonconformity_closed = "ledger.nonconformity.closed"
    # Read-and-acknowledge (acknowledgements/service.py), each with the document (subject:
    # its id) and the number of its revision in force.
    acknowledgement_distributed = "ledger.acknowledgement.distributed"  # adds added, audience
    # A person read the revision in force: once per person and revision.
    acknowledgement_recorded = "ledger.acknowledgement.recorded"  # adds person_id, department
    # Internal audits (audits/service.py), each with the audit (subject: its id) and never a
    # text (evidence, report); the programme's with the programme.
    audit_programme_created = "ledger.audit_programme.created"
    audit_planned = "ledger.audit.planned"  # adds year
    audit_started = "ledger.audit.started"  # its checklist generated: line_count
    audit_finding_recorded = "ledger.audit.finding_recorded"  # adds finding (no evidence)
    audit_reported = "ledger.audit.reported"  # adds findings_by_kind
    audit_closed = "ledger.audit.closed"  # adds findings_by_kind
    # Quality objectives (objectives/service.py, objectives/jobs.py), each with the objective
    # (subject: its id): set, and each ended month's verdict once (adds month, value,
    # counted, met_count; a month that counted nothing is not told).
    objective_set = "ledger.objective.set"
    objective_met = "ledger.objective.met"
    objective_missed = "ledger.objective.missed"
    # Management reviews (reviews/service.py), each with the review without its pack
    # (subject: its id); an output's without its text or evidence.
    review_created = "ledger.review.created"  # in draft, its pack collected
    review_pack_collected = "ledger.review.pack_collected"  # collected again, in draft
    review_held = "ledger.review.held"  # its pack frozen
    review_output_added = "ledger.review.output_added"  # adds output (an action: its item)
    review_output_verified = "ledger.review.output_verified"  # adds output
    review_closed = "ledger.review.closed"  # every output verified; adds outputs (how many)


class ConsumedEvent(StrEnum):
    """Other services' events ledger-svc reads: their contracts are in the consumers that
    read them (followups/consumers.py, scorecards/consumers.py,
    nonconformities/consumers.py, objectives/consumers.py)."""

    ticket_closed = "ticket.ticket.closed"
    ticket_sla_breached = "ticket.ticket.sla_breached"
    rating_recorded = "ticket.rating.recorded"
    accountability_recorded = "ticket.accountability.recorded"
    accountability_exempted = "ticket.accountability.exempted"
    incident_closed = "emergency.incident.closed"
    drill_recorded = "emergency.drill.recorded"
