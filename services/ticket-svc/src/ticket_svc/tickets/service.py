"""Who sees which tickets."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal, Role
from guanjia_shared.pagination import PageParams, fetch_page
from ticket_svc.tickets.models import Ticket

# The bureau's roles see every ticket; anyone else only their own unit's.
BUREAU_ROLES = frozenset(
    {Role.admin, Role.leader, Role.dept_head, Role.agent, Role.auditor, Role.commander}
)


async def list_tickets(
    *, session: AsyncSession, viewer: Principal, page: PageParams
) -> tuple[list[Ticket], int]:
    query = select(Ticket).order_by(Ticket.created_at.desc(), Ticket.id)
    if not viewer.has_any(*BUREAU_ROLES):
        if viewer.unit_id is None:
            return [], 0
        query = query.where(Ticket.requester_unit_id == viewer.unit_id)
    return await fetch_page(session, query, page)
