"""Every event ticket-svc publishes, by type. Each is written to the outbox in the
transaction of the change it reports; the subject is the id of the row it is about.

- `ticket.ticket.*`: a ticket's life (tickets/events.py builds them). Every one carries the
  ticket as it stands (`id`, `title`, `status`, `department`, `commitment`,
  `commitment_id`, `commitment_version`, `owner`, `first_receiver`, `requester_unit_id`,
  `building_id`, `room_id`, `channel`, `external_ref`) and adds what is particular to it:
  `waiting` the `reason`; `transferred` the
  `previous_owner` and `reason`; `coordinated` the coordination; `resolved` the
  `resolution`; `reopened` the `rating` and `dissatisfied`; `closed` the verdict
  (`sla_met`, `rating`, `satisfied`, `auto_confirmed`, `closed_at`,
  `late_coordinating_departments`). `sla_warning`, `sla_breached` and `escalated` are the
  escalation job's (escalations/jobs.py): the clock, threshold, moment reached and who was
  told, and the `procedure_code` the commitment names (ledger-svc's quality system opens
  nonconformities from the breaches).
- `ticket.commitment.*`: the whole commitment after each change (commitments/service.py).
- `ticket.rating.*`: a public rating recorded, a comment moderated (ratings/service.py).
  A ticket's rating names its commitment and the commitment's `procedure_code`.
- `ticket.accountability.*`: a record made, a penalty exempted (accountability/service.py).
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    ticket_created = "ticket.ticket.created"
    ticket_taken = "ticket.ticket.taken"
    # Work begins, the ticket waits on the requester, and goes on (every status change
    # is told, so that a system following a ticket sees each one).
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

    commitment_created = "ticket.commitment.created"
    commitment_updated = "ticket.commitment.updated"
    commitment_published = "ticket.commitment.published"
    commitment_unpublished = "ticket.commitment.unpublished"

    rating_recorded = "ticket.rating.recorded"
    rating_moderated = "ticket.rating.moderated"

    accountability_recorded = "ticket.accountability.recorded"
    accountability_exempted = "ticket.accountability.exempted"
