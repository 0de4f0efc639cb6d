"""The rules of commitments: unique codes, terms changed only by adding a version, and an
event for every change.

An edit makes a new version and leaves the earlier ones as they were, because a ticket is
judged by the version it was opened under: its deadlines must not move when the terms do.
Published commitments are the public's (信息公开); who keeps them is in policy.py.
"""

from __future__ import annotations

import sqlalchemy
from sqlalchemy import Integer, Row, bindparam, func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.errors import Conflict, NotFound, PreconditionFailed, invalid_field
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page
from ticket_svc.calendars.models import Calendar
from ticket_svc.commitments import policy
from ticket_svc.commitments.models import (
    TERMS,
    Commitment,
    CommitmentCreate,
    CommitmentRead,
    CommitmentUpdate,
    CommitmentVersion,
)
from ticket_svc.events import EventType


async def get_commitment(*, session: AsyncSession, commitment_id: str) -> Commitment:
    commitment = await session.get(Commitment, commitment_id)
    if commitment is None:
        raise NotFound(f"no commitment {commitment_id}")
    return commitment


async def list_commitments(
    *,
    session: AsyncSession,
    page: PageParams,
    published: bool | None = None,
    category: str | None = None,
    department: str | None = None,
    procedure_code: str | None = None,
) -> tuple[list[Commitment], int]:
    query = select(Commitment).order_by(Commitment.code)
    if published is not None:
        query = query.where(Commitment.published.is_(published))
    if category is not None:
        query = query.where(Commitment.category == category)
    if department is not None:
        query = query.where(Commitment.department == department)
    if procedure_code is not None:
        query = query.where(Commitment.procedure_code == procedure_code)
    return await fetch_page(session, query, page)


async def list_versions(
    *, session: AsyncSession, commitment_id: str, page: PageParams
) -> tuple[list[CommitmentVersion], int]:
    await get_commitment(session=session, commitment_id=commitment_id)
    query = (
        select(CommitmentVersion)
        .where(CommitmentVersion.commitment_id == commitment_id)
        .order_by(CommitmentVersion.version)
    )
    return await fetch_page(session, query, page)


async def get_version(
    *, session: AsyncSession, commitment_id: str, version: int
) -> CommitmentVersion:
    found = await session.get(CommitmentVersion, (commitment_id, version))
    if found is None:
        raise NotFound(f"no version {version} of commitment {commitment_id}")
    return found


async def publishes_commitments(session: AsyncSession, department: str) -> bool:
    """Whether `department` owns a published commitment: a department the public knows by
    its commitments, and so may rate."""
    found = await session.scalar(
        select(Commitment.id)
        .where(Commitment.department == department, Commitment.published.is_(True))
        .limit(1)
    )
    return found is not None


async def procedure_codes(
    session: AsyncSession, commitment_ids: set[str | None]
) -> dict[str, str | None]:
    """The procedure each commitment names now (its current version), by commitment id:
    what an SLA threshold's or a rating's event tells ledger-svc, whose quality system acts
    on the procedure as it stands (a ticket keeps its own version's time limits)."""
    wanted = {commitment_id for commitment_id in commitment_ids if commitment_id is not None}
    if not wanted:
        return {}
    rows = await session.execute(
        select(Commitment.id, Commitment.procedure_code).where(Commitment.id.in_(wanted))
    )
    return {commitment_id: code for commitment_id, code in rows.all()}


# Built once, on the tables (no ORM objects to load): opening a ticket runs it every time.
_COMMITMENTS = Commitment.__table__
_VERSIONS = CommitmentVersion.__table__
_COMMITMENT_WITH_TERMS = (
    sqlalchemy.select(
        _COMMITMENTS.c.published,
        _COMMITMENTS.c.version.label("current_version"),
        *_VERSIONS.columns,
    )
    .select_from(_COMMITMENTS)
    .outerjoin(
        _VERSIONS,
        (_VERSIONS.c.commitment_id == _COMMITMENTS.c.id)
        & (
            _VERSIONS.c.version
            == func.coalesce(bindparam("version", type_=Integer), _COMMITMENTS.c.version)
        ),
    )
    .where(_COMMITMENTS.c.code == bindparam("code"))
)


async def commitment_with_terms(
    session: AsyncSession, code: str, version: int | None = None
) -> tuple[bool, Row]:
    """Whether commitment `code` is published, and the terms a ticket is judged by: version
    `version` of it, or its current version when None (a row of the versions' columns). In
    one query, since opening a ticket, the busiest write, needs both. An unknown code or
    version is the caller's bad input (422), since the ticket names the commitment by
    code."""
    connection = await session.connection()
    row = (
        await connection.execute(_COMMITMENT_WITH_TERMS, {"code": code, "version": version})
    ).first()
    if row is None:
        raise invalid_field(f"no commitment with code {code}", "#/commitment_code")
    if row.commitment_id is None:
        number = row.current_version if version is None else version
        raise invalid_field(f"commitment {code} has no version {number}", "#/commitment_version")
    return row.published, row


async def create_commitment(
    *, session: AsyncSession, data: CommitmentCreate, actor: Principal
) -> Commitment:
    ensure_role(actor, policy.KEEPERS)
    await _ensure_code_free(session, data.code)
    await _ensure_calendar_exists(session, data.calendar_id)
    terms = data.model_dump(include=set(TERMS))
    commitment = Commitment(code=data.code, version=1, published=False, **terms)
    session.add(commitment)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent create took the code after our check
        await session.rollback()
        raise _code_taken(data.code) from exc
    session.add(
        CommitmentVersion(commitment_id=commitment.id, version=1, created_by=actor.id, **terms)
    )
    await session.flush()
    await _record_commitment_event(session, EventType.commitment_created, commitment, actor)
    await session.commit()
    return commitment


async def update_commitment(
    *,
    session: AsyncSession,
    commitment_id: str,
    data: CommitmentUpdate,
    actor: Principal,
    expected_version: int | None = None,
) -> Commitment:
    """New terms make a new version; the versions before it stay as they were."""
    ensure_role(actor, policy.KEEPERS)
    commitment = await get_commitment(session=session, commitment_id=commitment_id)
    current = commitment.version
    if expected_version is not None and expected_version != current:
        raise PreconditionFailed(
            f"commitment {commitment_id} is at version {current}, not {expected_version}"
        )
    changes = {
        field: value
        for field, value in data.model_dump(exclude_unset=True).items()
        if getattr(commitment, field) != value
    }
    if not changes:
        return commitment
    if changes.get("calendar_id") is not None:
        await _ensure_calendar_exists(session, changes["calendar_id"])
    terms = {field: getattr(commitment, field) for field in TERMS} | changes
    # Compare-and-set on the version: of two edits made from the same version, one wins and
    # the other is told it is stale, rather than both writing "version n+1".
    moved = await session.execute(
        update(Commitment)
        .where(Commitment.id == commitment_id, Commitment.version == current)
        .values(version=current + 1, **terms)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        await session.rollback()
        raise PreconditionFailed(f"commitment {commitment_id} was changed meanwhile; read it again")
    session.add(
        CommitmentVersion(
            commitment_id=commitment_id, version=current + 1, created_by=actor.id, **terms
        )
    )
    await session.flush()
    await session.refresh(commitment)
    await _record_commitment_event(session, EventType.commitment_updated, commitment, actor)
    await session.commit()
    return commitment


async def publish_commitment(
    *, session: AsyncSession, commitment_id: str, actor: Principal
) -> Commitment:
    """Make it public (信息公开). Publishing a published commitment changes nothing."""
    return await _set_published(session, commitment_id, actor, published=True)


async def unpublish_commitment(
    *, session: AsyncSession, commitment_id: str, actor: Principal
) -> Commitment:
    """Withdraw it from the public list. Tickets already opened under it keep their terms."""
    return await _set_published(session, commitment_id, actor, published=False)


async def _set_published(
    session: AsyncSession, commitment_id: str, actor: Principal, *, published: bool
) -> Commitment:
    ensure_role(actor, policy.KEEPERS)
    commitment = await get_commitment(session=session, commitment_id=commitment_id)
    if commitment.published is published:
        return commitment
    commitment.published = published
    session.add(commitment)
    await session.flush()
    event_type = EventType.commitment_published if published else EventType.commitment_unpublished
    await _record_commitment_event(session, event_type, commitment, actor)
    await session.commit()
    return commitment


async def _ensure_calendar_exists(session: AsyncSession, calendar_id: str | None) -> None:
    """Tickets count their time on the commitment's calendar, so it must be a real one."""
    if calendar_id is not None and await session.get(Calendar, calendar_id) is None:
        raise invalid_field(f"no calendar {calendar_id}", "#/calendar_id")


def _code_taken(code: str) -> Conflict:
    return Conflict(f"commitment code {code} is already used", rule="unique-commitment-code")


async def _ensure_code_free(session: AsyncSession, code: str) -> None:
    if await session.scalar(select(Commitment.id).where(Commitment.code == code)) is not None:
        raise _code_taken(code)


async def _record_commitment_event(
    session: AsyncSession, event_type: EventType, commitment: Commitment, actor: Principal
) -> None:
    """The whole commitment as it now stands, with its version number."""
    data = CommitmentRead.model_validate(commitment).model_dump(mode="json")
    await record_event(session, event_type, subject=commitment.id, data={**data, "actor": actor.id})
