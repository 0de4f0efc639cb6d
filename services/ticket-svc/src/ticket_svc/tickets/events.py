"""The payloads of the `ticket.ticket.*` events (their types: ticket_svc/events.py).

Every one carries the ticket as it stands after the change, so a consumer needs no second
look; each action adds what is particular to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from guanjia_shared.outbox import record_event
from ticket_svc.events import EventType
from ticket_svc.tickets.models import Coordination, TicketRow

# An event as `record_events` takes it: its type, subject and data.
TicketEventMessage = tuple[str, str, dict[str, Any]]


def ticket_event(event_type: EventType, ticket: TicketRow, **extra: Any) -> TicketEventMessage:
    """A ticket's event as the ticket stands now."""
    data = {
        "id": ticket.id,
        "title": ticket.title,
        "status": ticket.status,
        "department": ticket.department,
        "commitment": ticket.commitment_code,
        "commitment_id": ticket.commitment_id,
        "commitment_version": ticket.commitment_version,
        "owner": ticket.owner,
        "first_receiver": ticket.first_receiver,
        "requester_unit_id": ticket.requester_unit_id,
        "building_id": ticket.building_id,
        "room_id": ticket.room_id,
        "channel": ticket.channel,
        "external_ref": ticket.external_ref,
        **extra,
    }
    return event_type, ticket.id, data


async def publish_ticket_event(
    session: AsyncSession, event_type: EventType, ticket: TicketRow, **extra: Any
) -> None:
    await record_event(session, *ticket_event(event_type, ticket, **extra))


def closed_event(
    ticket: TicketRow, at: dt.datetime, coordinations: Iterable[Coordination]
) -> TicketEventMessage:
    """The verdict on a closed ticket, with the departments whose part of it came in late."""
    late = sorted(
        {
            c.department
            for c in coordinations
            if c.completed_at is not None and c.completed_at > c.due_at
        }
    )
    return ticket_event(
        EventType.ticket_closed,
        ticket,
        sla_met=ticket.sla_met,
        rating=ticket.rating,
        satisfied=ticket.satisfied,
        auto_confirmed=ticket.auto_confirmed,
        closed_at=at.isoformat(),
        late_coordinating_departments=late,
    )
