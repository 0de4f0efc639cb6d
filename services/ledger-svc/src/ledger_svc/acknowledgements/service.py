"""The rules of read-and-acknowledge (the audience, the rounds and who is concerned:
models.py; who: policy.py).

- Only a document in force is distributed (409 `distribute-documents-in-force`: a draft is
  no one's to read yet, an abolished one no more); distributing adds the roles and
  departments not in the audience yet and keeps the others (nothing is taken away: a
  distribution is a record).
- A person acknowledges the revision in force of a document distributed to them: another
  revision is refused (409 `acknowledge-the-revision-in-force`, naming the one in force),
  as is a document not distributed to them (409 `distributed-to-you`) or abolished (409
  `document-abolished`). Once: a second acknowledgement answers the first, unchanged, with
  `already_acknowledged` (200 instead of 201), and records no event; the insert is ON
  CONFLICT DO NOTHING on the unique revision and person, so of many sent at once exactly
  one is kept, whatever runs when.
- "My documents to read": the documents in force distributed to the caller, those whose
  revision in force they have not acknowledged by default.
- Who has not yet read it, per department: among the people ledger-svc knows (models.py).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import BUREAU_ROLES, Principal
from guanjia_shared.clock import now
from guanjia_shared.db import dialect_insert
from guanjia_shared.errors import Conflict, NotFound
from guanjia_shared.ids import new_id
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams
from ledger_svc.acknowledgements import policy
from ledger_svc.acknowledgements.models import (
    AcknowledgementIn,
    AcknowledgementRead,
    AudienceKind,
    AudienceRead,
    DepartmentReading,
    DistributionIn,
    DistributionRead,
    PersonRead,
    ProcedureAcknowledgement,
    ProcedureDistribution,
    ProcedureReader,
    ReadingStatus,
    ToRead,
)
from ledger_svc.events import LedgerEvent
from ledger_svc.quality import policy as register_policy
from ledger_svc.quality.models import DocumentStatus, ProcedureDocument, ProcedureRevision
from ledger_svc.quality.service import document_facts

# --- the people ledger-svc knows -----------------------------------------------------------


async def note_reader(session: AsyncSession, actor: Principal) -> None:
    """Know `actor` as their token says now (in the caller's transaction)."""
    moment = now()
    roles = sorted(role for role in actor.roles if role in BUREAU_ROLES)
    statement = dialect_insert(session, ProcedureReader).values(
        id=actor.id,
        name=actor.display_name,
        department=actor.department,
        roles=roles,
        first_seen_at=moment,
        last_seen_at=moment,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["id"],
        set_={
            "name": statement.excluded.name,
            "department": statement.excluded.department,
            "roles": statement.excluded.roles,
            "last_seen_at": statement.excluded.last_seen_at,
        },
    )
    await session.execute(statement)


# --- distributing --------------------------------------------------------------------------


async def distribute(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    document_id: str,
    data: DistributionIn,
) -> DistributionRead:
    document = await _visible_document(session, actor, quality_office, document_id)
    document = await session.get(ProcedureDocument, document.id, with_for_update=True)
    policy.ensure_may_distribute(actor, document, quality_office)
    if document.status != DocumentStatus.effective:
        raise Conflict(
            f"{document.code} is {document.status}: only a document in force is distributed",
            rule="distribute-documents-in-force",
        )
    moment = now()
    targets = [(AudienceKind.role, role.value) for role in data.roles] + [
        (AudienceKind.department, department) for department in data.departments
    ]
    added = []
    for kind, value in targets:
        statement = (
            dialect_insert(session, ProcedureDistribution)
            .values(
                id=new_id(),
                document_id=document.id,
                kind=kind.value,
                value=value,
                revision_number=document.effective_revision,
                distributed_at=moment,
                distributed_by=actor.id,
            )
            .on_conflict_do_nothing(index_elements=["document_id", "kind", "value"])
            .returning(ProcedureDistribution.id)
        )
        if (await session.execute(statement)).first() is not None:
            added.append((kind, value))
    audience = await _audience(session, document.id)
    added_rows = [row for row in audience if (row.kind, row.value) in added]
    if added_rows:
        await record_event(
            session,
            LedgerEvent.acknowledgement_distributed,
            subject=document.id,
            data={
                **document_facts(document),
                "revision_number": document.effective_revision,
                "added": [_target(row) for row in added_rows],
                "audience": [_target(row) for row in audience],
                "actor": actor.id,
            },
        )
    await session.commit()
    return _distribution_read(document, audience, added_rows)


async def read_distribution(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, document_id: str
) -> DistributionRead:
    document = await _visible_document(session, actor, quality_office, document_id)
    return _distribution_read(document, await _audience(session, document.id), [])


# --- acknowledging -------------------------------------------------------------------------


async def acknowledge(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    document_id: str,
    data: AcknowledgementIn,
) -> AcknowledgementRead:
    document = await _visible_document(session, actor, quality_office, document_id)
    revision = await session.scalar(
        select(ProcedureRevision).where(
            ProcedureRevision.document_id == document.id,
            ProcedureRevision.number == data.revision,
        )
    )
    if revision is None:
        raise NotFound(f"document {document.code} has no revision {data.revision}")
    earlier = await _acknowledgement_of(session, revision.id, actor.id)
    if earlier is not None:
        return _acknowledgement_read(earlier, already=True)
    if document.status == DocumentStatus.abolished:
        raise Conflict(
            f"document {document.code} is abolished: there is nothing in force to read",
            rule="document-abolished",
        )
    if document.effective_revision != revision.number:
        in_force = (
            f"revision {document.effective_revision} is in force"
            if document.effective_revision is not None
            else "none is in force yet"
        )
        raise Conflict(
            f"revision {revision.number} of {document.code} is {revision.status}: {in_force}",
            rule="acknowledge-the-revision-in-force",
            effective_revision=document.effective_revision,
        )
    if not await _distributed_to(session, document.id, actor):
        raise Conflict(
            f"{document.code} is not distributed to your role or department",
            rule="distributed-to-you",
        )
    await note_reader(session, actor)
    statement = (
        dialect_insert(session, ProcedureAcknowledgement)
        .values(
            id=new_id(),
            document_id=document.id,
            revision_id=revision.id,
            revision_number=revision.number,
            person_id=actor.id,
            person_name=actor.display_name,
            department=actor.department,
            acknowledged_at=now(),
        )
        .on_conflict_do_nothing(index_elements=["revision_id", "person_id"])
        .returning(ProcedureAcknowledgement.id)
    )
    if (await session.execute(statement)).first() is None:
        # Another call of the same person's was kept just now: answer it.
        await session.commit()
        earlier = await _acknowledgement_of(session, revision.id, actor.id)
        return _acknowledgement_read(earlier, already=True)
    acknowledgement = await _acknowledgement_of(session, revision.id, actor.id)
    await record_event(
        session,
        LedgerEvent.acknowledgement_recorded,
        subject=document.id,
        data={
            **document_facts(document),
            "revision_number": revision.number,
            "person_id": actor.id,
            "department": actor.department,
            "acknowledged_at": acknowledgement.acknowledged_at.isoformat(),
            "actor": actor.id,
        },
    )
    await session.commit()
    return _acknowledgement_read(acknowledgement, already=False)


async def documents_to_read(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    page: PageParams,
    acknowledged: bool | None = False,
) -> tuple[list[ToRead], int]:
    """The documents in force distributed to the caller, by code; `acknowledged`: False
    (the default) those still to read, True those read, None all of them. Asking makes
    the caller known (models.py): from then on they count among the people concerned."""
    await note_reader(session, actor)
    await session.commit()
    audience = (
        select(
            ProcedureDistribution.document_id,
            func.min(ProcedureDistribution.distributed_at).label("since"),
        )
        .where(_concerning(actor))
        .group_by(ProcedureDistribution.document_id)
        .subquery()
    )
    query = (
        select(ProcedureDocument, audience.c.since, ProcedureAcknowledgement.acknowledged_at)
        .join(audience, audience.c.document_id == ProcedureDocument.id)
        .join(
            ProcedureRevision,
            and_(
                ProcedureRevision.document_id == ProcedureDocument.id,
                ProcedureRevision.number == ProcedureDocument.effective_revision,
            ),
        )
        .outerjoin(
            ProcedureAcknowledgement,
            and_(
                ProcedureAcknowledgement.revision_id == ProcedureRevision.id,
                ProcedureAcknowledgement.person_id == actor.id,
            ),
        )
        .where(
            ProcedureDocument.status == DocumentStatus.effective.value,
            register_policy.visible_documents(actor, quality_office),
        )
    )
    if acknowledged is not None:
        read = ProcedureAcknowledgement.id.is_not(None)
        query = query.where(read if acknowledged else ~read)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.execute(
        query.order_by(ProcedureDocument.code).limit(page.limit).offset(page.offset)
    )
    items = [
        ToRead(
            document_id=document.id,
            code=document.code,
            title=document.title,
            kind=document.kind,
            department=document.department,
            revision_number=document.effective_revision,
            effective_on=document.effective_on,
            distributed_at=since,
            acknowledged_at=acknowledged_at,
        )
        for document, since, acknowledged_at in rows
    ]
    return items, int(total or 0)


async def reading_status(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, document_id: str
) -> ReadingStatus:
    """Per department, of the people known there: how many the revision in force concerns,
    how many acknowledged it, how many not yet, and (to those who may see them) who."""
    document = await _visible_document(session, actor, quality_office, document_id)
    audience = await _audience(session, document.id)
    roles = {row.value for row in audience if row.kind == AudienceKind.role}
    departments = {row.value for row in audience if row.kind == AudienceKind.department}
    readers = (await session.execute(select(ProcedureReader))).scalars().all()
    acknowledged: set[str] = set()
    if document.status == DocumentStatus.effective:
        acknowledged = set(
            (
                await session.execute(
                    select(ProcedureAcknowledgement.person_id).where(
                        ProcedureAcknowledgement.document_id == document.id,
                        ProcedureAcknowledgement.revision_number == document.effective_revision,
                    )
                )
            ).scalars()
        )
    known: Counter[str | None] = Counter(reader.department for reader in readers)
    concerned: dict[str | None, list[ProcedureReader]] = {}
    if document.status == DocumentStatus.effective:
        for reader in readers:
            if reader.department in departments or roles.intersection(reader.roles):
                concerned.setdefault(reader.department, []).append(reader)
    names = policy.names_seen(actor, document, quality_office)
    lines = []
    for department in sorted(concerned, key=lambda name: (name is None, name or "")):
        people = concerned[department]
        missing = sorted(
            (reader for reader in people if reader.id not in acknowledged),
            key=lambda reader: (reader.name, reader.id),
        )
        shown = names is True or (names and names == department)
        lines.append(
            DepartmentReading(
                department=department,
                known=known[department],
                concerned=len(people),
                acknowledged=len(people) - len(missing),
                not_yet=len(missing),
                people_not_yet=(
                    [PersonRead(id=reader.id, name=reader.name) for reader in missing]
                    if shown
                    else None
                ),
            )
        )
    return ReadingStatus(
        document_id=document.id,
        code=document.code,
        revision_number=document.effective_revision
        if document.status == DocumentStatus.effective
        else None,
        concerned=sum(line.concerned for line in lines),
        acknowledged=sum(line.acknowledged for line in lines),
        not_yet=sum(line.not_yet for line in lines),
        departments=lines,
    )


# --- helpers -------------------------------------------------------------------------------


async def _visible_document(
    session: AsyncSession, actor: Principal, quality_office: str | None, document_id: str
) -> ProcedureDocument:
    document = await session.scalar(
        select(ProcedureDocument).where(
            ProcedureDocument.id == document_id,
            register_policy.visible_documents(actor, quality_office),
        )
    )
    if document is None:
        raise NotFound(f"no document {document_id}")
    return document


def _concerning(actor: Principal) -> Any:
    """The audience rows that name the caller's department or one of their roles."""
    return or_(
        and_(
            ProcedureDistribution.kind == AudienceKind.department.value,
            ProcedureDistribution.value == (actor.department or ""),
        ),
        and_(
            ProcedureDistribution.kind == AudienceKind.role.value,
            ProcedureDistribution.value.in_(sorted(actor.roles)),
        ),
    )


async def _distributed_to(session: AsyncSession, document_id: str, actor: Principal) -> bool:
    found = await session.scalar(
        select(ProcedureDistribution.id)
        .where(ProcedureDistribution.document_id == document_id, _concerning(actor))
        .limit(1)
    )
    return found is not None


async def _audience(session: AsyncSession, document_id: str) -> list[ProcedureDistribution]:
    return list(
        (
            await session.execute(
                select(ProcedureDistribution)
                .where(ProcedureDistribution.document_id == document_id)
                .order_by(
                    ProcedureDistribution.kind,
                    ProcedureDistribution.distributed_at,
                    ProcedureDistribution.value,
                )
            )
        ).scalars()
    )


async def _acknowledgement_of(
    session: AsyncSession, revision_id: str, person_id: str
) -> ProcedureAcknowledgement | None:
    return await session.scalar(
        select(ProcedureAcknowledgement).where(
            ProcedureAcknowledgement.revision_id == revision_id,
            ProcedureAcknowledgement.person_id == person_id,
        )
    )


def _acknowledgement_read(
    acknowledgement: ProcedureAcknowledgement, *, already: bool
) -> AcknowledgementRead:
    return AcknowledgementRead(
        **AcknowledgementRead.model_validate(acknowledgement).model_dump(
            exclude={"already_acknowledged"}
        ),
        already_acknowledged=already,
    )


def _target(row: ProcedureDistribution) -> dict[str, Any]:
    return {"kind": row.kind, "value": row.value, "revision_number": row.revision_number}


def _distribution_read(
    document: ProcedureDocument,
    audience: list[ProcedureDistribution],
    added: list[ProcedureDistribution],
) -> DistributionRead:
    return DistributionRead(
        document_id=document.id,
        code=document.code,
        effective_revision=document.effective_revision,
        audience=[AudienceRead.model_validate(row) for row in audience],
        added=[AudienceRead.model_validate(row) for row in added],
    )
