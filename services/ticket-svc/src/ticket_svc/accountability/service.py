"""The rules of accountability records (奖惩): rewards and penalties of a department or
a person, recorded by a leader's hand or by rule (a breach of a service commitment), and
penalties exempted (免责, e.g. for force majeure) on request and a leader's decision. The
records feed the ledger's scorecards through their events.

A breach is recorded by rule once however often it is seen (`record_breaches`, in the
escalation job's own transaction). Only penalties are exempted; a reward has nothing to be
excused from. Who may record, ask, decide and read is in policy.py, and enforced here.

Events, written in the same transaction as the row: `ticket.accountability.recorded` for
every record, `ticket.accountability.exempted` when an exemption is approved, so the
ledger's scorecard counts a record until it is exempted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, not_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.bureau_time import bureau_year
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, Forbidden, NotFound, invalid_field
from guanjia_shared.outbox import record_event, record_events
from guanjia_shared.pagination import PageParams, fetch_page
from ticket_svc.accountability import policy
from ticket_svc.accountability.models import (
    AccountabilityExemption,
    AccountabilityKind,
    AccountabilityRecord,
    AccountabilityRecordCreate,
    AccountabilityRecordDetail,
    AccountabilityRecordRead,
    ExemptionDecision,
    ExemptionRead,
    ExemptionRequest,
    RecordOrigin,
    RecordStatus,
)
from ticket_svc.database import insert_new_rows
from ticket_svc.events import EventType
from ticket_svc.tickets.models import Ticket

ONE_EXEMPTION_AT_A_TIME = "one-exemption-at-a-time"
DECIDE_ONCE = "decide-once"
ONLY_PENALTIES_ARE_EXEMPTED = "only-penalties-are-exempted"


def effective_status(exemptions: Iterable[AccountabilityExemption]) -> RecordStatus:
    """A record counts until an exemption of it is approved; a rejected request changes
    nothing."""
    decisions = {exemption.decision for exemption in exemptions}
    if ExemptionDecision.approved in decisions:
        return RecordStatus.exempted
    if ExemptionDecision.pending in decisions:
        return RecordStatus.exemption_requested
    return RecordStatus.active


# --- recording ---------------------------------------------------------------------------


async def create_record(
    *, session: AsyncSession, data: AccountabilityRecordCreate, actor: Principal
) -> AccountabilityRecordDetail:
    """A reward or penalty recorded by a leader's hand."""
    ensure_role(actor, policy.RECORDERS)
    recorded_at = now()
    # Kept in UTC, so the answer to this request reads as every later read does.
    occurred_at = (data.occurred_at or recorded_at).astimezone(UTC)
    if occurred_at > recorded_at:
        raise invalid_field("occurred_at may not lie in the future", "#/occurred_at")
    if data.ticket_id is not None and not await _ticket_exists(session, data.ticket_id):
        raise invalid_field(f"no ticket {data.ticket_id}", "#/ticket_id")
    record = AccountabilityRecord(
        kind=data.kind.value,
        department=data.department,
        person_id=data.person_id,
        reason=data.reason,
        points=data.points,
        origin=RecordOrigin.manual.value,
        rule=None,
        ticket_id=data.ticket_id,
        occurred_at=occurred_at,
        year=bureau_year(occurred_at),  # 20:00 UTC on 31 December is next year in Beijing
        recorded_at=recorded_at,
        recorded_by=actor.id,
    )
    session.add(record)
    await session.flush()
    await record_event(session, *_recorded_event(record))
    await session.commit()
    return _detail(record, [])


@dataclass(frozen=True)
class Breach:
    """A breach a rule turns into a penalty; (ticket, rule, department) names it."""

    rule: str
    department: str
    ticket_id: str
    reason: str
    occurred_at: datetime
    person_id: str | None = None


async def record_breaches(
    session: AsyncSession, breaches: Sequence[Breach]
) -> list[AccountabilityRecord]:
    """Record the penalty for each breach, once: answers the records made now, leaving out
    each breach already recorded (or twice in `breaches`).

    For the escalation job, inside its own transaction: the rows and their events
    are written in two statements, never committed. The unique constraint, not a look-up
    first, decides (INSERT … ON CONFLICT DO NOTHING), so two replicas seeing the same
    breach at once still record it once, and a duplicate costs the caller's transaction
    nothing. An unknown ticket is still an error (the foreign key), the caller's to see.
    """
    records = [_penalty(breach) for breach in breaches]
    table = AccountabilityRecord.__table__
    made = {
        row.id
        for row in await insert_new_rows(
            session, table, [record.model_dump() for record in records], [table.c.id]
        )
    }
    kept = [record for record in records if record.id in made]
    await record_events(session, [_recorded_event(record) for record in kept])
    return kept


def _penalty(breach: Breach) -> AccountabilityRecord:
    if not breach.rule or not breach.department or not breach.reason:
        raise ValueError("a rule-made record needs a rule, a department and a reason")
    if breach.occurred_at.tzinfo is None:
        raise ValueError("occurred_at must carry its offset")
    return AccountabilityRecord(
        kind=AccountabilityKind.penalty.value,
        department=breach.department,
        person_id=breach.person_id,
        reason=breach.reason,
        points=None,
        origin=RecordOrigin.rule.value,
        rule=breach.rule,
        ticket_id=breach.ticket_id,
        occurred_at=breach.occurred_at.astimezone(UTC),
        year=bureau_year(breach.occurred_at),
        recorded_at=now(),
        recorded_by=None,
    )


# --- exemptions --------------------------------------------------------------------------


async def request_exemption(
    *, session: AsyncSession, record_id: str, data: ExemptionRequest, actor: Principal
) -> AccountabilityRecordDetail:
    record = await _get_record(session, record_id)
    if not policy.may_request_exemption(actor, record):
        raise Forbidden(
            "an exemption is asked for by the record's department (dept_head or agent) "
            "or by the person it names"
        )
    if record.kind != AccountabilityKind.penalty:
        raise Conflict(
            f"record {record_id} is a reward; only penalties are exempted",
            rule=ONLY_PENALTIES_ARE_EXEMPTED,
        )
    if effective_status(await _exemptions_of(session, record_id)) != RecordStatus.active:
        raise _one_exemption_at_a_time(record_id)
    session.add(
        AccountabilityExemption(
            record_id=record_id,
            ground=data.ground.value,
            reason=data.reason,
            requested_by=actor.id,
            requested_at=now(),
        )
    )
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent request got in after our check
        await session.rollback()
        raise _one_exemption_at_a_time(record_id) from exc
    await session.commit()
    return _detail(record, await _exemptions_of(session, record_id))


async def approve_exemption(
    *, session: AsyncSession, record_id: str, note: str | None, actor: Principal
) -> AccountabilityRecordDetail:
    """The record stops counting; the ledger hears so and leaves it out of the scorecard."""
    return await _decide_exemption(session, record_id, ExemptionDecision.approved, note, actor)


async def reject_exemption(
    *, session: AsyncSession, record_id: str, note: str, actor: Principal
) -> AccountabilityRecordDetail:
    """The record keeps counting; its department may ask again on new grounds."""
    return await _decide_exemption(session, record_id, ExemptionDecision.rejected, note, actor)


async def _decide_exemption(
    session: AsyncSession,
    record_id: str,
    decision: ExemptionDecision,
    note: str | None,
    actor: Principal,
) -> AccountabilityRecordDetail:
    ensure_role(actor, policy.DECIDERS)
    record = await _get_record(session, record_id)
    exemptions = await _exemptions_of(session, record_id)
    if not exemptions:
        raise NotFound(f"nobody has asked to exempt record {record_id}")
    latest = exemptions[-1]
    if not policy.may_decide_exemption(actor, record, latest.requested_by):
        raise Forbidden("an exemption is decided by a leader who neither asked nor is named")
    if latest.decision != ExemptionDecision.pending:
        raise _decided_already(record_id, latest.decision)
    # Compare-and-set on the decision: of two leaders deciding at once, one decides and the
    # other is told it is decided.
    moved = await session.execute(
        update(AccountabilityExemption)
        .where(
            AccountabilityExemption.id == latest.id,
            AccountabilityExemption.decision == ExemptionDecision.pending.value,
        )
        .values(decision=decision.value, decided_by=actor.id, decided_at=now(), decision_note=note)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        await session.rollback()
        raise _decided_already(record_id, None)
    if decision == ExemptionDecision.approved:
        await record_event(
            session,
            EventType.accountability_exempted,
            subject=record.id,
            data={
                "id": record.id,
                "exemption_id": latest.id,
                "kind": record.kind,
                "department": record.department,
                "person_id": record.person_id,
                "points": record.points,
                "year": record.year,
                "ground": latest.ground,
            },
        )
    await session.commit()
    return _detail(record, await _exemptions_of(session, record_id))


def _one_exemption_at_a_time(record_id: str) -> Conflict:
    return Conflict(
        f"record {record_id} already has an exemption pending or approved",
        rule=ONE_EXEMPTION_AT_A_TIME,
    )


def _decided_already(record_id: str, decision: str | None) -> Conflict:
    how = f" ({decision})" if decision else ""
    return Conflict(
        f"the exemption request of record {record_id} is already decided{how}", rule=DECIDE_ONCE
    )


# --- reading -----------------------------------------------------------------------------


async def get_record(
    *, session: AsyncSession, record_id: str, viewer: Principal
) -> AccountabilityRecordDetail:
    record = await _get_record(session, record_id)
    if not policy.may_see(viewer, record):
        raise Forbidden(f"record {record_id} is not one this account may see")
    return _detail(record, await _exemptions_of(session, record_id))


async def list_records(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    department: str | None = None,
    person_id: str | None = None,
    kind: AccountabilityKind | None = None,
    status: RecordStatus | None = None,
    year: int | None = None,
    origin: RecordOrigin | None = None,
    ticket_id: str | None = None,
) -> tuple[list[AccountabilityRecordRead], int]:
    """Newest first (by when it happened), within what `viewer` may see."""
    record = AccountabilityRecord
    query = select(record).order_by(
        record.occurred_at.desc(), record.recorded_at.desc(), record.id.desc()
    )
    visible = policy.visible_records(viewer)
    if visible is not None:
        query = query.where(visible)
    if department is not None:
        query = query.where(record.department == department)
    if person_id is not None:
        query = query.where(record.person_id == person_id)
    if kind is not None:
        query = query.where(record.kind == kind.value)
    if year is not None:
        query = query.where(record.year == year)
    if origin is not None:
        query = query.where(record.origin == origin.value)
    if ticket_id is not None:
        query = query.where(record.ticket_id == ticket_id)
    if status is not None:
        query = query.where(_having_status(status))
    records, total = await fetch_page(session, query, page)
    open_exemptions = await _open_exemptions_of(session, [r.id for r in records])
    return [_read(r, effective_status(open_exemptions.get(r.id, []))) for r in records], total


def _having_status(status: RecordStatus) -> ColumnElement[bool]:
    """`effective_status` as SQL, for filtering a list."""

    def with_decision(decision: ExemptionDecision) -> ColumnElement[bool]:
        return exists().where(
            AccountabilityExemption.record_id == AccountabilityRecord.id,
            AccountabilityExemption.decision == decision.value,
        )

    approved = with_decision(ExemptionDecision.approved)
    pending = with_decision(ExemptionDecision.pending)
    if status == RecordStatus.exempted:
        return approved
    if status == RecordStatus.exemption_requested:
        return and_(pending, not_(approved))
    return and_(not_(pending), not_(approved))


# --- helpers -----------------------------------------------------------------------------


async def _get_record(session: AsyncSession, record_id: str) -> AccountabilityRecord:
    record = await session.get(AccountabilityRecord, record_id)
    if record is None:
        raise NotFound(f"no accountability record {record_id}")
    return record


async def _exemptions_of(session: AsyncSession, record_id: str) -> list[AccountabilityExemption]:
    query = (
        select(AccountabilityExemption)
        .where(AccountabilityExemption.record_id == record_id)
        .order_by(AccountabilityExemption.requested_at, AccountabilityExemption.id)
        # A decision is written by UPDATE; read it back rather than a stale loaded copy.
        .execution_options(populate_existing=True)
    )
    return list((await session.execute(query)).scalars().all())


async def _open_exemptions_of(
    session: AsyncSession, record_ids: list[str]
) -> dict[str, list[AccountabilityExemption]]:
    """The pending and approved exemptions of the records, by record (rejected ones do not
    change a status)."""
    if not record_ids:
        return {}
    query = select(AccountabilityExemption).where(
        AccountabilityExemption.record_id.in_(record_ids),
        AccountabilityExemption.decision.in_(
            [ExemptionDecision.pending.value, ExemptionDecision.approved.value]
        ),
    )
    by_record: dict[str, list[AccountabilityExemption]] = {}
    for exemption in (await session.execute(query)).scalars():
        by_record.setdefault(exemption.record_id, []).append(exemption)
    return by_record


async def _ticket_exists(session: AsyncSession, ticket_id: str) -> bool:
    return await session.scalar(select(Ticket.id).where(Ticket.id == ticket_id)) is not None


def _read(record: AccountabilityRecord, status: RecordStatus) -> AccountabilityRecordRead:
    return AccountabilityRecordRead.model_validate({**record.model_dump(), "status": status})


def _detail(
    record: AccountabilityRecord, exemptions: list[AccountabilityExemption]
) -> AccountabilityRecordDetail:
    return AccountabilityRecordDetail.model_validate(
        {
            **record.model_dump(),
            "status": effective_status(exemptions),
            "exemptions": [ExemptionRead.model_validate(e) for e in exemptions],
        }
    )


def _recorded_event(record: AccountabilityRecord) -> tuple[str, str, dict[str, Any]]:
    return (
        EventType.accountability_recorded,
        record.id,
        {
            "id": record.id,
            "kind": record.kind,
            "department": record.department,
            "person_id": record.person_id,
            "points": record.points,
            "origin": record.origin,
            "rule": record.rule,
            "ticket_id": record.ticket_id,
            "reason": record.reason,
            "occurred_at": record.occurred_at.isoformat(),
            "year": record.year,
        },
    )
