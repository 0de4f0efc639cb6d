"""The readiness report (应急准备): what would let the bureau down if an emergency came today.

- an active plan not drilled within its interval (12 months unless it says otherwise),
  counted from its last recorded drill's day; a plan never drilled is due at once;
- a role of an active plan without a holder, or without a deputy (the deputy is who acts
  when the holder cannot);
- a stock of supplies under its minimum;
- a training not held by its due day.
A constant number of queries, whatever the number of plans and rows.
"""

from __future__ import annotations

import calendar
import datetime as dt

from sqlalchemy import and_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from emergency_svc.drills.service import last_drills_by_plan
from emergency_svc.drills.trainings import overdue_trainings
from emergency_svc.plans.document import PlanDocument
from emergency_svc.plans.models import EmergencyPlan, PlanStatus, PlanVersion
from emergency_svc.readiness.models import (
    OverdueTraining,
    PlanDrillGap,
    ReadinessReport,
    RoleGap,
)
from emergency_svc.supplies.service import stocks_below_minimum
from guanjia_shared.bureau_time import bureau_date, bureau_today


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter
    (31 August + 6 months is 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def drill_gap(
    plan: EmergencyPlan, document: PlanDocument, last_drilled_on: dt.date | None, today: dt.date
) -> PlanDrillGap | None:
    """The plan's gap when its drill is overdue on `today` (due on the interval's last day)."""
    due_by = (
        add_months(last_drilled_on, document.drill_interval_months) if last_drilled_on else None
    )
    if due_by is not None and today <= due_by:
        return None
    return PlanDrillGap(
        plan_id=plan.id,
        code=plan.code,
        title=document.title,
        drill_interval_months=document.drill_interval_months,
        last_drilled_on=last_drilled_on,
        drill_due_by=due_by,
    )


def role_gaps(plan: EmergencyPlan, document: PlanDocument) -> list[RoleGap]:
    gaps = []
    for role in document.organization:
        missing = [
            name
            for name, present in (("holder", bool(role.holders)), ("deputy", bool(role.deputy)))
            if not present
        ]
        if missing:
            gaps.append(
                RoleGap(
                    plan_id=plan.id,
                    code=plan.code,
                    role=role.role,
                    title=role.title,
                    missing=missing,
                )
            )
    return gaps


async def readiness_report(session: AsyncSession, today: dt.date | None = None) -> ReadinessReport:
    today = today or bureau_today()
    rows = await session.execute(
        select(EmergencyPlan, PlanVersion.document)
        .join(
            PlanVersion,
            and_(
                PlanVersion.plan_id == EmergencyPlan.id,
                PlanVersion.version == EmergencyPlan.version,
            ),
        )
        .where(EmergencyPlan.status == PlanStatus.active.value)
        .order_by(EmergencyPlan.code)
    )
    active = [(plan, PlanDocument.model_validate(document)) for plan, document in rows.all()]
    last_drills = await last_drills_by_plan(session)
    drills = [
        gap
        for plan, document in active
        if (
            gap := drill_gap(
                plan,
                document,
                bureau_date(last_drills[plan.id]) if plan.id in last_drills else None,
                today,
            )
        )
    ]
    roles = [gap for plan, document in active for gap in role_gaps(plan, document)]
    supplies = await stocks_below_minimum(session)
    trainings = [
        OverdueTraining(
            id=training.id,
            title=training.title,
            plan_id=training.plan_id,
            due_by=training.due_by,
            days_overdue=(today - training.due_by).days,
        )
        for training in await overdue_trainings(session, today)
    ]
    return ReadinessReport(
        as_of=today,
        ready=not (drills or roles or supplies or trainings),
        plans_not_drilled_in_time=drills,
        roles_without_holder_or_deputy=roles,
        supplies_below_minimum=supplies,
        trainings_overdue=trainings,
    )
