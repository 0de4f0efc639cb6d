"""The rules of the procedure register (the lifecycle: models.py; who: policy.py).

- A document enters the register with its first revision as a draft. Saving a draft
  (entering, starting, editing) publishes nothing: a draft is a working copy, nobody is
  told of it. Submitting names the approvers and tells them (`ledger.procedure.submitted`).
- A draft is submitted whole: its effective date, its next review date, some text (an
  external document may be a reference alone) and, from the second revision on, the reason
  for the change (409 `draft-incomplete`).
- In `sequence` an approver decides after every approver before them (409
  `decide-in-order`); in `all` in any order. Each decides once (409 `decide-once`). A
  rejection sends the revision back to draft with its reason; the last approval makes it
  approved, and in force at once when its effective date has come (else the job puts it
  in force that day: jobs.py). Putting a revision in force supersedes the one before.
- Only drafts change (409 `edit-drafts-only`); one revision at a time is on its way (409
  `one-revision-at-a-time`); an abolished document changes no more (409
  `document-abolished`).

Every write locks the document's row first (FOR UPDATE on PostgreSQL; SQLite has one
writer), so two decisions on one revision, or a decision and an abolition, take turns.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from sqlalchemy import Select, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.bureau_time import bureau_today
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, containing, fetch_page
from ledger_svc.events import LedgerEvent
from ledger_svc.quality import policy
from ledger_svc.quality.exports import register_workbook
from ledger_svc.quality.models import (
    ON_ITS_WAY,
    REVISION_FIELDS,
    Abolition,
    ApprovalMode,
    ApprovalNote,
    ApprovalRead,
    Decision,
    DocumentCreate,
    DocumentDetail,
    DocumentKind,
    DocumentRead,
    DocumentStatus,
    DocumentUpdate,
    FieldChange,
    ProcedureApproval,
    ProcedureDocument,
    ProcedureRevision,
    Rejection,
    RevisionDiff,
    RevisionEdit,
    RevisionHeading,
    RevisionRead,
    RevisionStart,
    RevisionStatus,
    Submission,
    check_review_after_effect,
)

# --- the register --------------------------------------------------------------------------


async def list_documents(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    page: PageParams,
    status: DocumentStatus | None = None,
    kind: DocumentKind | None = None,
    department: str | None = None,
    owner_id: str | None = None,
    q: str | None = None,
    review_overdue: bool = False,
) -> tuple[list[ProcedureDocument], int]:
    """The documents in force unless `status` says otherwise; `review_overdue`: those in
    force whose review date has passed (the leaders' exception list)."""
    query = _register_query(
        actor,
        quality_office,
        status=status,
        kind=kind,
        department=department,
        owner_id=owner_id,
        q=q,
        review_overdue=review_overdue,
    )
    return await fetch_page(session, query, page)


async def register_spreadsheet(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    status: DocumentStatus | None = None,
    kind: DocumentKind | None = None,
    department: str | None = None,
    owner_id: str | None = None,
    q: str | None = None,
    review_overdue: bool = False,
) -> tuple[str, bytes]:
    """The documents the list would answer, every one of them, in its order, as an .xlsx
    file (quality/exports.py): its file name and content."""
    query = _register_query(
        actor,
        quality_office,
        status=status,
        kind=kind,
        department=department,
        owner_id=owner_id,
        q=q,
        review_overdue=review_overdue,
    )
    documents = (await session.execute(query)).scalars().all()
    today = bureau_today()
    return f"procedure-register-{today.isoformat()}.xlsx", register_workbook(documents, today=today)


def _register_query(
    actor: Principal,
    quality_office: str | None,
    *,
    status: DocumentStatus | None,
    kind: DocumentKind | None,
    department: str | None,
    owner_id: str | None,
    q: str | None,
    review_overdue: bool,
) -> Select[tuple[ProcedureDocument]]:
    query = select(ProcedureDocument).where(policy.visible_documents(actor, quality_office))
    if review_overdue:
        query = query.where(
            ProcedureDocument.status == DocumentStatus.effective.value,
            ProcedureDocument.next_review_on < bureau_today(),
        )
    else:
        query = query.where(ProcedureDocument.status == (status or DocumentStatus.effective).value)
    if kind is not None:
        query = query.where(ProcedureDocument.kind == kind.value)
    if department is not None:
        query = query.where(ProcedureDocument.department == department)
    if owner_id is not None:
        query = query.where(ProcedureDocument.owner_id == owner_id)
    if q:
        query = query.where(containing(q, ProcedureDocument.code, ProcedureDocument.title))
    order = (
        (ProcedureDocument.next_review_on, ProcedureDocument.code)
        if review_overdue
        else (ProcedureDocument.code,)
    )
    return query.order_by(*order)


async def read_document(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, document_id: str
) -> DocumentDetail:
    document = await _visible_document(session, actor, quality_office, document_id)
    effective = None
    if document.effective_revision is not None:
        revision = await _revision_of(session, document, document.effective_revision)
        effective = await _revision_read(session, revision)
    return DocumentDetail(**DocumentRead.model_validate(document).model_dump(), effective=effective)


async def create_document(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    data: DocumentCreate,
) -> ProcedureDocument:
    policy.ensure_may_draft(actor, data.department, quality_office)
    taken = await session.scalar(
        select(ProcedureDocument.id).where(ProcedureDocument.code == data.code)
    )
    if taken is not None:
        raise Conflict(f"code {data.code} is in the register already", rule="unique-document-code")
    document = ProcedureDocument(
        code=data.code,
        kind=data.kind.value,
        department=data.department,
        owner_id=data.owner_id,
        published_to_units=data.published_to_units,
        title=data.title,
        process=data.process,
        legal_basis=data.legal_basis,
        created_by=actor.id,
    )
    session.add(document)
    await session.flush()
    session.add(
        ProcedureRevision(
            document_id=document.id,
            number=1,
            author_id=actor.id,
            **data.model_dump(
                include={
                    "title",
                    "process",
                    "legal_basis",
                    "text",
                    "change_reason",
                    "effective_on",
                    "next_review_on",
                }
            ),
        )
    )
    await session.commit()
    return document


async def update_document(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    document_id: str,
    data: DocumentUpdate,
    expected_version: int | None,
) -> ProcedureDocument:
    """The register's own fields. A new review date is reminded of again in its time."""
    policy.ensure_may_keep_register(actor, quality_office)
    document = await _document_for_writing(session, document_id, expected_version)
    changes = {
        field: value
        for field, value in data.model_dump(exclude_unset=True).items()
        if getattr(document, field) != value
    }
    if "next_review_on" in changes:
        try:
            check_review_after_effect(document.effective_on, changes["next_review_on"])
        except ValueError as error:
            raise InvalidInput(
                str(error), errors=[{"detail": str(error), "pointer": "#/next_review_on"}]
            ) from error
    if changes:
        for field, value in changes.items():
            setattr(document, field, value)
        document.version += 1
        session.add(document)
        await session.commit()
    return document


async def abolish_document(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    document_id: str,
    data: Abolition,
    expected_version: int | None,
) -> ProcedureDocument:
    """废止: the document as a whole, its revision in force and any still on its way."""
    policy.ensure_may_abolish(actor, quality_office)
    document = await _document_for_writing(session, document_id, expected_version)
    await abolish_held_document(session, document, actor=actor, reason=data.reason)
    await session.commit()
    return document


async def abolish_held_document(
    session: AsyncSession, document: ProcedureDocument, *, actor: Principal, reason: str
) -> None:
    """The abolition itself, with its event: for a caller that holds the document's row
    (locked, not abolished), has checked who may, and commits (the register's own route;
    a clean-up's decision, in the decision's transaction)."""
    moment = now()
    revisions = (
        await session.execute(
            select(ProcedureRevision)
            .where(
                ProcedureRevision.document_id == document.id,
                ProcedureRevision.status.in_([RevisionStatus.effective.value, *ON_ITS_WAY]),
            )
            .order_by(ProcedureRevision.number)
        )
    ).scalars()
    abolished = []
    for revision in revisions:
        revision.status = RevisionStatus.abolished.value
        revision.abolished_at = moment
        revision.version += 1
        session.add(revision)
        abolished.append(revision.number)
    document.status = DocumentStatus.abolished.value
    document.abolished_at = moment
    document.abolished_by = actor.id
    document.abolish_reason = reason
    document.version += 1
    session.add(document)
    await session.flush()
    await record_event(
        session,
        LedgerEvent.procedure_abolished,
        subject=document.id,
        data={
            **document_facts(document),
            "revisions": abolished,
            "reason": reason,
            "actor": actor.id,
        },
    )


# --- revisions -----------------------------------------------------------------------------


async def list_revisions(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, document_id: str
) -> list[ProcedureRevision]:
    document = await _visible_document(session, actor, quality_office, document_id)
    revisions = list(
        (
            await session.execute(
                select(ProcedureRevision)
                .where(ProcedureRevision.document_id == document.id)
                .order_by(ProcedureRevision.number)
            )
        ).scalars()
    )
    approvers = await _approvers_by_revision(session, revisions)
    return [
        revision
        for revision in revisions
        if policy.may_read_revision(
            actor, document, revision, quality_office, approvers[revision.id]
        )
    ]


async def read_revision(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    document_id: str,
    number: int,
) -> RevisionRead:
    document = await _visible_document(session, actor, quality_office, document_id)
    revision = await _readable_revision(session, actor, quality_office, document, number)
    return await _revision_read(session, revision)


async def start_revision(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    document_id: str,
    data: RevisionStart,
) -> RevisionRead:
    """A new draft from the revision in force: its title, process, legal basis and text,
    and what `data` sends instead; the dates and the reason are the new revision's own."""
    document = await _document_for_writing(session, document_id)
    policy.ensure_may_draft(actor, document.department, quality_office)
    await _ensure_none_on_its_way(session, document)
    revision = await open_draft(session, document, author_id=actor.id, data=data)
    await session.commit()
    return await _revision_read(session, revision)


async def open_draft(
    session: AsyncSession, document: ProcedureDocument, *, author_id: str, data: RevisionStart
) -> ProcedureRevision:
    """The new draft itself: for a caller that holds the document's row (in force, none on
    its way), has checked who may, and commits."""
    base = await _revision_of(session, document, document.effective_revision)
    last = await session.scalar(
        select(func.max(ProcedureRevision.number)).where(
            ProcedureRevision.document_id == document.id
        )
    )
    sent = data.model_dump(exclude_unset=True)
    revision = ProcedureRevision(
        document_id=document.id,
        number=int(last or 0) + 1,
        author_id=author_id,
        title=sent.get("title") or base.title,
        process=sent.get("process", base.process),
        legal_basis=sent.get("legal_basis", base.legal_basis),
        text=sent["text"] if sent.get("text") is not None else base.text,
        change_reason=sent.get("change_reason"),
        effective_on=sent.get("effective_on"),
        next_review_on=sent.get("next_review_on"),
    )
    session.add(revision)
    await session.flush()
    return revision


async def edit_revision(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    document_id: str,
    number: int,
    data: RevisionEdit,
    expected_version: int | None,
) -> RevisionRead:
    document = await _document_for_writing(session, document_id)
    policy.ensure_may_draft(actor, document.department, quality_office)
    revision = await _revision_of(session, document, number)
    if revision.status != RevisionStatus.draft:
        raise Conflict(
            f"revision {number} of {document.code} is {revision.status}: only a draft changes",
            rule="edit-drafts-only",
        )
    _ensure_version(revision, expected_version)
    changes = {
        field: value
        for field, value in data.model_dump(exclude_unset=True).items()
        if getattr(revision, field) != value
    }
    if not changes:
        return await _revision_read(session, revision)
    effective_on = changes.get("effective_on", revision.effective_on)
    next_review_on = changes.get("next_review_on", revision.next_review_on)
    try:
        check_review_after_effect(effective_on, next_review_on)
    except ValueError as error:
        pointer = "#/effective_on" if "effective_on" in changes else "#/next_review_on"
        raise InvalidInput(str(error), errors=[{"detail": str(error), "pointer": pointer}]) from (
            error
        )
    for field, value in changes.items():
        setattr(revision, field, value)
    revision.updated_at = now()
    revision.version += 1
    session.add(revision)
    await session.commit()
    return await _revision_read(session, revision)


async def submit_revision(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    document_id: str,
    number: int,
    data: Submission,
    expected_version: int | None,
) -> RevisionRead:
    document = await _document_for_writing(session, document_id)
    policy.ensure_may_draft(actor, document.department, quality_office)
    revision = await _revision_of(session, document, number)
    if revision.status != RevisionStatus.draft:
        raise Conflict(
            f"revision {number} of {document.code} is {revision.status}: only a draft is submitted",
            rule="submit-a-draft",
        )
    _ensure_version(revision, expected_version)
    _check_approvers(data.approvers, revision, actor)
    missing = [
        field
        for field, lacking in (
            ("effective_on", revision.effective_on is None),
            ("next_review_on", revision.next_review_on is None),
            ("text", not revision.text and document.kind != DocumentKind.external),
            ("change_reason", revision.number > 1 and not revision.change_reason),
        )
        if lacking
    ]
    if missing:
        raise Conflict(
            f"revision {number} of {document.code} is submitted with {', '.join(missing)}",
            rule="draft-incomplete",
            missing=missing,
        )
    moment = now()
    revision.round += 1
    revision.status = RevisionStatus.in_review.value
    revision.approval_mode = data.approval_mode.value
    revision.submitted_at = moment
    revision.submitted_by = actor.id
    revision.version += 1
    session.add(revision)
    approvals = [
        ProcedureApproval(
            revision_id=revision.id, round=revision.round, position=index, approver_id=approver
        )
        for index, approver in enumerate(data.approvers, start=1)
    ]
    session.add_all(approvals)
    await session.flush()
    await _record(session, LedgerEvent.procedure_submitted, document, revision, approvals, actor)
    await session.commit()
    return await _revision_read(session, revision)


async def approve_revision(
    *,
    session: AsyncSession,
    actor: Principal,
    document_id: str,
    number: int,
    data: ApprovalNote,
) -> RevisionRead:
    document, revision, approvals, mine = await _decision_at_hand(
        session, actor, document_id, number
    )
    moment = now()
    mine.decision = Decision.approved.value
    mine.decided_at = moment
    mine.note = data.note
    session.add(mine)
    revision.version += 1
    if all(approval.decision == Decision.approved for approval in approvals):
        revision.status = RevisionStatus.approved.value
        revision.approved_at = moment
        session.add(revision)
        await session.flush()
        await _record(session, LedgerEvent.procedure_approved, document, revision, approvals, actor)
        if revision.effective_on is not None and revision.effective_on <= bureau_today():
            await put_in_force(session, document, revision, actor_id=actor.id)
    else:
        session.add(revision)
        await session.flush()
        await _record(
            session, LedgerEvent.procedure_approval_recorded, document, revision, approvals, actor
        )
    await session.commit()
    return await _revision_read(session, revision)


async def reject_revision(
    *,
    session: AsyncSession,
    actor: Principal,
    document_id: str,
    number: int,
    data: Rejection,
) -> RevisionRead:
    document, revision, approvals, mine = await _decision_at_hand(
        session, actor, document_id, number
    )
    moment = now()
    mine.decision = Decision.rejected.value
    mine.decided_at = moment
    mine.note = data.reason
    session.add(mine)
    revision.status = RevisionStatus.draft.value
    revision.rejected_at = moment
    revision.rejected_by = actor.id
    revision.rejection_reason = data.reason
    revision.version += 1
    session.add(revision)
    await session.flush()
    await _record(
        session,
        LedgerEvent.procedure_rejected,
        document,
        revision,
        approvals,
        actor,
        reason=data.reason,
    )
    await session.commit()
    return await _revision_read(session, revision)


async def diff_revisions(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    document_id: str,
    from_number: int,
    to_number: int,
) -> RevisionDiff:
    document = await _visible_document(session, actor, quality_office, document_id)
    before = await _readable_revision(session, actor, quality_office, document, from_number)
    after = await _readable_revision(session, actor, quality_office, document, to_number)
    fields = [
        FieldChange(field=field, before=_as_text(old), after=_as_text(new))
        for field in REVISION_FIELDS
        if (old := getattr(before, field)) != (new := getattr(after, field))
    ]
    lines = difflib.unified_diff(
        before.text.splitlines(),
        after.text.splitlines(),
        fromfile=f"{document.code} revision {from_number}",
        tofile=f"{document.code} revision {to_number}",
        lineterm="",
    )
    return RevisionDiff(
        document_id=document.id,
        from_number=from_number,
        to_number=to_number,
        fields=fields,
        text=list(lines),
    )


async def put_in_force(
    session: AsyncSession,
    document: ProcedureDocument,
    revision: ProcedureRevision,
    *,
    actor_id: str | None,
) -> None:
    """An approved revision takes effect: the one before is superseded, the register
    shows the new one. The caller holds the document's row and commits."""
    moment = now()
    previous_number = document.effective_revision
    if previous_number is not None:
        previous = await _revision_of(session, document, previous_number)
        previous.status = RevisionStatus.superseded.value
        previous.superseded_at = moment
        previous.version += 1
        session.add(previous)
    revision.status = RevisionStatus.effective.value
    revision.effective_at = moment
    revision.version += 1
    session.add(revision)
    document.status = DocumentStatus.effective.value
    document.effective_revision = revision.number
    for field in ("title", "process", "legal_basis", "effective_on", "next_review_on"):
        setattr(document, field, getattr(revision, field))
    document.version += 1
    session.add(document)
    await session.flush()
    approvals = await _approvals_of(session, revision)
    await _record(
        session,
        LedgerEvent.procedure_effective,
        document,
        revision,
        approvals,
        actor_id,
        supersedes=previous_number,
    )
    if previous_number is not None:
        await _record(
            session,
            LedgerEvent.procedure_superseded,
            document,
            previous,
            await _approvals_of(session, previous),
            actor_id,
            superseded_by=revision.number,
        )


# --- helpers -------------------------------------------------------------------------------


async def _visible_document(
    session: AsyncSession, actor: Principal, quality_office: str | None, document_id: str
) -> ProcedureDocument:
    document = await session.scalar(
        select(ProcedureDocument).where(
            ProcedureDocument.id == document_id, policy.visible_documents(actor, quality_office)
        )
    )
    if document is None:
        raise NotFound(f"no document {document_id}")
    return document


async def _document_for_writing(
    session: AsyncSession, document_id: str, expected_version: int | None = None
) -> ProcedureDocument:
    """The document, locked for the rest of the transaction, and not abolished."""
    document = await session.get(ProcedureDocument, document_id, with_for_update=True)
    if document is None:
        raise NotFound(f"no document {document_id}")
    if document.status == DocumentStatus.abolished:
        raise Conflict(
            f"document {document.code} is abolished; it changes no more",
            rule="document-abolished",
        )
    _ensure_version(document, expected_version)
    return document


def _ensure_version(row: ProcedureDocument | ProcedureRevision, expected: int | None) -> None:
    if expected is not None and expected != row.version:
        raise PreconditionFailed(f"it is at version {row.version}, not {expected}")


async def _revision_of(
    session: AsyncSession, document: ProcedureDocument, number: int | None
) -> ProcedureRevision:
    revision = await session.scalar(
        select(ProcedureRevision).where(
            ProcedureRevision.document_id == document.id, ProcedureRevision.number == number
        )
    )
    if revision is None:
        raise NotFound(f"document {document.code} has no revision {number}")
    return revision


async def _readable_revision(
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    document: ProcedureDocument,
    number: int,
) -> ProcedureRevision:
    revision = await _revision_of(session, document, number)
    approvers = [approval.approver_id for approval in await _approvals_of(session, revision)]
    if not policy.may_read_revision(actor, document, revision, quality_office, approvers):
        raise NotFound(f"document {document.code} has no revision {number}")
    return revision


async def _ensure_none_on_its_way(session: AsyncSession, document: ProcedureDocument) -> None:
    on_its_way = await session.scalar(
        select(ProcedureRevision.number).where(
            ProcedureRevision.document_id == document.id,
            ProcedureRevision.status.in_(ON_ITS_WAY),
        )
    )
    if on_its_way is not None:
        raise Conflict(
            f"revision {on_its_way} of {document.code} is on its way already: finish it first",
            rule="one-revision-at-a-time",
        )


def _check_approvers(approvers: list[str], revision: ProcedureRevision, actor: Principal) -> None:
    errors = []
    seen: set[str] = set()
    for index, approver in enumerate(approvers):
        if approver in seen:
            errors.append(
                {"detail": f"{approver} is named twice", "pointer": f"#/approvers/{index}"}
            )
        elif approver in (revision.author_id, actor.id):
            errors.append(
                {
                    "detail": "the author or submitter of a revision does not approve it",
                    "pointer": f"#/approvers/{index}",
                }
            )
        seen.add(approver)
    if errors:
        raise InvalidInput("the approvers named are not allowed", errors=errors)


async def _approvals_of(
    session: AsyncSession, revision: ProcedureRevision
) -> list[ProcedureApproval]:
    """The approvals of the revision's current round, in their order."""
    return list(
        (
            await session.execute(
                select(ProcedureApproval)
                .where(
                    ProcedureApproval.revision_id == revision.id,
                    ProcedureApproval.round == revision.round,
                )
                .order_by(ProcedureApproval.position)
            )
        ).scalars()
    )


async def _approvers_by_revision(
    session: AsyncSession, revisions: list[ProcedureRevision]
) -> dict[str, list[str]]:
    """The named approvers of each revision's current round, in one query."""
    found: dict[str, list[str]] = {revision.id: [] for revision in revisions}
    rounds = {revision.id: revision.round for revision in revisions}
    rows = await session.execute(
        select(
            ProcedureApproval.revision_id, ProcedureApproval.round, ProcedureApproval.approver_id
        )
        .where(ProcedureApproval.revision_id.in_(list(found)))
        .order_by(ProcedureApproval.position)
    )
    for revision_id, round_, approver_id in rows:
        if rounds[revision_id] == round_:
            found[revision_id].append(approver_id)
    return found


def _awaiting(revision: ProcedureRevision, approvals: list[ProcedureApproval]) -> list[str]:
    """Whose decision the revision waits for now."""
    if revision.status != RevisionStatus.in_review:
        return []
    undecided = [approval.approver_id for approval in approvals if approval.decision is None]
    if revision.approval_mode == ApprovalMode.sequence:
        return undecided[:1]
    return undecided


async def _decision_at_hand(
    session: AsyncSession, actor: Principal, document_id: str, number: int
) -> tuple[ProcedureDocument, ProcedureRevision, list[ProcedureApproval], ProcedureApproval]:
    """The revision in review, its approvals, and the actor's own, which is theirs to
    decide now."""
    document = await _document_for_writing(session, document_id)
    revision = await _revision_of(session, document, number)
    if revision.status != RevisionStatus.in_review:
        raise Conflict(
            f"revision {number} of {document.code} is {revision.status}, not in review",
            rule="decide-in-review",
        )
    approvals = await _approvals_of(session, revision)
    policy.ensure_may_decide(
        actor, document, revision, [approval.approver_id for approval in approvals]
    )
    [mine] = [approval for approval in approvals if approval.approver_id == actor.id]
    if mine.decision is not None:
        raise Conflict(
            f"you decided revision {number} of {document.code} already ({mine.decision})",
            rule="decide-once",
        )
    if actor.id not in _awaiting(revision, approvals):
        raise Conflict(
            f"revision {number} of {document.code} is decided in order: it waits for "
            f"{', '.join(_awaiting(revision, approvals))} first",
            rule="decide-in-order",
        )
    return document, revision, approvals, mine


async def _revision_read(session: AsyncSession, revision: ProcedureRevision) -> RevisionRead:
    approvals = await _approvals_of(session, revision)
    return RevisionRead(
        **RevisionHeading.model_validate(revision).model_dump(),
        text=revision.text,
        approvals=[ApprovalRead.model_validate(approval) for approval in approvals],
        awaiting=_awaiting(revision, approvals),
    )


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def document_facts(document: ProcedureDocument) -> dict[str, Any]:
    return {
        "document_id": document.id,
        "code": document.code,
        "kind": document.kind,
        "department": document.department,
        "owner_id": document.owner_id,
        "title": document.title,
        "status": document.status,
        "effective_revision": document.effective_revision,
        "next_review_on": _as_text(document.next_review_on),
    }


async def _record(
    session: AsyncSession,
    event: LedgerEvent,
    document: ProcedureDocument,
    revision: ProcedureRevision,
    approvals: list[ProcedureApproval],
    actor: Principal | str | None,
    **extra: Any,
) -> None:
    """A revision's event: the document, the revision's heading (never its text), its
    approvers and whose decision it waits for."""
    await record_event(
        session,
        event,
        subject=document.id,
        data={
            **document_facts(document),
            "revision": {
                "id": revision.id,
                "number": revision.number,
                "status": revision.status,
                "title": revision.title,
                "author_id": revision.author_id,
                "change_reason": revision.change_reason,
                "effective_on": _as_text(revision.effective_on),
                "next_review_on": _as_text(revision.next_review_on),
                "approval_mode": revision.approval_mode,
                "round": revision.round,
            },
            "approvers": [approval.approver_id for approval in approvals],
            "awaiting": _awaiting(revision, approvals),
            **extra,
            "actor": actor.id if isinstance(actor, Principal) else actor,
        },
    )
