from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from guanjia_shared.auth import CurrentUser, Principal, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.etags import IfMatchVersion, etag_of
from guanjia_shared.pagination import Page, PageQuery
from ledger_svc.audits import policy, service
from ledger_svc.audits.models import (
    AuditCloseIn,
    AuditDetail,
    AuditPlan,
    AuditRead,
    AuditReportIn,
    AuditStatus,
    ChecklistLineRead,
    FindingIn,
    FindingKind,
    FindingRead,
    NonconformityFromFinding,
    ProgrammeCreate,
    ProgrammeDetail,
    ProgrammeRead,
)
from ledger_svc.config import ServiceSettings
from ledger_svc.nonconformities.models import NonconformityRead

# Who may do what: audits/policy.py (the service checks it per audit; the routes name the
# roles that may call them at all: the quality office and the auditors are of any role).
router = APIRouter(
    prefix="/api/v1/ledger/quality",
    tags=["quality"],
    dependencies=[Depends(require_roles(*policy.READERS))],
)
Writer = Annotated[Principal, Depends(require_roles(*policy.WRITERS))]
AUDIT = "/audits/{audit_id}"


@router.post("/audit-programmes", status_code=status.HTTP_201_CREATED, response_model=ProgrammeRead)
async def create_programme(
    data: ProgrammeCreate,
    session: SessionDep,
    actor: Writer,
    settings: ServiceSettings,
    response: Response,
):
    programme = await service.create_programme(
        session=session, actor=actor, quality_office=settings.quality_office, data=data
    )
    response.headers["Location"] = f"{router.prefix}/audit-programmes/{programme.id}"
    return programme


@router.get("/audit-programmes", response_model=Page[ProgrammeRead])
async def list_programmes(session: SessionDep, actor: CurrentUser, page: PageQuery):
    items, total = await service.list_programmes(session=session, actor=actor, page=page)
    return {"items": items, "total": total}


@router.get("/audit-programmes/{programme_id}", response_model=ProgrammeDetail)
async def read_programme(
    programme_id: str, session: SessionDep, actor: CurrentUser, settings: ServiceSettings
):
    return await service.read_programme(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        programme_id=programme_id,
    )


@router.post(
    "/audit-programmes/{programme_id}/audits",
    status_code=status.HTTP_201_CREATED,
    response_model=AuditRead,
)
async def plan_audit(
    programme_id: str,
    data: AuditPlan,
    session: SessionDep,
    actor: Writer,
    settings: ServiceSettings,
    response: Response,
):
    audit = await service.plan_audit(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        programme_id=programme_id,
        data=data,
    )
    response.headers["ETag"] = etag_of(audit.version)
    response.headers["Location"] = f"{router.prefix}/audits/{audit.id}"
    return audit


@router.get("/audits", response_model=Page[AuditRead])
async def list_audits(
    session: SessionDep,
    actor: CurrentUser,
    settings: ServiceSettings,
    page: PageQuery,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    status: AuditStatus | None = None,
    department: Annotated[
        str | None, Query(min_length=1, max_length=100, description="an audited department")
    ] = None,
):
    items, total = await service.list_audits(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        page=page,
        year=year,
        status=status,
        department=department,
    )
    return {"items": items, "total": total}


@router.get(AUDIT, response_model=AuditDetail)
async def read_audit(
    audit_id: str,
    session: SessionDep,
    actor: CurrentUser,
    settings: ServiceSettings,
    response: Response,
):
    audit = await service.read_audit(
        session=session, actor=actor, quality_office=settings.quality_office, audit_id=audit_id
    )
    response.headers["ETag"] = etag_of(audit.version)
    return audit


@router.post(f"{AUDIT}/start", response_model=AuditDetail)
async def start_audit(
    audit_id: str,
    session: SessionDep,
    actor: Writer,
    settings: ServiceSettings,
    response: Response,
    expected_version: IfMatchVersion,
):
    """In progress, with its checklist generated from the register as it is now."""
    audit = await service.start_audit(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        audit_id=audit_id,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(audit.version)
    return audit


@router.get(f"{AUDIT}/checklist", response_model=list[ChecklistLineRead])
async def checklist(
    audit_id: str, session: SessionDep, actor: CurrentUser, settings: ServiceSettings
):
    return await service.checklist(
        session=session, actor=actor, quality_office=settings.quality_office, audit_id=audit_id
    )


@router.post(f"{AUDIT}/findings", status_code=status.HTTP_201_CREATED, response_model=FindingRead)
async def record_finding(
    audit_id: str,
    data: FindingIn,
    session: SessionDep,
    actor: Writer,
    settings: ServiceSettings,
):
    return await service.record_finding(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        audit_id=audit_id,
        data=data,
    )


@router.get(f"{AUDIT}/findings", response_model=list[FindingRead])
async def list_findings(
    audit_id: str,
    session: SessionDep,
    actor: CurrentUser,
    settings: ServiceSettings,
    kind: FindingKind | None = None,
):
    return await service.list_findings(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        audit_id=audit_id,
        kind=kind,
    )


@router.post(
    f"{AUDIT}/findings/{{finding_id}}/nonconformity",
    status_code=status.HTTP_201_CREATED,
    response_model=NonconformityRead,
)
async def open_nonconformity(
    audit_id: str,
    finding_id: str,
    data: NonconformityFromFinding,
    session: SessionDep,
    actor: Writer,
    settings: ServiceSettings,
):
    """The nonconformity of a nonconformity finding (nonconformities/), once."""
    return await service.open_nonconformity_from_finding(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        audit_id=audit_id,
        finding_id=finding_id,
        data=data,
    )


@router.post(f"{AUDIT}/report", response_model=AuditDetail)
async def report_audit(
    audit_id: str,
    data: AuditReportIn,
    session: SessionDep,
    actor: Writer,
    settings: ServiceSettings,
    response: Response,
    expected_version: IfMatchVersion,
):
    audit = await service.report_audit(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        audit_id=audit_id,
        data=data,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(audit.version)
    return audit


@router.post(f"{AUDIT}/close", response_model=AuditDetail)
async def close_audit(
    audit_id: str,
    data: AuditCloseIn,
    session: SessionDep,
    actor: Writer,
    settings: ServiceSettings,
    response: Response,
    expected_version: IfMatchVersion,
):
    audit = await service.close_audit(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        audit_id=audit_id,
        data=data,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(audit.version)
    return audit
