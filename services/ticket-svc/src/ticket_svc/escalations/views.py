"""The escalations over HTTP: read-only, since only the escalation job raises them. Who may
read what is in policy.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from guanjia_shared.auth import CurrentUser, Principal, current_user, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from ticket_svc.escalations import policy, service
from ticket_svc.escalations.models import EscalationQueueItem, EscalationRead
from ticket_svc.tickets.models import AlertClock, AlertThreshold, EscalatedTo

router = APIRouter(
    prefix="/api/v1/ticket", tags=["escalations"], dependencies=[Depends(current_user)]
)
QueueReader = Annotated[Principal, Depends(require_roles(*policy.QUEUE_READERS))]


@router.get("/tickets/{ticket_id}/escalations", response_model=list[EscalationRead])
async def list_ticket_escalations(ticket_id: str, session: SessionDep, viewer: CurrentUser):
    return await service.list_ticket_escalations(
        session=session, ticket_id=ticket_id, viewer=viewer
    )


@router.get("/escalations", response_model=Page[EscalationQueueItem])
async def escalation_queue(
    session: SessionDep,
    viewer: QueueReader,
    page: PageQuery,
    escalated_to: EscalatedTo | None = None,
    department: Annotated[str | None, Query(max_length=100)] = None,
    clock: AlertClock | None = None,
    threshold: AlertThreshold | None = None,
    unresolved: Annotated[
        bool, Query(description="only tickets not yet resolved or closed")
    ] = False,
):
    items, total = await service.escalation_queue(
        session=session,
        viewer=viewer,
        page=page,
        escalated_to=escalated_to,
        department=department,
        clock=clock,
        threshold=threshold,
        unresolved=unresolved,
    )
    return {"items": items, "total": total}
