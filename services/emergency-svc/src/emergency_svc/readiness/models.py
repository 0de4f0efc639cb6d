from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from emergency_svc.supplies.models import StockRead


class PlanDrillGap(BaseModel):
    plan_id: str
    code: str
    title: str
    drill_interval_months: int
    last_drilled_on: dt.date | None
    drill_due_by: dt.date | None  # None: never drilled, so due now


class RoleGap(BaseModel):
    plan_id: str
    code: str
    role: str
    title: str
    missing: list[str]  # "holder", "deputy"


class OverdueTraining(BaseModel):
    id: str
    title: str
    plan_id: str | None
    due_by: dt.date
    days_overdue: int


class ReadinessReport(BaseModel):
    as_of: dt.date
    ready: bool
    plans_not_drilled_in_time: list[PlanDrillGap]
    roles_without_holder_or_deputy: list[RoleGap]
    supplies_below_minimum: list[StockRead]
    trainings_overdue: list[OverdueTraining]
