"""Accountability records over HTTP. Records and exemptions are append-only: there is no
PATCH or DELETE route, so those methods answer 405. Who may do and read what is in
policy.py, the rules of the exemption workflow in service.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from guanjia_shared.auth import CurrentUser, Principal, current_user, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from ticket_svc.accountability import policy, service
from ticket_svc.accountability.models import (
    AccountabilityKind,
    AccountabilityRecordCreate,
    AccountabilityRecordDetail,
    AccountabilityRecordRead,
    ExemptionApproval,
    ExemptionRejection,
    ExemptionRequest,
    RecordOrigin,
    RecordStatus,
)

router = APIRouter(
    prefix="/api/v1/ticket/accountability-records",
    tags=["accountability"],
    dependencies=[Depends(current_user)],
)
Recorder = Annotated[Principal, Depends(require_roles(*policy.RECORDERS))]
Decider = Annotated[Principal, Depends(require_roles(*policy.DECIDERS))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=AccountabilityRecordDetail)
async def create_record(
    data: AccountabilityRecordCreate, session: SessionDep, actor: Recorder, response: Response
):
    record = await service.create_record(session=session, data=data, actor=actor)
    response.headers["Location"] = f"{router.prefix}/{record.id}"
    return record


@router.get("", response_model=Page[AccountabilityRecordRead])
async def list_records(
    session: SessionDep,
    viewer: CurrentUser,
    page: PageQuery,
    department: Annotated[str | None, Query(max_length=100)] = None,
    person_id: Annotated[str | None, Query(max_length=36)] = None,
    kind: AccountabilityKind | None = None,
    status: RecordStatus | None = None,
    year: Annotated[int | None, Query(ge=1900, le=9999)] = None,
    origin: RecordOrigin | None = None,
    ticket_id: Annotated[str | None, Query(max_length=36)] = None,
):
    items, total = await service.list_records(
        session=session,
        viewer=viewer,
        page=page,
        department=department,
        person_id=person_id,
        kind=kind,
        status=status,
        year=year,
        origin=origin,
        ticket_id=ticket_id,
    )
    return {"items": items, "total": total}


@router.get("/{record_id}", response_model=AccountabilityRecordDetail)
async def get_record(record_id: str, session: SessionDep, viewer: CurrentUser):
    return await service.get_record(session=session, record_id=record_id, viewer=viewer)


@router.post(
    "/{record_id}/exemption",
    status_code=status.HTTP_201_CREATED,
    response_model=AccountabilityRecordDetail,
)
async def request_exemption(
    record_id: str, data: ExemptionRequest, session: SessionDep, actor: CurrentUser
):
    return await service.request_exemption(
        session=session, record_id=record_id, data=data, actor=actor
    )


@router.post("/{record_id}/exemption/approve", response_model=AccountabilityRecordDetail)
async def approve_exemption(
    record_id: str, session: SessionDep, actor: Decider, data: ExemptionApproval | None = None
):
    note = data.note if data is not None else None
    return await service.approve_exemption(
        session=session, record_id=record_id, note=note, actor=actor
    )


@router.post("/{record_id}/exemption/reject", response_model=AccountabilityRecordDetail)
async def reject_exemption(
    record_id: str, data: ExemptionRejection, session: SessionDep, actor: Decider
):
    return await service.reject_exemption(
        session=session, record_id=record_id, note=data.note, actor=actor
    )
