from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status

from guanjia_shared.auth import BUREAU_ROLES, CurrentUser, Principal, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.etags import IfMatchVersion, etag_of
from guanjia_shared.pagination import Page, PageQuery, SearchQuery
from guanjia_shared.spreadsheets import XLSX_RESPONSE, xlsx_response
from ledger_svc.config import ServiceSettings
from ledger_svc.quality import policy, service
from ledger_svc.quality.models import (
    Abolition,
    ApprovalNote,
    DocumentCreate,
    DocumentDetail,
    DocumentKind,
    DocumentRead,
    DocumentStatus,
    DocumentUpdate,
    QualityOffice,
    Rejection,
    RevisionDiff,
    RevisionEdit,
    RevisionHeading,
    RevisionRead,
    RevisionStart,
    Submission,
)

# Who may do what: quality/policy.py (the service checks it per document; the routes
# name the roles that may call them at all).
router = APIRouter(
    prefix="/api/v1/ledger/quality/documents",
    tags=["quality"],
    dependencies=[Depends(require_roles(*policy.READERS))],
)
# The quality office by name, for the bureau's people: the console offers its staff what
# the register's keepers may do (GET /api/v1/ledger/quality/office).
office_router = APIRouter(
    prefix="/api/v1/ledger/quality",
    tags=["quality"],
    dependencies=[Depends(require_roles(*BUREAU_ROLES))],
)
Drafter = Annotated[Principal, Depends(require_roles(*policy.DRAFTERS))]
Approver = Annotated[Principal, Depends(require_roles(*policy.APPROVERS))]
Abolisher = Annotated[Principal, Depends(require_roles(*policy.ABOLISHERS))]
Number = Annotated[int, Path(ge=1, le=100_000)]
OwnerFilter = Annotated[
    str | None, Query(min_length=1, max_length=64, description="a person's id, or `me`")
]


def _revision_url(document_id: str, number: int) -> str:
    return f"{router.prefix}/{document_id}/revisions/{number}"


@router.post("", status_code=status.HTTP_201_CREATED, response_model=DocumentRead)
async def create_document(
    data: DocumentCreate,
    session: SessionDep,
    actor: Drafter,
    settings: ServiceSettings,
    response: Response,
):
    document = await service.create_document(
        session=session, actor=actor, quality_office=settings.quality_office, data=data
    )
    response.headers["ETag"] = etag_of(document.version)
    response.headers["Location"] = f"{router.prefix}/{document.id}"
    return document


@router.get("", response_model=Page[DocumentRead], responses=XLSX_RESPONSE)
async def list_documents(
    session: SessionDep,
    actor: CurrentUser,
    settings: ServiceSettings,
    page: PageQuery,
    q: SearchQuery = None,
    status: Annotated[DocumentStatus | None, Query(description="effective unless asked")] = None,
    kind: DocumentKind | None = None,
    department: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    owner_id: OwnerFilter = None,
    review_overdue: Annotated[
        bool, Query(description="only those in force whose review date has passed")
    ] = False,
    format: Literal["json", "xlsx"] = "json",
):
    """The register in pages; `format=xlsx` answers every matching document as a
    spreadsheet (受控文件清单)."""
    filters = {
        "status": status,
        "kind": kind,
        "department": department,
        "owner_id": actor.id if owner_id == "me" else owner_id,
        "q": q,
        "review_overdue": review_overdue,
    }
    if format == "xlsx":
        filename, content = await service.register_spreadsheet(
            session=session, actor=actor, quality_office=settings.quality_office, **filters
        )
        return xlsx_response(content, filename)
    items, total = await service.list_documents(
        session=session, actor=actor, quality_office=settings.quality_office, page=page, **filters
    )
    return {"items": items, "total": total}


@router.get("/{document_id}", response_model=DocumentDetail)
async def read_document(
    document_id: str,
    session: SessionDep,
    actor: CurrentUser,
    settings: ServiceSettings,
    response: Response,
):
    document = await service.read_document(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        document_id=document_id,
    )
    response.headers["ETag"] = etag_of(document.version)
    return document


@router.patch("/{document_id}", response_model=DocumentRead)
async def update_document(
    document_id: str,
    data: DocumentUpdate,
    session: SessionDep,
    actor: Drafter,
    settings: ServiceSettings,
    response: Response,
    expected_version: IfMatchVersion,
):
    document = await service.update_document(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        document_id=document_id,
        data=data,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(document.version)
    return document


@router.post("/{document_id}/abolish", response_model=DocumentRead)
async def abolish_document(
    document_id: str,
    data: Abolition,
    session: SessionDep,
    actor: Abolisher,
    settings: ServiceSettings,
    response: Response,
    expected_version: IfMatchVersion,
):
    document = await service.abolish_document(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        document_id=document_id,
        data=data,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(document.version)
    return document


@router.post(
    "/{document_id}/revisions", status_code=status.HTTP_201_CREATED, response_model=RevisionRead
)
async def start_revision(
    document_id: str,
    data: RevisionStart,
    session: SessionDep,
    actor: Drafter,
    settings: ServiceSettings,
    response: Response,
):
    revision = await service.start_revision(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        document_id=document_id,
        data=data,
    )
    response.headers["ETag"] = etag_of(revision.version)
    response.headers["Location"] = _revision_url(document_id, revision.number)
    return revision


@router.get("/{document_id}/revisions", response_model=list[RevisionHeading])
async def list_revisions(
    document_id: str, session: SessionDep, actor: CurrentUser, settings: ServiceSettings
):
    return await service.list_revisions(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        document_id=document_id,
    )


@router.get("/{document_id}/revisions/{number}", response_model=RevisionRead)
async def read_revision(
    document_id: str,
    number: Number,
    session: SessionDep,
    actor: CurrentUser,
    settings: ServiceSettings,
    response: Response,
):
    revision = await service.read_revision(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        document_id=document_id,
        number=number,
    )
    response.headers["ETag"] = etag_of(revision.version)
    return revision


@router.patch("/{document_id}/revisions/{number}", response_model=RevisionRead)
async def edit_revision(
    document_id: str,
    number: Number,
    data: RevisionEdit,
    session: SessionDep,
    actor: Drafter,
    settings: ServiceSettings,
    response: Response,
    expected_version: IfMatchVersion,
):
    revision = await service.edit_revision(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        document_id=document_id,
        number=number,
        data=data,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(revision.version)
    return revision


@router.post("/{document_id}/revisions/{number}/submit", response_model=RevisionRead)
async def submit_revision(
    document_id: str,
    number: Number,
    data: Submission,
    session: SessionDep,
    actor: Drafter,
    settings: ServiceSettings,
    response: Response,
    expected_version: IfMatchVersion,
):
    revision = await service.submit_revision(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        document_id=document_id,
        number=number,
        data=data,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(revision.version)
    return revision


@router.post("/{document_id}/revisions/{number}/approve", response_model=RevisionRead)
async def approve_revision(
    document_id: str, number: Number, data: ApprovalNote, session: SessionDep, actor: Approver
):
    return await service.approve_revision(
        session=session, actor=actor, document_id=document_id, number=number, data=data
    )


@router.post("/{document_id}/revisions/{number}/reject", response_model=RevisionRead)
async def reject_revision(
    document_id: str, number: Number, data: Rejection, session: SessionDep, actor: Approver
):
    return await service.reject_revision(
        session=session, actor=actor, document_id=document_id, number=number, data=data
    )


@router.get("/{document_id}/diff", response_model=RevisionDiff)
async def diff_revisions(
    document_id: str,
    session: SessionDep,
    actor: CurrentUser,
    settings: ServiceSettings,
    from_number: Annotated[int, Query(alias="from", ge=1, le=100_000)],
    to_number: Annotated[int, Query(alias="to", ge=1, le=100_000)],
):
    return await service.diff_revisions(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        document_id=document_id,
        from_number=from_number,
        to_number=to_number,
    )


@office_router.get("/office", response_model=QualityOffice)
async def quality_office(settings: ServiceSettings):
    return QualityOffice(department=settings.quality_office)
