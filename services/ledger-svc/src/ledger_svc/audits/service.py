"""The rules of internal audits (the programme, the audit and its lifecycle: models.py;
who: policy.py).

- One programme per year (409 `one-programme-per-year`); an audit is planned within its
  programme's year (422 at `#/starts_on` or `#/ends_on`).
- Auditors do not audit their own work (409 `auditor-independence`, naming the auditor and
  the department, or the document): no member of the team, the lead auditor included, is of
  a department the audit audits — its scope's departments, and those owning the documents in
  force of its processes — nor owns a document in force in its scope. A member's department
  is the one the planner named and, when ledger-svc knows the person
  (acknowledgements/models.py, `ProcedureReader`), the one their latest token gave: either
  audited refuses. Checked at planning and again at the start, against the register as it
  then is.
- The moves go in order (409 `audit-status`, with `audit_status`, the status it is at, and
  `needed_status`, the one the move needs): planned → in_progress (the start generates the
  checklist; a scope without a document in force is refused, 409 `audit-scope-empty`) →
  reported (every checklist line assessed, 409 `every-line-assessed`, with `unassessed`) →
  closed (each nonconformity finding with its nonconformity opened, 409
  `nonconformities-opened`, with `findings`).
- Findings are recorded while the audit is in progress (409 `audit-status`). A finding on a
  line takes the line's department and procedure; one on the audit as a whole may name a
  department it audits and a procedure of the register, and must for a nonconformity (422).
- From a nonconformity finding (409 `nonconformity-findings-only`) one nonconformity is
  opened (409 `one-nonconformity-per-finding`), through nonconformities/service.py
  `open_nonconformity`, source `audit`, its `audit_finding_id` the finding: the finding's
  row is locked first, so two openings at once take turns and the second sees the first.

Every write locks the audit's row first (FOR UPDATE on PostgreSQL; SQLite has one writer),
so a finding and the report, or the report and the closing, take turns.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound, PreconditionFailed, invalid_field
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page
from ledger_svc.acknowledgements.models import ProcedureReader
from ledger_svc.audits import policy
from ledger_svc.audits.models import (
    Audit,
    AuditAuditor,
    AuditChecklistLine,
    AuditCloseIn,
    AuditDepartment,
    AuditDetail,
    AuditFinding,
    AuditorIn,
    AuditorRead,
    AuditPlan,
    AuditProgramme,
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
from ledger_svc.events import LedgerEvent
from ledger_svc.nonconformities import service as nonconformities
from ledger_svc.nonconformities.models import Nonconformity, NonconformityOpen, Source
from ledger_svc.quality.models import DocumentStatus, ProcedureDocument

# --- the programme -------------------------------------------------------------------------


async def create_programme(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, data: ProgrammeCreate
) -> AuditProgramme:
    policy.ensure_may_plan(actor, quality_office)
    taken = await session.scalar(select(AuditProgramme.id).where(AuditProgramme.year == data.year))
    if taken is not None:
        raise Conflict(
            f"the audit programme of {data.year} exists already", rule="one-programme-per-year"
        )
    programme = AuditProgramme(year=data.year, title=data.title, created_by=actor.id)
    session.add(programme)
    await session.flush()
    await record_event(
        session,
        LedgerEvent.audit_programme_created,
        subject=programme.id,
        data={
            "programme_id": programme.id,
            "year": programme.year,
            "title": programme.title,
            "actor": actor.id,
        },
    )
    await session.commit()
    return programme


async def list_programmes(
    *, session: AsyncSession, actor: Principal, page: PageParams
) -> tuple[list[AuditProgramme], int]:
    """The programmes, the latest year first."""
    policy.ensure_may_read(actor)
    query = select(AuditProgramme).order_by(AuditProgramme.year.desc())
    return await fetch_page(session, query, page)


async def read_programme(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, programme_id: str
) -> ProgrammeDetail:
    policy.ensure_may_read(actor)
    programme = await _programme(session, programme_id)
    audits = (
        await session.execute(
            select(Audit)
            .where(Audit.programme_id == programme.id, policy.visible_audits(actor, quality_office))
            .order_by(Audit.starts_on, Audit.id)
        )
    ).scalars()
    return ProgrammeDetail(
        **ProgrammeRead.model_validate(programme).model_dump(),
        audits=[AuditRead.model_validate(audit) for audit in audits],
    )


# --- planning ------------------------------------------------------------------------------


async def plan_audit(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    programme_id: str,
    data: AuditPlan,
) -> Audit:
    policy.ensure_may_plan(actor, quality_office)
    programme = await _programme(session, programme_id)
    for field in ("starts_on", "ends_on"):
        day: dt.date = getattr(data, field)
        if day.year != programme.year:
            raise invalid_field(
                f"{day} is not in {programme.year}, the programme's year", f"#/{field}"
            )
    documents = await _documents_in_scope(session, data.processes, data.departments)
    audited = set(data.departments) | {document.department for document in documents}
    team = [(data.lead_auditor, True), *((auditor, False) for auditor in data.auditors)]
    await _ensure_independent(
        session, [(member.person_id, member.department) for member, _ in team], audited, documents
    )
    audit = Audit(
        programme_id=programme.id,
        title=data.title,
        processes=list(data.processes),
        departments=list(data.departments),
        lead_auditor_id=data.lead_auditor.person_id,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        planned_by=actor.id,
    )
    session.add(audit)
    await session.flush()
    session.add_all(_member(audit, member, lead) for member, lead in team)
    session.add_all(
        AuditDepartment(audit_id=audit.id, department=department) for department in sorted(audited)
    )
    await session.flush()
    await _record(session, LedgerEvent.audit_planned, audit, actor, year=programme.year)
    await session.commit()
    return audit


async def list_audits(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    page: PageParams,
    year: int | None = None,
    status: AuditStatus | None = None,
    department: str | None = None,
) -> tuple[list[Audit], int]:
    """The audits the caller sees, by start date then id."""
    query = select(Audit).where(policy.visible_audits(actor, quality_office))
    if year is not None:
        query = query.join(AuditProgramme, AuditProgramme.id == Audit.programme_id).where(
            AuditProgramme.year == year
        )
    if status is not None:
        query = query.where(Audit.status == status.value)
    if department is not None:
        query = query.where(
            select(AuditDepartment.id)
            .where(AuditDepartment.audit_id == Audit.id, AuditDepartment.department == department)
            .exists()
        )
    return await fetch_page(session, query.order_by(Audit.starts_on, Audit.id), page)


async def read_audit(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, audit_id: str
) -> AuditDetail:
    audit = await _visible_audit(session, actor, quality_office, audit_id)
    return await _detail(session, audit)


# --- the moves -----------------------------------------------------------------------------


async def start_audit(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    audit_id: str,
    expected_version: int | None,
) -> AuditDetail:
    """In progress, with its checklist: one line per document in force in scope, as the
    register has it now."""
    audit = await _audit_for_writing(session, actor, quality_office, audit_id, expected_version)
    policy.ensure_may_start(actor, audit, quality_office)
    _ensure_status(audit, AuditStatus.planned, "start")
    documents = await _documents_in_scope(session, audit.processes, audit.departments)
    if not documents:
        raise Conflict(
            f"no document in force is in the scope of {audit.title}", rule="audit-scope-empty"
        )
    audited = set(audit.departments) | {document.department for document in documents}
    team = await _team(session, audit.id)
    await _ensure_independent(
        session, [(member.person_id, member.department) for member in team], audited, documents
    )
    known = set(
        (
            await session.execute(
                select(AuditDepartment.department).where(AuditDepartment.audit_id == audit.id)
            )
        ).scalars()
    )
    session.add_all(
        AuditDepartment(audit_id=audit.id, department=department)
        for department in sorted(audited - known)
    )
    session.add_all(
        AuditChecklistLine(
            audit_id=audit.id,
            position=position,
            document_id=document.id,
            code=document.code,
            title=document.title,
            kind=document.kind,
            department=document.department,
            process=document.process,
            revision_number=document.effective_revision,
        )
        for position, document in enumerate(documents, start=1)
    )
    audit.status = AuditStatus.in_progress.value
    audit.line_count = len(documents)
    audit.started_at = now()
    audit.started_by = actor.id
    audit.version += 1
    session.add(audit)
    await session.flush()
    await _record(session, LedgerEvent.audit_started, audit, actor)
    await session.commit()
    return await _detail(session, audit)


async def record_finding(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    audit_id: str,
    data: FindingIn,
) -> FindingRead:
    audit = await _audit_for_writing(session, actor, quality_office, audit_id)
    policy.ensure_on_the_team(actor, await _team(session, audit.id))
    _ensure_status(audit, AuditStatus.in_progress, "record a finding")
    line = None
    department, procedure_code = data.department, data.procedure_code
    if data.line_id is not None:
        line = await session.get(AuditChecklistLine, data.line_id)
        if line is None or line.audit_id != audit.id:
            raise invalid_field(f"{audit.title} has no checklist line {data.line_id}", "#/line_id")
        for field in ("department", "procedure_code"):
            if getattr(data, field) is not None:
                raise invalid_field(
                    "a finding on a checklist line takes the line's department and procedure",
                    f"#/{field}",
                )
        department, procedure_code = line.department, line.code
    else:
        await _check_audit_wide(session, audit, data)
    finding = AuditFinding(
        audit_id=audit.id,
        line_id=line.id if line is not None else None,
        kind=data.kind.value,
        severity=data.severity.value if data.severity is not None else None,
        evidence=data.evidence,
        department=department,
        procedure_code=procedure_code,
        recorded_by=actor.id,
    )
    session.add(finding)
    audit.version += 1
    session.add(audit)
    await session.flush()
    await _record(
        session, LedgerEvent.audit_finding_recorded, audit, actor, finding=_finding_facts(finding)
    )
    await session.commit()
    return _finding_read(finding, line, None)


async def report_audit(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    audit_id: str,
    data: AuditReportIn,
    expected_version: int | None,
) -> AuditDetail:
    audit = await _audit_for_writing(session, actor, quality_office, audit_id, expected_version)
    policy.ensure_may_report(actor, audit)
    _ensure_status(audit, AuditStatus.in_progress, "report")
    unassessed = (
        (
            await session.execute(
                select(AuditChecklistLine.code)
                .where(
                    AuditChecklistLine.audit_id == audit.id,
                    ~select(AuditFinding.id)
                    .where(AuditFinding.line_id == AuditChecklistLine.id)
                    .exists(),
                )
                .order_by(AuditChecklistLine.position)
            )
        )
        .scalars()
        .all()
    )
    if unassessed:
        raise Conflict(
            f"{len(unassessed)} of the {audit.line_count} checklist lines of {audit.title} are "
            f"not assessed ({', '.join(unassessed)}): every line is assessed before the report",
            rule="every-line-assessed",
            unassessed=list(unassessed),
        )
    audit.status = AuditStatus.reported.value
    audit.reported_at = now()
    audit.report = data.report
    audit.version += 1
    session.add(audit)
    await session.flush()
    await _record(
        session,
        LedgerEvent.audit_reported,
        audit,
        actor,
        findings_by_kind=await _findings_by_kind(session, audit.id),
    )
    await session.commit()
    return await _detail(session, audit)


async def close_audit(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    audit_id: str,
    data: AuditCloseIn,
    expected_version: int | None,
) -> AuditDetail:
    audit = await _audit_for_writing(session, actor, quality_office, audit_id, expected_version)
    policy.ensure_may_close(actor, quality_office)
    _ensure_status(audit, AuditStatus.reported, "close")
    findings = (
        (
            await session.execute(
                select(AuditFinding.id)
                .where(
                    AuditFinding.audit_id == audit.id,
                    AuditFinding.kind == FindingKind.nonconformity.value,
                    ~select(Nonconformity.id)
                    .where(Nonconformity.audit_finding_id == AuditFinding.id)
                    .exists(),
                )
                .order_by(AuditFinding.recorded_at, AuditFinding.id)
            )
        )
        .scalars()
        .all()
    )
    if findings:
        raise Conflict(
            f"{len(findings)} nonconformity findings of {audit.title} have no nonconformity "
            "opened: each is opened before the audit closes",
            rule="nonconformities-opened",
            findings=list(findings),
        )
    audit.status = AuditStatus.closed.value
    audit.closed_at = now()
    audit.closed_by = actor.id
    audit.close_note = data.note
    audit.version += 1
    session.add(audit)
    await session.flush()
    await _record(
        session,
        LedgerEvent.audit_closed,
        audit,
        actor,
        findings_by_kind=await _findings_by_kind(session, audit.id),
    )
    await session.commit()
    return await _detail(session, audit)


# --- the checklist and the findings --------------------------------------------------------


async def checklist(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, audit_id: str
) -> list[ChecklistLineRead]:
    """The lines in their order, each with its findings (empty before the start)."""
    audit = await _visible_audit(session, actor, quality_office, audit_id)
    lines = (
        (
            await session.execute(
                select(AuditChecklistLine)
                .where(AuditChecklistLine.audit_id == audit.id)
                .order_by(AuditChecklistLine.position)
            )
        )
        .scalars()
        .all()
    )
    by_line: dict[str | None, list[FindingRead]] = {}
    for finding in await _findings(session, audit.id, {line.id: line for line in lines}):
        by_line.setdefault(finding.line_id, []).append(finding)
    return [
        ChecklistLineRead(
            id=line.id,
            audit_id=line.audit_id,
            position=line.position,
            document_id=line.document_id,
            code=line.code,
            title=line.title,
            kind=line.kind,
            department=line.department,
            process=line.process,
            revision_number=line.revision_number,
            assessed=bool(by_line.get(line.id)),
            findings=by_line.get(line.id, []),
        )
        for line in lines
    ]


async def list_findings(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    audit_id: str,
    kind: FindingKind | None = None,
) -> list[FindingRead]:
    """The audit's findings in the order recorded."""
    audit = await _visible_audit(session, actor, quality_office, audit_id)
    lines = (
        await session.execute(
            select(AuditChecklistLine).where(AuditChecklistLine.audit_id == audit.id)
        )
    ).scalars()
    findings = await _findings(session, audit.id, {line.id: line for line in lines})
    return [finding for finding in findings if kind is None or finding.kind == kind]


async def open_nonconformity_from_finding(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    audit_id: str,
    finding_id: str,
    data: NonconformityFromFinding,
) -> Nonconformity:
    audit = await _visible_audit(session, actor, quality_office, audit_id)
    finding = await session.get(AuditFinding, finding_id, with_for_update=True)
    if finding is None or finding.audit_id != audit.id:
        raise NotFound(f"{audit.title} has no finding {finding_id}")
    if finding.kind != FindingKind.nonconformity:
        raise Conflict(
            f"the finding is {FindingKind(finding.kind).label}: a nonconformity is opened from "
            "a nonconformity finding",
            rule="nonconformity-findings-only",
        )
    opened = await session.scalar(
        select(Nonconformity.id).where(Nonconformity.audit_finding_id == finding.id)
    )
    if opened is not None:
        raise Conflict(
            f"nonconformity {opened} is opened for this finding already",
            rule="one-nonconformity-per-finding",
            nonconformity_id=opened,
        )
    return await nonconformities.open_nonconformity(
        session=session,
        actor=actor,
        quality_office=quality_office,
        data=NonconformityOpen(
            source=Source.audit,
            audit_finding_id=finding.id,
            procedure_code=finding.procedure_code,
            department=finding.department,
            description=data.description or finding.evidence,
        ),
    )


# --- helpers -------------------------------------------------------------------------------


async def _programme(session: AsyncSession, programme_id: str) -> AuditProgramme:
    programme = await session.get(AuditProgramme, programme_id)
    if programme is None:
        raise NotFound(f"no audit programme {programme_id}")
    return programme


async def _visible_audit(
    session: AsyncSession, actor: Principal, quality_office: str | None, audit_id: str
) -> Audit:
    audit = await session.scalar(
        select(Audit).where(Audit.id == audit_id, policy.visible_audits(actor, quality_office))
    )
    if audit is None:
        raise NotFound(f"no audit {audit_id}")
    return audit


async def _audit_for_writing(
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    audit_id: str,
    expected_version: int | None = None,
) -> Audit:
    """The audit, seen by the caller and locked for the rest of the transaction."""
    await _visible_audit(session, actor, quality_office, audit_id)
    audit = await session.get(Audit, audit_id, with_for_update=True)
    if expected_version is not None and expected_version != audit.version:
        raise PreconditionFailed(f"it is at version {audit.version}, not {expected_version}")
    return audit


def _ensure_status(audit: Audit, needed: AuditStatus, move: str) -> None:
    if audit.status != needed:
        raise Conflict(
            f"{audit.title} is {AuditStatus(audit.status).label} ({audit.status}): to {move} "
            f"it is {needed.label} ({needed.value})",
            rule="audit-status",
            audit_status=audit.status,
            needed_status=needed.value,
        )


def _member(audit: Audit, member: AuditorIn, lead: bool) -> AuditAuditor:
    return AuditAuditor(
        audit_id=audit.id, person_id=member.person_id, department=member.department, lead=lead
    )


async def _team(session: AsyncSession, audit_id: str) -> list[AuditAuditor]:
    return list(
        (
            await session.execute(
                select(AuditAuditor)
                .where(AuditAuditor.audit_id == audit_id)
                .order_by(AuditAuditor.lead.desc(), AuditAuditor.person_id)
            )
        ).scalars()
    )


async def _documents_in_scope(
    session: AsyncSession, processes: list[str], departments: list[str]
) -> list[ProcedureDocument]:
    scope = []
    if processes:
        scope.append(ProcedureDocument.process.in_(processes))
    if departments:
        scope.append(ProcedureDocument.department.in_(departments))
    return list(
        (
            await session.execute(
                select(ProcedureDocument)
                .where(ProcedureDocument.status == DocumentStatus.effective.value, or_(*scope))
                .order_by(ProcedureDocument.department, ProcedureDocument.code)
            )
        ).scalars()
    )


async def _ensure_independent(
    session: AsyncSession,
    members: list[tuple[str, str | None]],
    audited: set[str],
    documents: list[ProcedureDocument],
) -> None:
    """ISO 9001:2015 9.2.2 c: auditors do not audit their own work — neither their
    department's nor a document in scope they own."""
    owned = {document.owner_id: document.code for document in documents}
    known = {
        reader.id: reader.department
        for reader in (
            await session.execute(
                select(ProcedureReader).where(
                    ProcedureReader.id.in_([person for person, _ in members])
                )
            )
        ).scalars()
    }
    for person, named in members:
        for department in (named, known.get(person)):
            if department is not None and department in audited:
                raise Conflict(
                    f"auditor {person} is of {department}, which the audit audits: auditors "
                    "do not audit their own work",
                    rule="auditor-independence",
                    auditor=person,
                    department=department,
                )
        if person in owned:
            raise Conflict(
                f"auditor {person} owns {owned[person]}, which the audit audits: auditors "
                "do not audit their own work",
                rule="auditor-independence",
                auditor=person,
                document=owned[person],
            )


async def _check_audit_wide(session: AsyncSession, audit: Audit, data: FindingIn) -> None:
    """A finding on the audit as a whole: a department it audits, a procedure of the
    register, both named for a nonconformity (it is opened against them)."""
    if data.kind == FindingKind.nonconformity:
        for field in ("department", "procedure_code"):
            if getattr(data, field) is None:
                raise invalid_field(
                    "a nonconformity on the audit as a whole names its department and procedure",
                    f"#/{field}",
                )
    if data.department is not None:
        audited = await session.scalar(
            select(AuditDepartment.id).where(
                AuditDepartment.audit_id == audit.id,
                AuditDepartment.department == data.department,
            )
        )
        if audited is None:
            raise invalid_field(f"{audit.title} does not audit {data.department}", "#/department")
    if data.procedure_code is not None:
        known = await session.scalar(
            select(ProcedureDocument.id).where(ProcedureDocument.code == data.procedure_code)
        )
        if known is None:
            raise invalid_field(
                f"the register has no document {data.procedure_code}", "#/procedure_code"
            )


async def _findings(
    session: AsyncSession, audit_id: str, lines: dict[str, AuditChecklistLine]
) -> list[FindingRead]:
    rows = await session.execute(
        select(AuditFinding, Nonconformity.id)
        .outerjoin(Nonconformity, Nonconformity.audit_finding_id == AuditFinding.id)
        .where(AuditFinding.audit_id == audit_id)
        .order_by(AuditFinding.recorded_at, AuditFinding.id)
    )
    return [
        _finding_read(finding, lines.get(finding.line_id), nonconformity_id)
        for finding, nonconformity_id in rows
    ]


def _finding_read(
    finding: AuditFinding, line: AuditChecklistLine | None, nonconformity_id: str | None
) -> FindingRead:
    return FindingRead(
        id=finding.id,
        audit_id=finding.audit_id,
        line_id=finding.line_id,
        code=line.code if line is not None else None,
        kind=finding.kind,
        severity=finding.severity,
        evidence=finding.evidence,
        department=finding.department,
        procedure_code=finding.procedure_code,
        recorded_at=finding.recorded_at,
        recorded_by=finding.recorded_by,
        nonconformity_id=nonconformity_id,
    )


async def _findings_by_kind(session: AsyncSession, audit_id: str) -> dict[str, int]:
    rows = await session.execute(
        select(AuditFinding.kind, func.count())
        .where(AuditFinding.audit_id == audit_id)
        .group_by(AuditFinding.kind)
    )
    counts = Counter({kind: count for kind, count in rows})
    return {kind.value: counts.get(kind.value, 0) for kind in FindingKind}


async def _detail(session: AsyncSession, audit: Audit) -> AuditDetail:
    audited = (
        await session.execute(
            select(AuditDepartment.department)
            .where(AuditDepartment.audit_id == audit.id)
            .order_by(AuditDepartment.department)
        )
    ).scalars()
    assessed = await session.scalar(
        select(func.count(func.distinct(AuditFinding.line_id))).where(
            AuditFinding.audit_id == audit.id, AuditFinding.line_id.is_not(None)
        )
    )
    return AuditDetail(
        **AuditRead.model_validate(audit).model_dump(),
        auditors=[AuditorRead.model_validate(member) for member in await _team(session, audit.id)],
        audited_departments=list(audited),
        assessed_lines=int(assessed or 0),
        findings_by_kind=await _findings_by_kind(session, audit.id),
    )


def _as_text(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _finding_facts(finding: AuditFinding) -> dict[str, Any]:
    """A finding without its evidence (events carry no texts)."""
    return {
        "id": finding.id,
        "line_id": finding.line_id,
        "kind": finding.kind,
        "severity": finding.severity,
        "department": finding.department,
        "procedure_code": finding.procedure_code,
    }


def audit_facts(audit: Audit) -> dict[str, Any]:
    return {
        "audit_id": audit.id,
        "programme_id": audit.programme_id,
        "title": audit.title,
        "processes": audit.processes,
        "departments": audit.departments,
        "lead_auditor_id": audit.lead_auditor_id,
        "starts_on": _as_text(audit.starts_on),
        "ends_on": _as_text(audit.ends_on),
        "status": audit.status,
        "line_count": audit.line_count,
    }


async def _record(
    session: AsyncSession, event: LedgerEvent, audit: Audit, actor: Principal, **extra: Any
) -> None:
    await record_event(
        session,
        event,
        subject=audit.id,
        data={**audit_facts(audit), **extra, "actor": actor.id},
    )
