from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response, status

from guanjia_shared.auth import CurrentUser, Principal, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.etags import IfMatchVersion, etag_of
from guanjia_shared.pagination import Page, PageQuery
from guanjia_shared.spreadsheets import XLSX_RESPONSE, xlsx_response
from ledger_svc.cleanups import policy, service
from ledger_svc.cleanups.models import (
    CleanupClose,
    CleanupDecisionKind,
    CleanupOpen,
    CleanupProgress,
    CleanupRead,
    CleanupStatus,
    DecisionIn,
    LineRead,
)
from ledger_svc.config import ServiceSettings

# Who may do what: cleanups/policy.py (the service checks it; the routes name the roles
# that may call them at all: the quality office is a department, of any role).
router = APIRouter(
    prefix="/api/v1/ledger/quality/cleanups",
    tags=["quality"],
    dependencies=[Depends(require_roles(*policy.READERS))],
)
Runner = Annotated[Principal, Depends(require_roles(*policy.RUNNERS))]
DepartmentFilter = Annotated[str | None, Query(min_length=1, max_length=100)]
DecidedFilter = Annotated[bool | None, Query(description="decided lines, or undecided ones")]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CleanupRead)
async def open_cleanup(
    data: CleanupOpen,
    session: SessionDep,
    actor: Runner,
    settings: ServiceSettings,
    response: Response,
):
    cleanup = await service.open_cleanup(
        session=session, actor=actor, quality_office=settings.quality_office, data=data
    )
    response.headers["ETag"] = etag_of(cleanup.version)
    response.headers["Location"] = f"{router.prefix}/{cleanup.id}"
    return cleanup


@router.get("", response_model=Page[CleanupRead])
async def list_cleanups(
    session: SessionDep,
    actor: CurrentUser,
    page: PageQuery,
    status: CleanupStatus | None = None,
):
    items, total = await service.list_cleanups(
        session=session, actor=actor, page=page, status=status
    )
    return {"items": items, "total": total}


@router.get("/{cleanup_id}", response_model=CleanupRead)
async def read_cleanup(
    cleanup_id: str, session: SessionDep, actor: CurrentUser, response: Response
):
    cleanup = await service.read_cleanup(session=session, actor=actor, cleanup_id=cleanup_id)
    response.headers["ETag"] = etag_of(cleanup.version)
    return cleanup


@router.get("/{cleanup_id}/progress", response_model=CleanupProgress)
async def cleanup_progress(
    cleanup_id: str, session: SessionDep, actor: CurrentUser, settings: ServiceSettings
):
    return await service.cleanup_progress(
        session=session, actor=actor, quality_office=settings.quality_office, cleanup_id=cleanup_id
    )


@router.get("/{cleanup_id}/lines", response_model=Page[LineRead], responses=XLSX_RESPONSE)
async def list_lines(
    cleanup_id: str,
    session: SessionDep,
    actor: CurrentUser,
    settings: ServiceSettings,
    page: PageQuery,
    department: DepartmentFilter = None,
    decided: DecidedFilter = None,
    decision: CleanupDecisionKind | None = None,
    format: Literal["json", "xlsx"] = "json",
):
    """The campaign's documents in pages, by department then code; `format=xlsx` answers
    every matching line as the result list (制度清理结果)."""
    filters = {"department": department, "decided": decided, "decision": decision}
    if format == "xlsx":
        filename, content = await service.lines_spreadsheet(
            session=session,
            actor=actor,
            quality_office=settings.quality_office,
            cleanup_id=cleanup_id,
            **filters,
        )
        return xlsx_response(content, filename)
    items, total = await service.list_lines(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        cleanup_id=cleanup_id,
        page=page,
        **filters,
    )
    return {"items": items, "total": total}


@router.get("/{cleanup_id}/lines/{line_id}", response_model=LineRead)
async def read_line(
    cleanup_id: str,
    line_id: str,
    session: SessionDep,
    actor: CurrentUser,
    settings: ServiceSettings,
):
    return await service.read_line(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        cleanup_id=cleanup_id,
        line_id=line_id,
    )


@router.post(
    "/{cleanup_id}/lines/{line_id}/decision",
    status_code=status.HTTP_201_CREATED,
    response_model=LineRead,
)
async def decide_line(
    cleanup_id: str,
    line_id: str,
    data: DecisionIn,
    session: SessionDep,
    actor: Runner,
    settings: ServiceSettings,
):
    return await service.decide_line(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        cleanup_id=cleanup_id,
        line_id=line_id,
        data=data,
    )


@router.post("/{cleanup_id}/close", response_model=CleanupRead)
async def close_cleanup(
    cleanup_id: str,
    data: CleanupClose,
    session: SessionDep,
    actor: Runner,
    settings: ServiceSettings,
    response: Response,
    expected_version: IfMatchVersion,
):
    cleanup = await service.close_cleanup(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        cleanup_id=cleanup_id,
        data=data,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(cleanup.version)
    return cleanup
