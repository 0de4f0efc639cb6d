from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from guanjia_shared.auth import Principal, current_user, require_roles
from guanjia_shared.bureau_time import AwareIsoDateTime, IsoDate
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from guanjia_shared.problem_docs import problem_response_doc
from ticket_svc.calendars import policy, service
from ticket_svc.calendars.models import (
    CalendarCreate,
    CalendarRead,
    CalendarUpdate,
    DueRead,
    ExceptionIn,
    ExceptionRead,
)

router = APIRouter(
    prefix="/api/v1/ticket/calendars", tags=["calendars"], dependencies=[Depends(current_user)]
)
Keeper = Annotated[Principal, Depends(require_roles(*policy.KEEPERS))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CalendarRead)
async def create_calendar(
    data: CalendarCreate, session: SessionDep, actor: Keeper, response: Response
):
    calendar = await service.create_calendar(session=session, data=data, actor=actor)
    response.headers["Location"] = f"{router.prefix}/{calendar.id}"
    return calendar


@router.get("", response_model=Page[CalendarRead])
async def list_calendars(session: SessionDep, page: PageQuery):
    items, total = await service.list_calendars(session=session, page=page)
    return {"items": items, "total": total}


@router.get("/{calendar_id}", response_model=CalendarRead)
async def get_calendar(calendar_id: str, session: SessionDep):
    return await service.get_calendar(session=session, calendar_id=calendar_id)


@router.patch("/{calendar_id}", response_model=CalendarRead)
async def update_calendar(
    calendar_id: str, data: CalendarUpdate, session: SessionDep, actor: Keeper
):
    return await service.update_calendar(
        session=session, calendar_id=calendar_id, data=data, actor=actor
    )


@router.put("/{calendar_id}/exceptions", response_model=list[ExceptionRead])
async def replace_exceptions(
    calendar_id: str, items: list[ExceptionIn], session: SessionDep, actor: Keeper
):
    return await service.replace_exceptions(
        session=session, calendar_id=calendar_id, items=items, actor=actor
    )


@router.get("/{calendar_id}/exceptions", response_model=Page[ExceptionRead])
async def list_exceptions(
    calendar_id: str,
    session: SessionDep,
    page: PageQuery,
    from_: Annotated[IsoDate | None, Query(alias="from")] = None,
    to: IsoDate | None = None,
):
    items, total = await service.list_exceptions(
        session=session, calendar_id=calendar_id, page=page, from_=from_, to=to
    )
    return {"items": items, "total": total}


@router.get(
    "/{calendar_id}/due",
    response_model=DueRead,
    responses={409: problem_response_doc(409, "The calendar has no working time to count")},
)
async def compute_due_time(
    calendar_id: str,
    session: SessionDep,
    start: AwareIsoDateTime,
    minutes: Annotated[int, Query(ge=0, le=service.MAX_DUE_MINUTES)],
):
    due_at = await service.compute_due_time(
        session=session, calendar_id=calendar_id, start=start, minutes=minutes
    )
    return {"calendar_id": calendar_id, "start": start, "minutes": minutes, "due_at": due_at}
