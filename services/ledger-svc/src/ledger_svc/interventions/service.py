"""The rules of interventions.

- Only a `leader` issues one, on any item of the ledger, with an instruction
  (`ledger.intervention.issued`).
- The item's owner — whoever owns it when they act — acknowledges it (issued →
  acknowledged) and answers it (issued or acknowledged → answered: answering acknowledges),
  once (`ledger.intervention.acknowledged`, `ledger.intervention.answered`).
- A `leader` closes it, with an optional note, from any open state: after reading the
  answer, or to withdraw it (`ledger.intervention.closed`). A closed one stays closed; a
  further instruction is a new intervention.
- Open means not closed: an answered intervention still waits on a leader. Open ones are
  shown on the item and beside its exceptions in the leadership's view.
- Moves from the wrong state are refused (409) with the rule they break.
- Who may do each of these, and who follows interventions: policy.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page
from ledger_svc.events import LedgerEvent
from ledger_svc.exceptions.policy import ensure_may_follow
from ledger_svc.interventions import policy
from ledger_svc.interventions.models import (
    OPEN_STATUSES,
    AnswerIn,
    CloseIn,
    Intervention,
    InterventionIn,
    InterventionStatus,
)
from ledger_svc.items.models import Item
from ledger_svc.plans.models import Plan

# --- reading -------------------------------------------------------------------------------


async def get_intervention(session: AsyncSession, intervention_id: str) -> Intervention:
    found = await session.get(Intervention, intervention_id)
    if found is None:
        raise NotFound(f"no intervention {intervention_id}")
    return found


async def followed_intervention(
    *, session: AsyncSession, intervention_id: str, actor: Principal
) -> Intervention:
    intervention = await get_intervention(session, intervention_id)
    ensure_may_follow(actor, await _get_item(session, intervention.item_id))
    return intervention


async def _get_item(session: AsyncSession, item_id: str) -> Item:
    item = await session.get(Item, item_id)
    if item is None:
        raise NotFound(f"no item {item_id}")
    return item


async def list_for_item(
    *,
    session: AsyncSession,
    item_id: str,
    actor: Principal,
    status: InterventionStatus | None = None,
    open_only: bool = False,
) -> list[Intervention]:
    item = await _get_item(session, item_id)
    ensure_may_follow(actor, item)
    query = select(Intervention).where(Intervention.item_id == item_id)
    query = _filtered(query, status, open_only)
    query = query.order_by(Intervention.issued_at, Intervention.id)
    return list((await session.execute(query)).scalars().all())


async def list_interventions(
    *,
    session: AsyncSession,
    actor: Principal,
    page: PageParams,
    status: InterventionStatus | None = None,
    open_only: bool = False,
    department: str | None = None,
) -> tuple[list[Intervention], int]:
    """Newest first. Someone neither leadership nor a department head sees those on the
    items they own (their to-do list)."""
    query = (
        select(Intervention)
        .join(Item, Item.id == Intervention.item_id)
        .where(policy.interventions_in_view(actor, department))
    )
    query = _filtered(query, status, open_only)
    query = query.order_by(Intervention.issued_at.desc(), Intervention.id)
    return await fetch_page(session, query, page)


def _filtered(query: Any, status: InterventionStatus | None, open_only: bool) -> Any:
    if status is not None:
        query = query.where(Intervention.status == status.value)
    if open_only:
        query = query.where(Intervention.status.in_(OPEN_STATUSES))
    return query


async def open_interventions_of(
    session: AsyncSession, item_ids: list[str]
) -> dict[str, list[Intervention]]:
    """The open interventions of each item, oldest first (one query for all)."""
    if not item_ids:
        return {}
    rows = await session.execute(
        select(Intervention)
        .where(Intervention.item_id.in_(item_ids), Intervention.status.in_(OPEN_STATUSES))
        .order_by(Intervention.issued_at, Intervention.id)
    )
    found: dict[str, list[Intervention]] = defaultdict(list)
    for intervention in rows.scalars().all():
        found[intervention.item_id].append(intervention)
    return found


# --- writing -------------------------------------------------------------------------------


async def issue_intervention(
    *, session: AsyncSession, item_id: str, data: InterventionIn, actor: Principal
) -> Intervention:
    policy.ensure_may_issue(actor)
    item = await _get_item(session, item_id)
    intervention = Intervention(
        item_id=item.id, instruction=data.instruction, issued_by=actor.id, issued_at=now()
    )
    session.add(intervention)
    await session.flush()
    await _publish(session, LedgerEvent.intervention_issued, intervention, item)
    await session.commit()
    return intervention


async def acknowledge_intervention(
    *, session: AsyncSession, intervention_id: str, actor: Principal
) -> Intervention:
    intervention, item = await _held(session, intervention_id)
    policy.ensure_owner(actor, item)
    if intervention.status != InterventionStatus.issued:
        raise Conflict(
            f"the intervention is {intervention.status}: only an issued one is acknowledged",
            rule="acknowledge-an-issued-intervention",
        )
    _acknowledge(intervention, actor)
    await _save(session, LedgerEvent.intervention_acknowledged, intervention, item)
    return intervention


async def answer_intervention(
    *, session: AsyncSession, intervention_id: str, data: AnswerIn, actor: Principal
) -> Intervention:
    intervention, item = await _held(session, intervention_id)
    policy.ensure_owner(actor, item)
    if intervention.status not in (InterventionStatus.issued, InterventionStatus.acknowledged):
        raise Conflict(
            f"the intervention is {intervention.status}: it is answered once, before closing",
            rule="answer-once-before-closing",
        )
    moment = now()
    if intervention.acknowledged_at is None:
        _acknowledge(intervention, actor, moment)
    intervention.answer = data.answer
    intervention.answered_by = actor.id
    intervention.answered_at = moment
    intervention.status = InterventionStatus.answered.value
    await _save(session, LedgerEvent.intervention_answered, intervention, item)
    return intervention


async def close_intervention(
    *, session: AsyncSession, intervention_id: str, data: CloseIn, actor: Principal
) -> Intervention:
    policy.ensure_may_close(actor)
    intervention, item = await _held(session, intervention_id)
    if intervention.status == InterventionStatus.closed:
        raise Conflict("the intervention is closed already", rule="close-an-open-intervention")
    intervention.closed_by = actor.id
    intervention.closed_at = now()
    intervention.close_note = data.note
    intervention.status = InterventionStatus.closed.value
    await _save(session, LedgerEvent.intervention_closed, intervention, item)
    return intervention


async def _held(session: AsyncSession, intervention_id: str) -> tuple[Intervention, Item]:
    """The intervention, its row held until commit (two answers at once take turns), and
    its item."""
    query = (
        select(Intervention)
        .where(Intervention.id == intervention_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    intervention = await session.scalar(query)
    if intervention is None:
        raise NotFound(f"no intervention {intervention_id}")
    return intervention, await _get_item(session, intervention.item_id)


def _acknowledge(
    intervention: Intervention, actor: Principal, moment: dt.datetime | None = None
) -> None:
    intervention.acknowledged_by = actor.id
    intervention.acknowledged_at = moment or now()
    intervention.status = InterventionStatus.acknowledged.value


async def _save(
    session: AsyncSession, event_type: LedgerEvent, intervention: Intervention, item: Item
) -> None:
    intervention.version += 1
    await session.flush()
    await _publish(session, event_type, intervention, item)
    await session.commit()


async def _publish(
    session: AsyncSession, event_type: LedgerEvent, intervention: Intervention, item: Item
) -> None:
    plan = await session.get(Plan, item.plan_id)
    data = {
        "id": intervention.id,
        "item_id": item.id,
        "item_title": item.title,
        "plan_id": item.plan_id,
        "year": plan.year if plan else None,
        "department": item.department,
        "owner_id": item.owner_id,
        "status": intervention.status,
        "instruction": intervention.instruction,
        "issued_by": intervention.issued_by,
        "issued_at": intervention.issued_at.isoformat(),
    }
    if intervention.answered_at is not None:
        data.update(answer=intervention.answer, answered_by=intervention.answered_by)
    if intervention.closed_at is not None:
        data.update(closed_by=intervention.closed_by, close_note=intervention.close_note)
    await record_event(session, event_type, subject=intervention.id, data=data)
