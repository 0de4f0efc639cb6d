from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from guanjia_shared.auth import CurrentUser, Principal, current_user, require_roles
from guanjia_shared.clock import now
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from ticket_svc.config import ServiceSettings
from ticket_svc.tickets import opening, policy, service
from ticket_svc.tickets.clocks import SlaPolicy, sla_state
from ticket_svc.tickets.models import (
    CommentIn,
    ConfirmIn,
    CoordinateIn,
    CoordinationCompleteIn,
    CoordinationRead,
    EventKind,
    ResolveIn,
    TicketCreate,
    TicketEventRead,
    TicketRead,
    TicketRow,
    TicketSort,
    TicketStatus,
    TransferIn,
    WaitIn,
)

router = APIRouter(
    prefix="/api/v1/ticket/tickets", tags=["tickets"], dependencies=[Depends(current_user)]
)


async def sla_policy(settings: ServiceSettings) -> SlaPolicy:
    # async: FastAPI would run a plain function in its thread pool, a hop on every call.
    return SlaPolicy.from_settings(settings)


Sla = Annotated[SlaPolicy, Depends(sla_policy)]
Opener = Annotated[Principal, Depends(require_roles(*policy.OPENERS))]


def _view(ticket: TicketRow, sla: SlaPolicy, viewer: Principal) -> dict[str, Any]:
    return TicketRead.answer(
        ticket,
        sla_state=sla_state(ticket, now(), sla),
        shows_rating_code=policy.is_handed_rating_code(viewer, ticket),
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TicketRead)
async def open_ticket(
    data: TicketCreate, session: SessionDep, actor: Opener, sla: Sla, response: Response
):
    ticket = await opening.open_ticket(session=session, data=data, actor=actor, sla=sla)
    response.headers["Location"] = f"{router.prefix}/{ticket.id}"
    return _view(ticket, sla, actor)


@router.get("", response_model=Page[TicketRead])
async def list_tickets(
    session: SessionDep,
    viewer: CurrentUser,
    sla: Sla,
    page: PageQuery,
    status: TicketStatus | None = None,
    department: Annotated[str | None, Query(max_length=100)] = None,
    owner: Annotated[str | None, Query(max_length=36, description='a user id, or "me"')] = None,
    commitment_code: Annotated[str | None, Query(max_length=64)] = None,
    requester_unit_id: Annotated[str | None, Query(max_length=36)] = None,
    external_ref: Annotated[
        str | None, Query(max_length=64, description="the filing system's own reference")
    ] = None,
    unassigned: Annotated[
        bool | None,
        Query(
            description="true: only the requests nobody has taken yet (filed by a unit's own "
            "staff; an agent takes one with POST tickets/{id}/take); false: only taken ones"
        ),
    ] = None,
    sort: Annotated[
        TicketSort,
        Query(
            description="newest: the newest first; due: the next open deadline first (the "
            "response's until responded, then the resolution's), those with none (waiting on "
            "the requester, resolved, closed) last; ties by id"
        ),
    ] = TicketSort.newest,
):
    items, total = await service.list_tickets(
        session=session,
        viewer=viewer,
        page=page,
        status=status,
        department=department,
        owner=viewer.id if owner == "me" else owner,
        commitment_code=commitment_code,
        requester_unit_id=requester_unit_id,
        external_ref=external_ref,
        unassigned=unassigned,
        sort=sort,
    )
    return {"items": [_view(ticket, sla, viewer) for ticket in items], "total": total}


@router.get("/{ticket_id}", response_model=TicketRead)
async def get_ticket(ticket_id: str, session: SessionDep, viewer: CurrentUser, sla: Sla):
    return _view(await service.get_ticket(session, ticket_id, viewer), sla, viewer)


@router.get("/{ticket_id}/events", response_model=Page[TicketEventRead])
async def list_history(
    ticket_id: str,
    session: SessionDep,
    viewer: CurrentUser,
    page: PageQuery,
    kind: EventKind | None = None,
):
    items, total = await service.list_history(
        session=session, ticket_id=ticket_id, viewer=viewer, page=page, kind=kind
    )
    return {"items": items, "total": total}


@router.get("/{ticket_id}/comments", response_model=Page[TicketEventRead])
async def list_comments(ticket_id: str, session: SessionDep, viewer: CurrentUser, page: PageQuery):
    items, total = await service.list_history(
        session=session, ticket_id=ticket_id, viewer=viewer, page=page, kind=EventKind.commented
    )
    return {"items": items, "total": total}


@router.post("/{ticket_id}/take", response_model=TicketRead)
async def take(ticket_id: str, session: SessionDep, actor: CurrentUser, sla: Sla):
    ticket = await service.take(session=session, ticket_id=ticket_id, actor=actor, sla=sla)
    return _view(ticket, sla, actor)


@router.post("/{ticket_id}/start", response_model=TicketRead)
async def start(ticket_id: str, session: SessionDep, actor: CurrentUser, sla: Sla):
    ticket = await service.start(session=session, ticket_id=ticket_id, actor=actor, sla=sla)
    return _view(ticket, sla, actor)


@router.post(
    "/{ticket_id}/comments", status_code=status.HTTP_201_CREATED, response_model=TicketRead
)
async def comment(
    ticket_id: str, data: CommentIn, session: SessionDep, actor: CurrentUser, sla: Sla
):
    ticket = await service.comment(
        session=session, ticket_id=ticket_id, data=data, actor=actor, sla=sla
    )
    return _view(ticket, sla, actor)


@router.post("/{ticket_id}/transfer", response_model=TicketRead)
async def transfer(
    ticket_id: str, data: TransferIn, session: SessionDep, actor: CurrentUser, sla: Sla
):
    ticket = await service.transfer(
        session=session, ticket_id=ticket_id, data=data, actor=actor, sla=sla
    )
    return _view(ticket, sla, actor)


@router.post(
    "/{ticket_id}/coordinate", status_code=status.HTTP_201_CREATED, response_model=CoordinationRead
)
async def coordinate(
    ticket_id: str, data: CoordinateIn, session: SessionDep, actor: CurrentUser, sla: Sla
):
    return await service.coordinate(
        session=session, ticket_id=ticket_id, data=data, actor=actor, sla=sla
    )


@router.get("/{ticket_id}/coordinations", response_model=list[CoordinationRead])
async def list_coordinations(ticket_id: str, session: SessionDep, viewer: CurrentUser):
    return await service.list_coordinations(session=session, ticket_id=ticket_id, viewer=viewer)


@router.post(
    "/{ticket_id}/coordinations/{coordination_id}/complete", response_model=CoordinationRead
)
async def complete_coordination(
    ticket_id: str,
    coordination_id: str,
    data: CoordinationCompleteIn,
    session: SessionDep,
    actor: CurrentUser,
    sla: Sla,
):
    return await service.complete_coordination(
        session=session,
        ticket_id=ticket_id,
        coordination_id=coordination_id,
        data=data,
        actor=actor,
        sla=sla,
    )


@router.post("/{ticket_id}/wait", response_model=TicketRead)
async def wait_for_requester(
    ticket_id: str, data: WaitIn, session: SessionDep, actor: CurrentUser, sla: Sla
):
    ticket = await service.wait_for_requester(
        session=session, ticket_id=ticket_id, data=data, actor=actor, sla=sla
    )
    return _view(ticket, sla, actor)


@router.post("/{ticket_id}/resume", response_model=TicketRead)
async def resume(ticket_id: str, session: SessionDep, actor: CurrentUser, sla: Sla):
    ticket = await service.resume(session=session, ticket_id=ticket_id, actor=actor, sla=sla)
    return _view(ticket, sla, actor)


@router.post("/{ticket_id}/resolve", response_model=TicketRead)
async def resolve(
    ticket_id: str, data: ResolveIn, session: SessionDep, actor: CurrentUser, sla: Sla
):
    ticket = await service.resolve(
        session=session, ticket_id=ticket_id, data=data, actor=actor, sla=sla
    )
    return _view(ticket, sla, actor)


@router.post("/{ticket_id}/confirm", response_model=TicketRead)
async def confirm(
    ticket_id: str, data: ConfirmIn, session: SessionDep, actor: CurrentUser, sla: Sla
):
    ticket = await service.confirm(
        session=session, ticket_id=ticket_id, data=data, actor=actor, sla=sla
    )
    return _view(ticket, sla, actor)
