"""The daily sweep: what days passing alone change (an item falls overdue at midnight,
falls behind as its share of time grows, goes silent for too long).

The rules judge whole bureau days, so a plan needs looking at once a day; an item change
is judged on the spot by the items' rules. Each tick:

- claims, in one query, up to `batch_size` plans not yet swept today that hold an open
  item or an open exception — on PostgreSQL FOR UPDATE SKIP LOCKED on the plan rows, so
  replicas ticking together take different plans, and item writes in those plans wait
  (they take the same row) until the tick commits;
- reads their open items and the items with an open exception (one query), which of them
  have parts (one), and their open exceptions (one);
- raises and clears what changed (one write and its outbox event per change), stamps the
  plans swept today (one upsert) and commits: all of it or none of it.

So a tick's reads do not grow with the ledger, and a plan's sweep is retried by the next
tick when one fails. Raised-once holds even when two ticks judge one plan (a claim that
slips past the other's commit): see service.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.bureau_time import bureau_today
from guanjia_shared.clock import now
from guanjia_shared.db import SessionFactory, claim_rows, dialect_insert
from guanjia_shared.periodic import PeriodicJob
from ledger_svc.config import Settings
from ledger_svc.exceptions.models import ExceptionSweep, ItemException
from ledger_svc.exceptions.rules import ExceptionThresholds
from ledger_svc.exceptions.service import exception_thresholds, reconcile_exceptions
from ledger_svc.items.models import Item, ItemStatus
from ledger_svc.plans.models import Plan

EXCEPTION_SWEEP_JOB = "ledger-exception-sweep"
# Plans per tick: a bureau has a few a year, so one tick usually takes them all.
PLANS_PER_TICK = 50


@dataclass(frozen=True)
class SweepResult:
    plans: int = 0
    acted: int = 0  # exceptions raised or cleared


def exception_sweep_job(settings: Settings) -> PeriodicJob:
    """The sweep as the service runs it, every `exception_scan_interval_seconds`."""
    thresholds = exception_thresholds(settings)

    async def tick(session_factory: SessionFactory) -> int:
        return (await sweep_exceptions(session_factory, thresholds)).acted

    return PeriodicJob(
        name=EXCEPTION_SWEEP_JOB,
        interval_seconds=settings.exception_scan_interval_seconds,
        run=tick,
    )


async def sweep_exceptions(
    session_factory: SessionFactory,
    thresholds: ExceptionThresholds,
    *,
    batch_size: int = PLANS_PER_TICK,
) -> SweepResult:
    """One tick, on the bureau day of the (injectable) clock."""
    today = bureau_today()
    async with session_factory() as session:
        plans = await claim_unswept_plans(session, today, batch_size)
        if not plans:
            return SweepResult()
        items = await items_to_judge(session, [plan.id for plan in plans])
        acted = await reconcile_exceptions(
            session, items, {plan.id: plan for plan in plans}, today, thresholds
        )
        await mark_swept(session, [plan.id for plan in plans], today)
        await session.commit()
    return SweepResult(plans=len(plans), acted=acted)


async def claim_unswept_plans(session: AsyncSession, today: dt.date, limit: int) -> list[Plan]:
    has_open_item = (
        select(Item.id)
        .where(Item.plan_id == Plan.id, Item.status == ItemStatus.open.value)
        .exists()
    )
    has_open_exception = (
        select(ItemException.id)
        .join(Item, Item.id == ItemException.item_id)
        .where(Item.plan_id == Plan.id, ItemException.cleared_at.is_(None))
        .exists()
    )
    query = (
        select(Plan)
        .outerjoin(ExceptionSweep, ExceptionSweep.plan_id == Plan.id)
        # "Not today" rather than "before today": a clock set back (in tests) still sweeps.
        .where(or_(ExceptionSweep.swept_on.is_(None), ExceptionSweep.swept_on != today))
        .where(or_(has_open_item, has_open_exception))
        .order_by(Plan.id)
        .limit(limit)
    )
    # Another replica's tick skips the plans this one holds, and takes the next ones.
    query = claim_rows(session, query, of=Plan)
    return list((await session.execute(query)).scalars().all())


async def items_to_judge(session: AsyncSession, plan_ids: list[str]) -> list[Item]:
    """Open items, and done ones still carrying an open exception (to clear it)."""
    still_open = select(ItemException.item_id).where(ItemException.cleared_at.is_(None))
    query = (
        select(Item)
        .where(Item.plan_id.in_(plan_ids))
        .where(or_(Item.status == ItemStatus.open.value, Item.id.in_(still_open)))
        .order_by(Item.id)
        .execution_options(populate_existing=True)
    )
    return list((await session.execute(query)).scalars().all())


async def mark_swept(session: AsyncSession, plan_ids: list[str], today: dt.date) -> None:
    # An upsert: a tick that claimed a plan just as another committed its sweep finds the
    # row there already (it judged the plan again, harmlessly).
    moment = now()
    statement = dialect_insert(session, ExceptionSweep).values(
        [{"plan_id": plan_id, "swept_on": today, "swept_at": moment} for plan_id in plan_ids]
    )
    statement = statement.on_conflict_do_update(
        index_elements=[ExceptionSweep.plan_id],
        set_={"swept_on": statement.excluded.swept_on, "swept_at": statement.excluded.swept_at},
    )
    await session.execute(statement)
