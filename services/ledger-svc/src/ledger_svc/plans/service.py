"""The rules of plans: a year's work points, made by an admin or a leader; each year has at
most one follow-up plan, made when the first follow-up arrives, and one plan of corrective
actions, made when the first is decided."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.errors import NotFound
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page
from ledger_svc.events import LedgerEvent
from ledger_svc.plans import policy
from ledger_svc.plans.models import Plan, PlanCreate, PlanKind, PlanRead


async def list_plans(
    *, session: AsyncSession, page: PageParams, year: int | None = None
) -> tuple[list[Plan], int]:
    query = select(Plan).order_by(Plan.year.desc(), Plan.title)
    if year is not None:
        query = query.where(Plan.year == year)
    return await fetch_page(session, query, page)


async def get_plan(*, session: AsyncSession, plan_id: str) -> Plan:
    plan = await session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"no plan {plan_id}")
    return plan


async def create_plan(*, session: AsyncSession, data: PlanCreate, actor: Principal) -> Plan:
    policy.ensure_may_make(actor)
    plan = Plan(year=data.year, title=data.title, kind=PlanKind.work.value, created_by=actor.id)
    session.add(plan)
    await session.flush()
    await _publish_created(session, plan)
    await session.commit()
    return plan


async def follow_up_plan(session: AsyncSession, year: int) -> Plan:
    """The year's follow-up plan, made when missing; the caller commits. Two replicas making
    it at once cannot both succeed (a unique index): the loser's event is redelivered and
    then finds the plan."""
    return await _plan_of_year(session, year, PlanKind.follow_up, f"{year}年应急处置整改事项")


async def corrective_plan(session: AsyncSession, year: int) -> Plan:
    """The year's plan of the quality system's corrective actions (纠正措施), made when
    missing, as the follow-up plan is; the caller commits."""
    return await _plan_of_year(session, year, PlanKind.corrective, f"{year}年质量体系纠正措施")


async def _plan_of_year(session: AsyncSession, year: int, kind: PlanKind, title: str) -> Plan:
    query = select(Plan).where(Plan.year == year, Plan.kind == kind.value)
    found = await session.scalar(query)
    if found is not None:
        return found
    plan = Plan(year=year, title=title, kind=kind.value)
    try:
        async with session.begin_nested():
            session.add(plan)
    except IntegrityError:
        # Made meanwhile by another transaction (the unique index): that one is the plan.
        return (await session.execute(query)).scalar_one()
    await _publish_created(session, plan)
    return plan


async def _publish_created(session: AsyncSession, plan: Plan) -> None:
    data = PlanRead.model_validate(plan).model_dump(mode="json")
    await record_event(session, LedgerEvent.plan_created, subject=plan.id, data=data)
