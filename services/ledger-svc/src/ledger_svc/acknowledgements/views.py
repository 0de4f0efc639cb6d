from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from guanjia_shared.auth import CurrentUser, Principal, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from ledger_svc.acknowledgements import policy, service
from ledger_svc.acknowledgements.models import (
    AcknowledgementIn,
    AcknowledgementRead,
    DistributionIn,
    DistributionRead,
    ReadingStatus,
    ToRead,
)
from ledger_svc.config import ServiceSettings

# Who may do what: acknowledgements/policy.py (the service checks it per document; the
# routes name the roles that may call them at all).
router = APIRouter(
    prefix="/api/v1/ledger/quality",
    tags=["quality"],
    dependencies=[Depends(require_roles(*policy.READERS))],
)
Distributor = Annotated[Principal, Depends(require_roles(*policy.DISTRIBUTORS))]


@router.post("/documents/{document_id}/distribution", response_model=DistributionRead)
async def distribute(
    document_id: str,
    data: DistributionIn,
    session: SessionDep,
    actor: Distributor,
    settings: ServiceSettings,
):
    """Adds roles and departments to the audience of a document in force."""
    return await service.distribute(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        document_id=document_id,
        data=data,
    )


@router.get("/documents/{document_id}/distribution", response_model=DistributionRead)
async def read_distribution(
    document_id: str, session: SessionDep, actor: CurrentUser, settings: ServiceSettings
):
    return await service.read_distribution(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        document_id=document_id,
    )


@router.post(
    "/documents/{document_id}/acknowledgements",
    status_code=status.HTTP_201_CREATED,
    response_model=AcknowledgementRead,
    responses={200: {"model": AcknowledgementRead, "description": "acknowledged already"}},
)
async def acknowledge(
    document_id: str,
    data: AcknowledgementIn,
    session: SessionDep,
    actor: CurrentUser,
    settings: ServiceSettings,
    response: Response,
):
    """The caller read the revision in force: 201 the first time, 200 with the first
    acknowledgement (`already_acknowledged`) after."""
    acknowledgement = await service.acknowledge(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        document_id=document_id,
        data=data,
    )
    if acknowledgement.already_acknowledged:
        response.status_code = status.HTTP_200_OK
    return acknowledgement


@router.get("/documents/{document_id}/reading", response_model=ReadingStatus)
async def reading_status(
    document_id: str, session: SessionDep, actor: CurrentUser, settings: ServiceSettings
):
    return await service.reading_status(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        document_id=document_id,
    )


@router.get("/to-read", response_model=Page[ToRead])
async def documents_to_read(
    session: SessionDep,
    actor: CurrentUser,
    settings: ServiceSettings,
    page: PageQuery,
    acknowledged: Annotated[
        bool, Query(description="false (default): those still to read; true: those read")
    ] = False,
):
    """The signed-in person's documents to read (我的待阅文件)."""
    items, total = await service.documents_to_read(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        page=page,
        acknowledged=acknowledged,
    )
    return {"items": items, "total": total}
