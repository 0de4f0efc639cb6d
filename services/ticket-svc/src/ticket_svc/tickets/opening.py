"""Opening a ticket: the busiest write, kept to one query and three inserts.

A receiver (policy.py) takes the request as they write it down and so becomes its first
receiver and owner; a unit's own staff file one for their own unit, online, and another
system bound to a unit (the city's 12345 hotline platform) files for its unit on its own
channel, with its own reference; either waits untaken for the department. The terms
come from the commitment's current published version, read together with whether it is
published. A new ticket's history is its creation alone, so its clocks are worked out
without reading anything back, and the row is written as a plain `NewTicket` rather than
through the ORM's unit of work.
"""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, Forbidden, invalid_field
from ticket_svc.commitments.service import commitment_with_terms
from ticket_svc.events import EventType
from ticket_svc.tickets import policy
from ticket_svc.tickets.clocks import (
    SlaPolicy,
    clocks_from_history,
    keep_clocks,
    thresholds_of,
    ticket_calendar,
)
from ticket_svc.tickets.events import publish_ticket_event
from ticket_svc.tickets.models import (
    EventKind,
    NewTicket,
    Ticket,
    TicketCreate,
    TicketEvent,
)
from ticket_svc.tickets.sla import HistoryEntry


async def open_ticket(
    *, session: AsyncSession, data: TicketCreate, actor: Principal, sla: SlaPolicy
) -> NewTicket:
    """A request, taken by the bureau's staff (who become its first receiver and owner) or
    filed by a unit's own staff for their unit (untaken until an agent takes it)."""
    ensure_role(actor, policy.OPENERS)
    taker = actor.id if policy.takes_as_it_opens(actor) else None
    requester_name, requester_unit_id = _requester(data, actor, taken=taker is not None)
    if data.external_ref is not None:
        await _ensure_external_ref_free(session, requester_unit_id, data.external_ref)
    published, terms = await commitment_with_terms(session, data.commitment_code)
    if not published:
        raise invalid_field(
            f"commitment {data.commitment_code} is not published", "#/commitment_code"
        )
    # The requester's unit is taken as given: a unit created a moment ago may not have
    # reached this service's replica yet, and the request must not wait for it.
    ticket = NewTicket.of(
        title=data.title,
        description=data.description,
        channel=data.channel.value,
        requester_name=requester_name,
        requester_unit_id=requester_unit_id,
        requester_phone=data.requester.phone,
        building_id=data.building_id,
        room_id=data.room_id,
        external_ref=data.external_ref,
        commitment_id=terms.commitment_id,
        commitment_code=data.commitment_code,
        commitment_version=terms.version,
        department=terms.department,
        calendar_id=terms.calendar_id,
        response_budget_seconds=terms.response_minutes * 60,
        resolve_budget_seconds=terms.resolve_hours * 3600,
        first_receiver=taker,
        owner=taker,
        created_at=now(),
    )
    # A new ticket's history is its creation alone, with no coordination and no alert yet:
    # its clocks are worked out from that, not read back, and the row is inserted once
    # with them (the hot path of the busiest write).
    clocks = clocks_from_history(
        await ticket_calendar(session, ticket),
        ticket,
        [HistoryEntry(EventKind.created.value, ticket.created_at)],
    )
    keep_clocks(ticket, clocks, sla, thresholds_of(ticket, clocks, sla, []), alerts=[])
    # Plain inserts on the transaction's connection, not the unit of work: the ticket is
    # complete here (its id is ours, it has no server defaults) and nothing else in this
    # transaction reads it back, so the ORM's bookkeeping would cost CPU for nothing.
    connection = await session.connection()
    try:
        await connection.execute(_INSERT_TICKET, ticket.row())
    except IntegrityError as exc:  # a concurrent filing took the reference after the check
        raise _external_ref_taken(data.external_ref) from exc
    await connection.execute(
        _INSERT_TICKET_EVENT,
        {
            "ticket_id": ticket.id,
            "kind": EventKind.created.value,
            "actor": actor.id,
            "at": ticket.created_at,
            "data": {"channel": ticket.channel},
        },
    )
    await publish_ticket_event(session, EventType.ticket_created, ticket)
    await session.commit()
    return ticket


def _requester(data: TicketCreate, actor: Principal, *, taken: bool) -> tuple[str, str | None]:
    """The requester's name and unit. The bureau's staff write down whoever asks; a unit's
    own staff (or system) file for their own unit only, under their own name unless they
    give one."""
    if taken:
        if data.requester.name is None:
            raise invalid_field("the requester's name is required", "#/requester/name")
        return data.requester.name, data.requester.unit_id
    if actor.unit_id is None:
        raise Forbidden("only the bureau's staff, and a unit's own staff or systems, file requests")
    if data.requester.unit_id not in (None, actor.unit_id):
        # Not a malformed body but a request on another unit's behalf: refused for who asks.
        raise Forbidden("a unit's staff file requests for their own unit only")
    if data.channel not in policy.filing_channels(actor):
        raise invalid_field(
            f"{data.channel.value} is not a channel {actor.display_name} files on: "
            "the desk's channels are the desk's",
            "#/channel",
        )
    return data.requester.name or actor.display_name, actor.unit_id


async def _ensure_external_ref_free(
    session: AsyncSession, requester_unit_id: str | None, external_ref: str
) -> None:
    taken = await session.scalar(
        select(Ticket.id).where(
            Ticket.requester_unit_id == requester_unit_id, Ticket.external_ref == external_ref
        )
    )
    if taken is not None:
        raise _external_ref_taken(external_ref, taken)


def _external_ref_taken(external_ref: str | None, ticket_id: str | None = None) -> Conflict:
    extra = {"ticket_id": ticket_id} if ticket_id else {}
    return Conflict(
        f"a request with reference {external_ref} was already filed for this unit",
        rule="unique-external-ref",
        **extra,
    )


_INSERT_TICKET = insert(Ticket.__table__)
_INSERT_TICKET_EVENT = insert(TicketEvent.__table__)
