"""The rules of ledger items.

- Items nest to any depth inside one plan: a parent from another plan, or a move that
  would put an item under itself, is refused.
- Progress is reported on an item without children, with a note; every report is kept. A
  parent's progress is the weighted mean of its children's, worked out again up the tree
  whenever a child changes, in the same transaction.
- An item is done when its progress reaches 100 (`ledger.item.completed`, on time when
  done by the deadline in force); falling back below 100 reopens it (`ledger.item.reopened`).
- A deadline is moved with a reason; the first deadline stays as the baseline and every
  move is kept.
- Who makes items, reports on them and moves their deadlines: policy.py.
- Writes inside one plan take turns (a row lock on the plan on PostgreSQL; SQLite writes
  are serial), so two reports on sibling items cannot both roll up from a stale parent.
- Every change judges the exceptions of the item and of those above it again, in its
  transaction (exceptions/: overdue, behind, stalled).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.bureau_time import bureau_date, bureau_today
from guanjia_shared.clock import now
from guanjia_shared.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    invalid_field,
)
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page
from ledger_svc.events import LedgerEvent
from ledger_svc.exceptions.rules import ExceptionThresholds
from ledger_svc.exceptions.service import refresh_item_exceptions
from ledger_svc.items import policy
from ledger_svc.items.models import (
    DeadlineChange,
    DeadlineMove,
    Item,
    ItemCreate,
    ItemStatus,
    ItemUpdate,
    ProgressIn,
    ProgressReport,
)
from ledger_svc.plans.models import Plan
from ledger_svc.plans.service import get_plan

COMPLETE = 100.0


# --- reading -------------------------------------------------------------------------------


def item_view(item: Item, has_children: bool) -> dict[str, Any]:
    source = (
        {"service": item.source_service, "ref": item.source_ref}
        if item.source_service and item.source_ref
        else None
    )
    return {
        **{name: getattr(item, name) for name in VIEW_FIELDS},
        "source": source,
        "has_children": has_children,
    }


VIEW_FIELDS = (
    "id",
    "plan_id",
    "parent_id",
    "title",
    "target",
    "breakdown",
    "quality_requirement",
    "owner_id",
    "department",
    "weight",
    "starts_on",
    "deadline",
    "original_deadline",
    "progress",
    "status",
    "completed_at",
    "last_reported_at",
    "created_at",
)


async def views_of(session: AsyncSession, items: list[Item]) -> list[dict[str, Any]]:
    """Items as answered, with whether each has children (one query for all)."""
    ids = [item.id for item in items]
    parents: set[str] = set()
    if ids:
        rows = await session.execute(
            select(Item.parent_id).where(Item.parent_id.in_(ids)).distinct()
        )
        parents = {row[0] for row in rows}
    return [item_view(item, item.id in parents) for item in items]


async def get_item(session: AsyncSession, item_id: str) -> Item:
    item = await session.get(Item, item_id)
    if item is None:
        raise NotFound(f"no item {item_id}")
    return item


async def list_items(
    *,
    session: AsyncSession,
    page: PageParams,
    plan_id: str | None = None,
    parent_id: str | None = None,
    top_level: bool = False,
    department: str | None = None,
    owner_id: str | None = None,
    status: ItemStatus | None = None,
    source_ref: str | None = None,
) -> tuple[list[Item], int]:
    if plan_id is not None:
        await get_plan(session=session, plan_id=plan_id)
    query = select(Item).order_by(Item.deadline, Item.created_at, Item.id)
    filters = {
        Item.plan_id: plan_id,
        Item.parent_id: parent_id,
        Item.department: department,
        Item.owner_id: owner_id,
        Item.status: status.value if status else None,
        Item.source_ref: source_ref,
    }
    for column, value in filters.items():
        if value is not None:
            query = query.where(column == value)
    if top_level:
        query = query.where(Item.parent_id.is_(None))
    return await fetch_page(session, query, page)


async def list_progress(
    *, session: AsyncSession, item_id: str, page: PageParams
) -> tuple[list[ProgressReport], int]:
    await get_item(session, item_id)
    query = (
        select(ProgressReport)
        .where(ProgressReport.item_id == item_id)
        .order_by(ProgressReport.reported_at, ProgressReport.id)
    )
    return await fetch_page(session, query, page)


async def list_deadline_changes(*, session: AsyncSession, item_id: str) -> list[DeadlineChange]:
    await get_item(session, item_id)
    query = (
        select(DeadlineChange)
        .where(DeadlineChange.item_id == item_id)
        .order_by(DeadlineChange.changed_at, DeadlineChange.id)
    )
    return list((await session.execute(query)).scalars().all())


# --- writing -------------------------------------------------------------------------------


async def _lock_plan(session: AsyncSession, plan_id: str) -> Plan:
    query = select(Plan).where(Plan.id == plan_id).with_for_update()
    plan = await session.scalar(query)
    if plan is None:
        raise NotFound(f"no plan {plan_id}")
    return plan


async def create_item(
    *,
    session: AsyncSession,
    plan_id: str,
    data: ItemCreate,
    actor: Principal,
    thresholds: ExceptionThresholds,
) -> Item:
    policy.ensure_may_shape(actor, data.department)
    plan = await _lock_plan(session, plan_id)
    item = await add_item(session, plan, data, actor_id=actor.id, thresholds=thresholds)
    await session.commit()
    return item


async def add_item(
    session: AsyncSession,
    plan: Plan,
    data: ItemCreate,
    *,
    actor_id: str | None,
    thresholds: ExceptionThresholds,
) -> Item:
    """Add an item to `plan` (held by the caller) with its event; the caller commits."""
    starts_on = data.starts_on or bureau_today()
    if data.deadline < starts_on:
        raise invalid_field("the deadline is before the item starts", "#/deadline")
    if data.parent_id is not None:
        await _parent_in_plan(session, data.parent_id, plan.id)
    item = Item(
        plan_id=plan.id,
        parent_id=data.parent_id,
        title=data.title,
        target=data.target,
        breakdown=data.breakdown,
        quality_requirement=data.quality_requirement,
        owner_id=data.owner_id,
        department=data.department,
        weight=float(data.weight),
        starts_on=starts_on,
        deadline=data.deadline,
        original_deadline=data.deadline,
        source_service=data.source.service if data.source else None,
        source_ref=data.source.ref if data.source else None,
        created_by=actor_id,
    )
    session.add(item)
    await session.flush()
    await _publish(session, LedgerEvent.item_created, item, plan)
    # A leaf that gets its first child becomes a roll-up of its children.
    await roll_up_from(session, item.parent_id, plan)
    await refresh_item_exceptions(session, item, thresholds=thresholds)
    return item


async def _parent_in_plan(session: AsyncSession, parent_id: str, plan_id: str) -> Item:
    parent = await session.get(Item, parent_id)
    if parent is None:
        raise invalid_field(f"no item {parent_id}", "#/parent_id")
    if parent.plan_id != plan_id:
        raise invalid_field("the parent belongs to another plan", "#/parent_id")
    return parent


async def update_item(
    *,
    session: AsyncSession,
    item_id: str,
    data: ItemUpdate,
    actor: Principal,
    thresholds: ExceptionThresholds,
    expected_version: int | None = None,
) -> Item:
    """Edit an item; with `expected_version` (If-Match), only the version the caller read."""
    item = await get_item(session, item_id)
    policy.ensure_may_shape(actor, item.department)
    plan = await _lock_plan(session, item.plan_id)
    await session.refresh(item)
    if expected_version is not None and expected_version != item.version:
        raise PreconditionFailed(f"item {item_id} is at version {item.version}; read it again")
    changes = data.model_dump(exclude_unset=True)
    if "department" in changes:
        policy.ensure_may_shape(actor, changes["department"])
    old_parent = item.parent_id
    if "parent_id" in changes and changes["parent_id"] != old_parent:
        await _ensure_no_cycle(session, item, changes["parent_id"], plan.id)
    for name, value in changes.items():
        setattr(item, name, float(value) if name == "weight" else value)
    item.version += 1
    await session.flush()
    await roll_up_from(session, item.parent_id, plan)
    if old_parent != item.parent_id:
        await roll_up_from(session, old_parent, plan)
    await refresh_item_exceptions(
        session, item, thresholds=thresholds, previous_parent_id=old_parent
    )
    await _publish(session, LedgerEvent.item_updated, item, plan)
    await session.commit()
    return item


async def _ensure_no_cycle(
    session: AsyncSession, item: Item, new_parent_id: str | None, plan_id: str
) -> None:
    """The new parent must be in the plan and must not be the item or one below it."""
    if new_parent_id is None:
        return
    ancestor: Item | None = await _parent_in_plan(session, new_parent_id, plan_id)
    while ancestor is not None:
        if ancestor.id == item.id:
            raise invalid_field(
                "an item cannot be put under itself or its own parts", "#/parent_id"
            )
        ancestor = await session.get(Item, ancestor.parent_id) if ancestor.parent_id else None


async def report_progress(
    *,
    session: AsyncSession,
    item_id: str,
    data: ProgressIn,
    actor: Principal,
    thresholds: ExceptionThresholds,
) -> ProgressReport:
    item = await get_item(session, item_id)
    policy.ensure_may_report(actor, item)
    plan = await _lock_plan(session, item.plan_id)
    await session.refresh(item)
    if await _has_children(session, item.id):
        raise Conflict(
            "this item's progress is rolled up from its parts: report on them",
            rule="progress-on-leaves",
        )
    moment = now()
    report = ProgressReport(
        item_id=item.id,
        percent=float(data.percent),
        note=data.note,
        reported_by=actor.id,
        reported_at=moment,
    )
    session.add(report)
    item.last_reported_at = moment
    await _set_progress(session, item, float(data.percent), plan, moment)
    await roll_up_from(session, item.parent_id, plan, moment)
    await refresh_item_exceptions(session, item, thresholds=thresholds)
    await record_event(
        session,
        LedgerEvent.item_progress_reported,
        subject=item.id,
        data={
            "id": item.id,
            "plan_id": plan.id,
            "year": plan.year,
            "department": item.department,
            "percent": report.percent,
            "reported_by": actor.id,
        },
    )
    await session.commit()
    return report


async def move_deadline(
    *,
    session: AsyncSession,
    item_id: str,
    data: DeadlineMove,
    actor: Principal,
    thresholds: ExceptionThresholds,
) -> Item:
    policy.ensure_may_move_deadline(actor)
    item = await get_item(session, item_id)
    plan = await _lock_plan(session, item.plan_id)
    await session.refresh(item)
    if data.deadline == item.deadline:
        raise invalid_field("that is the deadline already", "#/deadline")
    if data.deadline < item.starts_on:
        raise invalid_field("the deadline is before the item starts", "#/deadline")
    session.add(
        DeadlineChange(
            item_id=item.id,
            previous_deadline=item.deadline,
            new_deadline=data.deadline,
            reason=data.reason,
            changed_by=actor.id,
        )
    )
    previous = item.deadline
    item.deadline = data.deadline
    item.version += 1
    await _publish(
        session,
        LedgerEvent.item_deadline_moved,
        item,
        plan,
        previous_deadline=previous.isoformat(),
        reason=data.reason,
    )
    await refresh_item_exceptions(session, item, thresholds=thresholds)
    await session.commit()
    return item


# --- progress and its roll-up --------------------------------------------------------------


async def _has_children(session: AsyncSession, item_id: str) -> bool:
    found = await session.scalar(select(Item.id).where(Item.parent_id == item_id).limit(1))
    return found is not None


async def roll_up_from(
    session: AsyncSession, item_id: str | None, plan: Plan, moment: dt.datetime | None = None
) -> None:
    """Work each ancestor's progress out again, from `item_id` up to the top."""
    moment = moment or now()
    while item_id is not None:
        parent = await get_item(session, item_id)
        totals = await session.execute(
            select(func.sum(Item.weight * Item.progress), func.sum(Item.weight)).where(
                Item.parent_id == parent.id
            )
        )
        weighted, weights = totals.one()
        if weights:
            await _set_progress(session, parent, weighted / weights, plan, moment)
        item_id = parent.parent_id


async def _set_progress(
    session: AsyncSession, item: Item, progress: float, plan: Plan, moment: dt.datetime
) -> None:
    """Set the progress, and mark the item done or open again when it crosses 100."""
    item.progress = round(progress, 4)
    done = item.progress >= COMPLETE
    if done and item.status != ItemStatus.done:
        item.status = ItemStatus.done.value
        item.completed_at = moment
        await _publish(
            session,
            LedgerEvent.item_completed,
            item,
            plan,
            completed_at=moment.isoformat(),
            on_time=bureau_date(moment) <= item.deadline,
        )
    elif not done and item.status == ItemStatus.done:
        item.status = ItemStatus.open.value
        item.completed_at = None
        await _publish(session, LedgerEvent.item_reopened, item, plan)
    await session.flush()


async def _publish(
    session: AsyncSession, event_type: LedgerEvent, item: Item, plan: Plan, **extra: Any
) -> None:
    data = {
        "id": item.id,
        "plan_id": plan.id,
        "year": plan.year,
        "parent_id": item.parent_id,
        "title": item.title,
        "department": item.department,
        "owner_id": item.owner_id,
        "deadline": item.deadline.isoformat(),
        "original_deadline": item.original_deadline.isoformat(),
        "progress": item.progress,
        "status": item.status,
        "source": {"service": item.source_service, "ref": item.source_ref}
        if item.source_ref
        else None,
        **extra,
    }
    await record_event(session, event_type, subject=item.id, data=data)
