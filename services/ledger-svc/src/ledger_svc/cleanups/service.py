"""The rules of a clean-up campaign (制度清理; the campaign and its lines: models.py; who:
policy.py).

- Opening lists every document of the register in scope that is not abolished, in the
  opening's transaction (the snapshot: see models.py); a scope that finds none is refused
  (409 `cleanup-scope-empty`).
- A decision names its owner and a deadline not yet passed (422 at `#/deadline`).
- Each line is decided exactly once (409 `decide-exactly-once`): the line's row is locked
  first (FOR UPDATE on PostgreSQL; SQLite has one writer), so of decisions made at once the
  first is kept and the others see it; the unique constraint on the decision's line holds
  even a writer that skipped the lock. The decision is written first, then its effect in
  the register, in the same transaction with both events: a refused effect keeps no
  decision, a kept decision always had its effect.
  - confirm (确认): a document in force stays as it is (409 `document-abolished`, or
    `confirm-documents-in-force` for a document never in force: there is nothing in force
    to confirm; revise or supplement carries on with its draft, abolish drops it).
  - abolish (废止): the register abolishes the document (quality/service.py
    `abolish_held_document`: its revisions and its `ledger.procedure.abolished` event), with
    the rationale as its reason. A document abolished in the register since the opening is
    recorded as abolished already (`already_abolished` in the event), not abolished twice:
    the campaign's list must still be able to close.
  - revise (修订), supplement (补充): the register opens the new draft from the revision in
    force (quality/service.py `open_draft`), authored by the decision's owner, who writes
    it, with the rationale as its reason for the change. When a revision is already on its
    way (a draft, in review, or approved before its effective date), the decision carries on
    with that one (`revision_reused`) instead of refusing: the register allows one revision
    at a time and has no withdrawing a draft, so a refusal would leave the line undecidable
    — and the campaign unclosable — until that revision were in force; the bureau wants the
    work already under way to be the revision the clean-up asked for. 409
    `document-abolished` for an abolished document.
- Closing needs every line decided (409 `every-document-decided`, with `undecided`); a
  closed campaign changes no more (409 `cleanup-closed`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import Select, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.bureau_time import bureau_today
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound, PreconditionFailed, invalid_field
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page
from ledger_svc.cleanups import policy
from ledger_svc.cleanups.exports import cleanup_workbook
from ledger_svc.cleanups.models import (
    DRAFTING,
    Cleanup,
    CleanupClose,
    CleanupDecision,
    CleanupDecisionKind,
    CleanupLine,
    CleanupOpen,
    CleanupProgress,
    CleanupStatus,
    DecisionIn,
    DecisionRead,
    DepartmentProgress,
    LineRead,
)
from ledger_svc.events import LedgerEvent
from ledger_svc.quality import policy as register_policy
from ledger_svc.quality import service as register
from ledger_svc.quality.models import (
    ON_ITS_WAY,
    DocumentStatus,
    ProcedureDocument,
    ProcedureRevision,
    RevisionStart,
)

# --- the campaign --------------------------------------------------------------------------


async def open_cleanup(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, data: CleanupOpen
) -> Cleanup:
    """The campaign, with a line for every document in scope not abolished, as the register
    has it now: the list does not change afterwards."""
    policy.ensure_may_run(actor, quality_office)
    query = select(ProcedureDocument).where(
        ProcedureDocument.status != DocumentStatus.abolished.value
    )
    if data.departments:
        query = query.where(ProcedureDocument.department.in_(data.departments))
    if data.kinds:
        query = query.where(ProcedureDocument.kind.in_([kind.value for kind in data.kinds]))
    documents = (await session.execute(query.order_by(ProcedureDocument.code))).scalars().all()
    if not documents:
        raise Conflict(
            "no document of the register in that scope is in force or on its way",
            rule="cleanup-scope-empty",
        )
    cleanup = Cleanup(
        name=data.name,
        departments=list(data.departments),
        kinds=[kind.value for kind in data.kinds],
        document_count=len(documents),
        opened_by=actor.id,
    )
    session.add(cleanup)
    await session.flush()
    session.add_all(
        CleanupLine(
            cleanup_id=cleanup.id,
            document_id=document.id,
            code=document.code,
            title=document.title,
            kind=document.kind,
            department=document.department,
            owner_id=document.owner_id,
            document_status=document.status,
            effective_revision=document.effective_revision,
        )
        for document in documents
    )
    await session.flush()
    in_scope = Counter(document.department for document in documents)
    await record_event(
        session,
        LedgerEvent.cleanup_opened,
        subject=cleanup.id,
        data={
            **cleanup_facts(cleanup),
            "in_scope_by_department": dict(sorted(in_scope.items())),
            "actor": actor.id,
        },
    )
    await session.commit()
    return cleanup


async def list_cleanups(
    *,
    session: AsyncSession,
    actor: Principal,
    page: PageParams,
    status: CleanupStatus | None = None,
) -> tuple[list[Cleanup], int]:
    """The campaigns, the latest opened first."""
    policy.ensure_may_read(actor)
    query = select(Cleanup)
    if status is not None:
        query = query.where(Cleanup.status == status.value)
    return await fetch_page(
        session, query.order_by(Cleanup.opened_at.desc(), Cleanup.id.desc()), page
    )


async def read_cleanup(*, session: AsyncSession, actor: Principal, cleanup_id: str) -> Cleanup:
    policy.ensure_may_read(actor)
    return await _cleanup(session, cleanup_id)


async def close_cleanup(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    cleanup_id: str,
    data: CleanupClose,
    expected_version: int | None,
) -> Cleanup:
    """Closed once every document on its list is decided."""
    policy.ensure_may_run(actor, quality_office)
    cleanup = await _cleanup(session, cleanup_id, for_update=True)
    _ensure_open(cleanup)
    if expected_version is not None and expected_version != cleanup.version:
        raise PreconditionFailed(f"it is at version {cleanup.version}, not {expected_version}")
    decided = await _decided_by_kind(session, cleanup.id)
    undecided = cleanup.document_count - sum(decided.values())
    if undecided:
        raise Conflict(
            f"{undecided} of the {cleanup.document_count} documents of {cleanup.name} are "
            "undecided: every document is decided before the campaign closes",
            rule="every-document-decided",
            undecided=undecided,
        )
    cleanup.status = CleanupStatus.closed.value
    cleanup.closed_at = now()
    cleanup.closed_by = actor.id
    cleanup.close_note = data.note
    cleanup.version += 1
    session.add(cleanup)
    await session.flush()
    await record_event(
        session,
        LedgerEvent.cleanup_closed,
        subject=cleanup.id,
        data={**cleanup_facts(cleanup), "decided": _every_kind(decided), "actor": actor.id},
    )
    await session.commit()
    return cleanup


# --- its lines -----------------------------------------------------------------------------


async def list_lines(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    cleanup_id: str,
    page: PageParams,
    department: str | None = None,
    decided: bool | None = None,
    decision: CleanupDecisionKind | None = None,
) -> tuple[list[LineRead], int]:
    """The lines the caller sees, by department then code."""
    cleanup = await read_cleanup(session=session, actor=actor, cleanup_id=cleanup_id)
    query = _lines_query(actor, quality_office, cleanup, department, decided, decision)
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.execute(query.limit(page.limit).offset(page.offset))
    return [_line_read(*row) for row in rows], int(total or 0)


async def read_line(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    cleanup_id: str,
    line_id: str,
) -> LineRead:
    cleanup = await read_cleanup(session=session, actor=actor, cleanup_id=cleanup_id)
    query = _lines_query(actor, quality_office, cleanup).where(CleanupLine.id == line_id)
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound(f"{cleanup.name} has no line {line_id}")
    return _line_read(*row)


async def decide_line(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    cleanup_id: str,
    line_id: str,
    data: DecisionIn,
) -> LineRead:
    """The line's one decision, and its effect in the register (see the module's text)."""
    policy.ensure_may_run(actor, quality_office)
    if data.deadline < bureau_today():
        raise invalid_field(f"the deadline ({data.deadline}) has passed", "#/deadline")
    cleanup = await _cleanup(session, cleanup_id)
    _ensure_open(cleanup)
    line = await session.get(CleanupLine, line_id, with_for_update=True)
    if line is None or line.cleanup_id != cleanup.id:
        raise NotFound(f"{cleanup.name} has no line {line_id}")
    earlier = await session.scalar(
        select(CleanupDecision.decision).where(CleanupDecision.line_id == line.id)
    )
    if earlier is not None:
        raise _decided_already(line, earlier)
    document = await session.get(ProcedureDocument, line.document_id, with_for_update=True)
    kind = data.decision
    if document.status == DocumentStatus.abolished and kind != CleanupDecisionKind.abolish:
        raise Conflict(
            f"document {document.code} is abolished; it changes no more",
            rule="document-abolished",
        )
    if kind == CleanupDecisionKind.confirm and document.status != DocumentStatus.effective:
        raise Conflict(
            f"document {document.code} has never been in force: there is nothing to confirm "
            "(revise or supplement carries on with its draft, abolish drops it)",
            rule="confirm-documents-in-force",
        )
    row = CleanupDecision(
        cleanup_id=cleanup.id,
        line_id=line.id,
        decision=kind.value,
        rationale=data.rationale,
        owner_id=data.owner_id,
        deadline=data.deadline,
        decided_by=actor.id,
    )
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        earlier = await session.scalar(
            select(CleanupDecision.decision).where(CleanupDecision.line_id == line.id)
        )
        if earlier is None:
            raise  # not the one-decision constraint: a mistake to see, not to swallow
        raise _decided_already(line, earlier) from None
    already_abolished = False
    if kind == CleanupDecisionKind.abolish:
        if document.status == DocumentStatus.abolished:
            already_abolished = True
        else:
            # The register's own rule of who abolishes, should it ever narrow.
            register_policy.ensure_may_abolish(actor, quality_office)
            await register.abolish_held_document(
                session, document, actor=actor, reason=data.rationale
            )
    elif kind in DRAFTING:
        on_its_way = await session.scalar(
            select(ProcedureRevision.number).where(
                ProcedureRevision.document_id == document.id,
                ProcedureRevision.status.in_(ON_ITS_WAY),
            )
        )
        if on_its_way is not None:
            row.revision_number, row.revision_reused = on_its_way, True
        else:
            draft = await register.open_draft(
                session,
                document,
                author_id=data.owner_id,
                data=RevisionStart(change_reason=data.rationale),
            )
            row.revision_number = draft.number
        session.add(row)
        await session.flush()
    await record_event(
        session,
        LedgerEvent.cleanup_decided,
        subject=cleanup.id,
        data={
            **cleanup_facts(cleanup),
            "line_id": line.id,
            "document_id": document.id,
            "code": line.code,
            "title": line.title,
            "kind": line.kind,
            "department": line.department,
            "decision": row.decision,
            "rationale": row.rationale,
            "owner_id": row.owner_id,
            "deadline": row.deadline.isoformat(),
            "revision_number": row.revision_number,
            "revision_reused": row.revision_reused,
            "already_abolished": already_abolished,
            "actor": actor.id,
        },
    )
    await session.commit()
    return _line_read(line, row, document.status)


async def cleanup_progress(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, cleanup_id: str
) -> CleanupProgress:
    """Decided against in scope, per department and decision, over the lines the caller
    sees."""
    cleanup = await read_cleanup(session=session, actor=actor, cleanup_id=cleanup_id)
    rows = await session.execute(
        select(CleanupLine.department, CleanupDecision.decision, func.count())
        .join(ProcedureDocument, ProcedureDocument.id == CleanupLine.document_id)
        .outerjoin(CleanupDecision, CleanupDecision.line_id == CleanupLine.id)
        .where(CleanupLine.cleanup_id == cleanup.id, policy.visible_lines(actor, quality_office))
        .group_by(CleanupLine.department, CleanupDecision.decision)
    )
    in_scope: Counter[str] = Counter()
    decided: dict[str, Counter[str]] = {}
    for department, decision, count in rows:
        in_scope[department] += count
        kinds = decided.setdefault(department, Counter())
        if decision is not None:
            kinds[decision] += count
    departments = [
        DepartmentProgress(
            department=department,
            in_scope=in_scope[department],
            decided=sum(decided[department].values()),
            by_decision=_every_kind(decided[department]),
        )
        for department in sorted(in_scope)
    ]
    overall = sum(decided.values(), Counter())
    return CleanupProgress(
        cleanup_id=cleanup.id,
        status=CleanupStatus(cleanup.status),
        in_scope=sum(in_scope.values()),
        decided=sum(overall.values()),
        by_decision=_every_kind(overall),
        departments=departments,
    )


async def lines_spreadsheet(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    cleanup_id: str,
    department: str | None = None,
    decided: bool | None = None,
    decision: CleanupDecisionKind | None = None,
) -> tuple[str, bytes]:
    """The lines the list would answer, every one, as an .xlsx file (cleanups/exports.py):
    its file name and content."""
    cleanup = await read_cleanup(session=session, actor=actor, cleanup_id=cleanup_id)
    query = _lines_query(actor, quality_office, cleanup, department, decided, decision)
    lines = [_line_read(*row) for row in await session.execute(query)]
    today = bureau_today()
    return f"procedure-cleanup-{cleanup.id}.xlsx", cleanup_workbook(cleanup, lines, today=today)


# --- helpers -------------------------------------------------------------------------------


async def _cleanup(session: AsyncSession, cleanup_id: str, *, for_update: bool = False) -> Cleanup:
    cleanup = await session.get(Cleanup, cleanup_id, with_for_update=for_update or None)
    if cleanup is None:
        raise NotFound(f"no clean-up {cleanup_id}")
    return cleanup


def _ensure_open(cleanup: Cleanup) -> None:
    if cleanup.status == CleanupStatus.closed:
        raise Conflict(f"{cleanup.name} is closed; it changes no more", rule="cleanup-closed")


def _decided_already(line: CleanupLine, decision: str) -> Conflict:
    return Conflict(
        f"document {line.code} is decided already in this clean-up "
        f"({CleanupDecisionKind(decision).label}): each is decided exactly once",
        rule="decide-exactly-once",
    )


def _lines_query(
    actor: Principal,
    quality_office: str | None,
    cleanup: Cleanup,
    department: str | None = None,
    decided: bool | None = None,
    decision: CleanupDecisionKind | None = None,
) -> Select[Any]:
    query = (
        select(CleanupLine, CleanupDecision, ProcedureDocument.status)
        .join(ProcedureDocument, ProcedureDocument.id == CleanupLine.document_id)
        .outerjoin(CleanupDecision, CleanupDecision.line_id == CleanupLine.id)
        .where(CleanupLine.cleanup_id == cleanup.id, policy.visible_lines(actor, quality_office))
    )
    if department is not None:
        query = query.where(CleanupLine.department == department)
    if decided is not None:
        query = query.where(
            CleanupDecision.id.is_not(None) if decided else CleanupDecision.id.is_(None)
        )
    if decision is not None:
        query = query.where(CleanupDecision.decision == decision.value)
    return query.order_by(CleanupLine.department, CleanupLine.code)


def _line_read(line: CleanupLine, decision: CleanupDecision | None, status: str) -> LineRead:
    return LineRead(
        id=line.id,
        cleanup_id=line.cleanup_id,
        document_id=line.document_id,
        code=line.code,
        title=line.title,
        kind=line.kind,
        department=line.department,
        owner_id=line.owner_id,
        status_at_opening=line.document_status,
        effective_revision=line.effective_revision,
        document_status=status,
        decision=DecisionRead.model_validate(decision) if decision is not None else None,
    )


async def _decided_by_kind(session: AsyncSession, cleanup_id: str) -> Counter[str]:
    rows = await session.execute(
        select(CleanupDecision.decision, func.count())
        .where(CleanupDecision.cleanup_id == cleanup_id)
        .group_by(CleanupDecision.decision)
    )
    return Counter({decision: count for decision, count in rows})


def _every_kind(counts: Counter[str]) -> dict[CleanupDecisionKind, int]:
    return {kind: counts.get(kind.value, 0) for kind in CleanupDecisionKind}


def _as_text(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def cleanup_facts(cleanup: Cleanup) -> dict[str, Any]:
    return {
        "cleanup_id": cleanup.id,
        "name": cleanup.name,
        "departments": cleanup.departments,
        "kinds": cleanup.kinds,
        "status": cleanup.status,
        "document_count": cleanup.document_count,
        "opened_at": _as_text(cleanup.opened_at),
        "opened_by": cleanup.opened_by,
        "closed_at": _as_text(cleanup.closed_at),
        "closed_by": cleanup.closed_by,
    }
