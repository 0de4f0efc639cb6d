"""Reading what the escalation job raised (jobs.py writes it), within what the reader may
see (policy.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.pagination import PageParams, fetch_page
from ticket_svc.escalations import policy
from ticket_svc.escalations.models import (
    EscalationQueueItem,
    EscalationRead,
)
from ticket_svc.tickets.models import (
    AlertClock,
    AlertThreshold,
    EscalatedTo,
    Ticket,
    TicketAlert,
    TicketStatus,
)
from ticket_svc.tickets.service import get_ticket

FINISHED = (TicketStatus.resolved.value, TicketStatus.closed.value)


async def list_ticket_escalations(
    *, session: AsyncSession, ticket_id: str, viewer: Principal
) -> list[EscalationRead]:
    """A ticket's alerts in the order its clocks reached them."""
    await get_ticket(session, ticket_id, viewer)
    rows = await session.execute(
        select(TicketAlert)
        .where(TicketAlert.ticket_id == ticket_id)
        .order_by(TicketAlert.reached_at, TicketAlert.raised_at, TicketAlert.clock)
    )
    return [EscalationRead.model_validate(alert) for alert in rows.scalars().all()]


async def escalation_queue(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    escalated_to: EscalatedTo | None = None,
    department: str | None = None,
    clock: AlertClock | None = None,
    threshold: AlertThreshold | None = None,
    unresolved: bool = False,
) -> tuple[list[EscalationQueueItem], int]:
    """The alerts raised, newest first, within what `viewer` may see."""
    department = policy.department_in_sight(viewer, department)
    query = (
        select(TicketAlert)
        .join(Ticket, Ticket.id == TicketAlert.ticket_id)
        .order_by(
            TicketAlert.raised_at.desc(),
            TicketAlert.ticket_id,
            TicketAlert.clock,
            TicketAlert.reached_at,
        )
    )
    filters = {
        TicketAlert.escalated_to: escalated_to,
        TicketAlert.department: department,
        TicketAlert.clock: clock,
        TicketAlert.threshold: threshold,
    }
    for column, value in filters.items():
        if value is not None:
            query = query.where(column == value)
    if unresolved:
        query = query.where(Ticket.status.not_in(FINISHED))
    alerts, total = await fetch_page(session, query, page)
    tickets = await _tickets_by_id(session, {alert.ticket_id for alert in alerts})
    return [_queue_item(alert, tickets[alert.ticket_id]) for alert in alerts], total


async def _tickets_by_id(session: AsyncSession, ids: set[str]) -> dict[str, Ticket]:
    if not ids:
        return {}
    rows = await session.execute(select(Ticket).where(Ticket.id.in_(ids)))
    return {ticket.id: ticket for ticket in rows.scalars().all()}


def _queue_item(alert: TicketAlert, ticket: Ticket) -> EscalationQueueItem:
    return EscalationQueueItem(
        **EscalationRead.model_validate(alert).model_dump(),
        ticket_title=ticket.title,
        ticket_status=TicketStatus(ticket.status),
        ticket_department=ticket.department,
        ticket_owner=ticket.owner,
    )
