from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response, status

from guanjia_shared.auth import CurrentUser, Principal, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.etags import IfMatchVersion, etag_of
from guanjia_shared.pagination import Page, PageQuery
from guanjia_shared.spreadsheets import XLSX_RESPONSE, xlsx_response
from ledger_svc.config import ServiceSettings
from ledger_svc.nonconformities import policy, service
from ledger_svc.nonconformities.models import (
    ActionCreate,
    ActionRead,
    Closing,
    Containment,
    NonconformityDetail,
    NonconformityOpen,
    NonconformityRead,
    RootCause,
    Source,
    Stage,
    Verdict,
)

# Who may do what: nonconformities/policy.py (the service checks it per nonconformity; the
# routes name the roles that may call them at all).
router = APIRouter(
    prefix="/api/v1/ledger/quality/nonconformities",
    tags=["quality"],
    dependencies=[Depends(require_roles(*policy.READERS))],
)
Opener = Annotated[Principal, Depends(require_roles(*policy.OPENERS))]
Worker = Annotated[Principal, Depends(require_roles(*policy.WORKERS))]
Verifier = Annotated[Principal, Depends(require_roles(*policy.VERIFIERS))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=NonconformityRead)
async def open_nonconformity(
    data: NonconformityOpen,
    session: SessionDep,
    actor: Opener,
    settings: ServiceSettings,
    response: Response,
):
    nonconformity = await service.open_nonconformity(
        session=session, actor=actor, quality_office=settings.quality_office, data=data
    )
    response.headers["ETag"] = etag_of(nonconformity.version)
    response.headers["Location"] = f"{router.prefix}/{nonconformity.id}"
    return nonconformity


@router.get("", response_model=Page[NonconformityRead], responses=XLSX_RESPONSE)
async def list_nonconformities(
    session: SessionDep,
    actor: CurrentUser,
    settings: ServiceSettings,
    page: PageQuery,
    stage: Stage | None = None,
    open: Annotated[bool | None, Query(description="true: not closed; false: closed")] = None,
    source: Source | None = None,
    department: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    procedure_code: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    format: Literal["json", "xlsx"] = "json",
):
    """Newest first, in pages; `format=xlsx` answers every matching nonconformity and its
    corrective actions as a spreadsheet (纠正措施台账)."""
    filters = {
        "stage": stage,
        "open_": open,
        "source": source,
        "department": department,
        "procedure_code": procedure_code,
    }
    if format == "xlsx":
        filename, content = await service.capa_spreadsheet(
            session=session, actor=actor, quality_office=settings.quality_office, **filters
        )
        return xlsx_response(content, filename)
    items, total = await service.list_nonconformities(
        session=session, actor=actor, quality_office=settings.quality_office, page=page, **filters
    )
    return {"items": items, "total": total}


@router.get("/{nonconformity_id}", response_model=NonconformityDetail)
async def read_nonconformity(
    nonconformity_id: str,
    session: SessionDep,
    actor: CurrentUser,
    settings: ServiceSettings,
    response: Response,
):
    detail = await service.read_nonconformity(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        nonconformity_id=nonconformity_id,
    )
    response.headers["ETag"] = etag_of(detail.version)
    return detail


@router.post("/{nonconformity_id}/containment", response_model=NonconformityRead)
async def record_containment(
    nonconformity_id: str,
    data: Containment,
    session: SessionDep,
    actor: Worker,
    settings: ServiceSettings,
    response: Response,
    expected_version: IfMatchVersion,
):
    nonconformity = await service.record_containment(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        nonconformity_id=nonconformity_id,
        data=data,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(nonconformity.version)
    return nonconformity


@router.post("/{nonconformity_id}/root-cause", response_model=NonconformityRead)
async def record_root_cause(
    nonconformity_id: str,
    data: RootCause,
    session: SessionDep,
    actor: Worker,
    settings: ServiceSettings,
    response: Response,
    expected_version: IfMatchVersion,
):
    nonconformity = await service.record_root_cause(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        nonconformity_id=nonconformity_id,
        data=data,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(nonconformity.version)
    return nonconformity


@router.post(
    "/{nonconformity_id}/actions", status_code=status.HTTP_201_CREATED, response_model=ActionRead
)
async def add_action(
    nonconformity_id: str,
    data: ActionCreate,
    session: SessionDep,
    actor: Worker,
    settings: ServiceSettings,
    response: Response,
):
    action = await service.add_action(
        session=session,
        actor=actor,
        settings=settings,
        nonconformity_id=nonconformity_id,
        data=data,
    )
    response.headers["Location"] = f"/api/v1/ledger/items/{action.item_id}"
    return action


@router.post("/{nonconformity_id}/effectiveness-check", response_model=NonconformityRead)
async def start_effectiveness_check(
    nonconformity_id: str,
    session: SessionDep,
    actor: Worker,
    settings: ServiceSettings,
    response: Response,
    expected_version: IfMatchVersion,
):
    nonconformity = await service.start_effectiveness_check(
        session=session,
        actor=actor,
        settings=settings,
        nonconformity_id=nonconformity_id,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(nonconformity.version)
    return nonconformity


@router.post("/{nonconformity_id}/verdict", response_model=NonconformityRead)
async def record_verdict(
    nonconformity_id: str,
    data: Verdict,
    session: SessionDep,
    actor: Verifier,
    settings: ServiceSettings,
    response: Response,
    expected_version: IfMatchVersion,
):
    nonconformity = await service.record_verdict(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        nonconformity_id=nonconformity_id,
        data=data,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(nonconformity.version)
    return nonconformity


@router.post("/{nonconformity_id}/close", response_model=NonconformityRead)
async def close_nonconformity(
    nonconformity_id: str,
    data: Closing,
    session: SessionDep,
    actor: Verifier,
    settings: ServiceSettings,
    response: Response,
    expected_version: IfMatchVersion,
):
    nonconformity = await service.close_nonconformity(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        nonconformity_id=nonconformity_id,
        data=data,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(nonconformity.version)
    return nonconformity
