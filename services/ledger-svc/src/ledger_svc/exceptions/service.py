"""Keeping the exceptions table true to the rules (rules.py), and reading it.

An exception is raised once, with `ledger.item.exception_raised`, and cleared once, with
`ledger.item.exception_cleared`, however often the items are evaluated. `GET exceptions` is
the leadership's daily view: only what needs attention, worst first, by department if asked.

How exactly-once holds:
- An evaluation (`reconcile_exceptions`) compares what the rules find for an item today
  with the item's open rows: a finding with no open row is raised (row + event), an open
  row the rules no longer find is cleared (stamp + event). Findings that stay open write
  nothing, so evaluating again and again publishes nothing more.
- The event is written in the same transaction as the row change (outbox), so it exists
  exactly when the change does.
- Two evaluations racing over one item cannot both raise: the partial unique index allows
  one open row per item and reason; the insert runs in a savepoint and the one that loses
  publishes nothing. Nor both clear: the clearing UPDATE is guarded by `cleared_at IS
  NULL`, and only the one whose UPDATE hit the row publishes.
- Normally they do not even race: every item write and every sweep holds its plan's row
  (FOR UPDATE on PostgreSQL; SQLite writes are serial), and reads the item after taking
  it, so an evaluation never judges an item as it was before another one's change.

When items are evaluated: right after they change (`refresh_item_exceptions`, called by
the items' rules in their transaction), and once a bureau day by the sweep (jobs.py)
for what days passing change.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import case, func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.bureau_time import bureau_date, bureau_today
from guanjia_shared.clock import now
from guanjia_shared.errors import NotFound
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams
from ledger_svc.config import ServiceSettings, Settings
from ledger_svc.events import LedgerEvent
from ledger_svc.exceptions.models import ClearedBecause, ItemException
from ledger_svc.exceptions.policy import department_in_view, ensure_may_follow
from ledger_svc.exceptions.rules import (
    ExceptionThresholds,
    ItemFacts,
    Reason,
    describe,
    find_exceptions,
)
from ledger_svc.interventions.models import InterventionRead
from ledger_svc.interventions.service import open_interventions_of
from ledger_svc.items.models import Item, ItemStatus
from ledger_svc.plans.models import Plan


def exception_thresholds(settings: Settings) -> ExceptionThresholds:
    """The thresholds of `settings`: the app passes its own to the routes (`Thresholds`),
    the sweep and the consumers, so every evaluation judges by the same figures."""
    return ExceptionThresholds(
        stalled_after_days=settings.stalled_after_days,
        behind_tolerance_points=settings.behind_tolerance_points,
    )


async def _app_thresholds(settings: ServiceSettings) -> ExceptionThresholds:
    return exception_thresholds(settings)


# The routes' dependency: the thresholds of the running app's settings.
Thresholds = Annotated[ExceptionThresholds, Depends(_app_thresholds)]


def facts_of(item: Item, has_children: bool) -> ItemFacts:
    return ItemFacts(
        starts_on=item.starts_on,
        deadline=item.deadline,
        progress=item.progress,
        done=item.status == ItemStatus.done,
        has_children=has_children,
        last_reported_on=bureau_date(item.last_reported_at) if item.last_reported_at else None,
    )


# --- evaluating ----------------------------------------------------------------------------


async def refresh_item_exceptions(
    session: AsyncSession,
    item: Item,
    *,
    thresholds: ExceptionThresholds,
    previous_parent_id: str | None = None,
) -> int:
    """Evaluate `item` and every item above it again (their progress rolls up from it, and
    whether they have parts may have changed), and the items above its previous parent
    when it has just moved. The caller holds the plan and commits. Answers how many
    exceptions were raised or cleared."""
    line = await _item_and_above(session, item)
    if previous_parent_id is not None:
        previous_parent = await session.get(Item, previous_parent_id)
        if previous_parent is not None:
            line += await _item_and_above(session, previous_parent)
    unique = list({each.id: each for each in line}.values())
    plans = {each.plan_id: await session.get(Plan, each.plan_id) for each in unique}
    return await reconcile_exceptions(
        session,
        unique,
        {plan_id: plan for plan_id, plan in plans.items() if plan is not None},
        bureau_today(),
        thresholds,
    )


async def _item_and_above(session: AsyncSession, item: Item) -> list[Item]:
    # The ancestors were loaded by the roll-up just before: these are identity-map hits.
    line = [item]
    while line[-1].parent_id is not None:
        parent = await session.get(Item, line[-1].parent_id)
        if parent is None:
            break
        line.append(parent)
    return line


async def reconcile_exceptions(
    session: AsyncSession,
    items: list[Item],
    plans: dict[str, Plan],
    today: dt.date,
    thresholds: ExceptionThresholds,
) -> int:
    """Raise what the rules find and is not open, clear what is open and no longer found;
    two reads for all of `items`, then one write (and its event) per change."""
    ids = [item.id for item in items]
    with_children = await items_with_children(session, ids)
    standing = await open_exceptions_by_item(session, ids)
    moment = now()
    acted = 0
    for item in items:
        facts = facts_of(item, item.id in with_children)
        found = find_exceptions(facts, today, thresholds)
        plan = plans[item.plan_id]
        # Clear first, so that "behind cleared" comes out before "overdue raised".
        for reason, row in standing.get(item.id, {}).items():
            if reason not in found:
                why = _why_cleared(reason, found, facts)
                acted += await _clear(session, row, item, plan, why, moment)
        for reason, since in found.items():
            if reason not in standing.get(item.id, {}):
                detail = describe(reason, facts, today, thresholds)
                acted += await _raise(session, item, plan, reason, since, detail, moment)
    return acted


async def items_with_children(session: AsyncSession, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    rows = await session.execute(select(Item.parent_id).where(Item.parent_id.in_(ids)).distinct())
    return {row[0] for row in rows}


async def open_exceptions_by_item(
    session: AsyncSession, ids: list[str]
) -> dict[str, dict[Reason, ItemException]]:
    if not ids:
        return {}
    rows = await session.execute(
        select(ItemException).where(
            ItemException.item_id.in_(ids), ItemException.cleared_at.is_(None)
        )
    )
    found: dict[str, dict[Reason, ItemException]] = {}
    for row in rows.scalars().all():
        found.setdefault(row.item_id, {})[Reason(row.reason)] = row
    return found


def _why_cleared(reason: Reason, found: dict[Reason, dt.date], facts: ItemFacts) -> ClearedBecause:
    if facts.done:
        return ClearedBecause.done
    if reason is Reason.behind and Reason.overdue in found:
        return ClearedBecause.superseded
    return ClearedBecause.no_longer_holds


async def _raise(
    session: AsyncSession,
    item: Item,
    plan: Plan,
    reason: Reason,
    since: dt.date,
    detail: dict[str, Any],
    moment: dt.datetime,
) -> int:
    row = ItemException(item_id=item.id, reason=reason.value, since=since, raised_at=moment)
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        if await _open_row(session, item.id, reason) is not None:
            return 0  # another evaluation raised it first, and published it
        raise  # not the one-open-row index: a mistake to see, not to swallow
    await record_event(
        session,
        LedgerEvent.item_exception_raised,
        subject=item.id,
        data=_event_data(row, item, plan, detail=detail),
    )
    return 1


async def _open_row(session: AsyncSession, item_id: str, reason: Reason) -> ItemException | None:
    return await session.scalar(
        select(ItemException).where(
            ItemException.item_id == item_id,
            ItemException.reason == reason.value,
            ItemException.cleared_at.is_(None),
        )
    )


async def _clear(
    session: AsyncSession,
    row: ItemException,
    item: Item,
    plan: Plan,
    why: ClearedBecause,
    moment: dt.datetime,
) -> int:
    cleared = await session.execute(
        update(ItemException)
        .where(ItemException.id == row.id, ItemException.cleared_at.is_(None))
        .values(cleared_at=moment, cleared_because=why.value)
    )
    if cleared.rowcount != 1:
        return 0  # another evaluation cleared it first, and published it
    await record_event(
        session,
        LedgerEvent.item_exception_cleared,
        subject=item.id,
        data=_event_data(row, item, plan),
    )
    return 1


def _event_data(
    row: ItemException, item: Item, plan: Plan, *, detail: dict[str, Any] | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": row.id,
        "item_id": item.id,
        "plan_id": plan.id,
        "year": plan.year,
        "title": item.title,
        "department": item.department,
        "owner_id": item.owner_id,
        "deadline": item.deadline.isoformat(),
        "progress": item.progress,
        "status": item.status,
        "reason": row.reason,
        "since": row.since.isoformat(),
        "raised_at": row.raised_at.isoformat(),
    }
    if detail is not None:
        data["detail"] = detail
    if row.cleared_at is not None:
        data["cleared_at"] = row.cleared_at.isoformat()
        data["cleared_because"] = row.cleared_because
    return data


# --- reading -------------------------------------------------------------------------------

# Worst first: by reason (overdue, behind, stalled), then the longest-standing (earliest
# `since`; for overdue that is the most days late), then the earliest raised.
REASON_RANK = case({reason.value: reason.rank for reason in Reason}, value=ItemException.reason)


async def list_open_exceptions(
    *,
    session: AsyncSession,
    actor: Principal,
    page: PageParams,
    thresholds: ExceptionThresholds,
    department: str | None = None,
    reason: Reason | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The leadership's daily view: three queries whatever the page holds."""
    department = department_in_view(actor, department)
    query = (
        select(ItemException, Item)
        .join(Item, Item.id == ItemException.item_id)
        .where(ItemException.cleared_at.is_(None))
    )
    if department is not None:
        query = query.where(Item.department == department)
    if reason is not None:
        query = query.where(ItemException.reason == reason.value)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    ordered = query.order_by(
        REASON_RANK, ItemException.since, ItemException.raised_at, Item.deadline, Item.id
    )
    rows = (await session.execute(ordered.limit(page.limit).offset(page.offset))).all()
    interventions = await open_interventions_of(session, list({item.id for _, item in rows}))
    today = bureau_today()
    return [
        exception_view(row, item, today, thresholds, interventions.get(item.id, []))
        for row, item in rows
    ], int(total or 0)


def exception_view(
    row: ItemException,
    item: Item,
    today: dt.date,
    thresholds: ExceptionThresholds,
    interventions: list[Any],
) -> dict[str, Any]:
    reason = Reason(row.reason)
    # The figures are today's; whether the item has parts does not enter them.
    facts = facts_of(item, has_children=False)
    return {
        "id": row.id,
        "item": {
            name: getattr(item, name)
            for name in (
                "id",
                "plan_id",
                "title",
                "department",
                "owner_id",
                "deadline",
                "progress",
                "status",
            )
        },
        "reason": reason,
        "reason_label": reason.label,
        "since": row.since,
        "raised_at": row.raised_at,
        "detail": describe(reason, facts, today, thresholds),
        "open_interventions": [InterventionRead.model_validate(each) for each in interventions],
    }


async def list_item_exceptions(
    *, session: AsyncSession, item_id: str, actor: Principal
) -> list[dict[str, Any]]:
    """An item's exceptions, open and past, in the order they were raised."""
    item = await session.get(Item, item_id)
    if item is None:
        raise NotFound(f"no item {item_id}")
    ensure_may_follow(actor, item)
    rows = await session.execute(
        select(ItemException)
        .where(ItemException.item_id == item_id)
        .order_by(ItemException.raised_at, ItemException.id)
    )
    return [
        {
            "id": row.id,
            "item_id": row.item_id,
            "reason": row.reason,
            "since": row.since,
            "raised_at": row.raised_at,
            "cleared_at": row.cleared_at,
            "cleared_because": row.cleared_because,
            "is_open": row.cleared_at is None,
        }
        for row in rows.scalars().all()
    ]
