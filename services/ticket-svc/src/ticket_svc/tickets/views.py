from __future__ import annotations

from fastapi import APIRouter, Depends

from guanjia_shared.auth import CurrentUser, current_user
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from ticket_svc.tickets import service
from ticket_svc.tickets.models import TicketRead

router = APIRouter(
    prefix="/api/v1/ticket/tickets", tags=["tickets"], dependencies=[Depends(current_user)]
)


@router.get("", response_model=Page[TicketRead])
async def list_tickets(session: SessionDep, viewer: CurrentUser, page: PageQuery):
    items, total = await service.list_tickets(session=session, viewer=viewer, page=page)
    return {"items": items, "total": total}
