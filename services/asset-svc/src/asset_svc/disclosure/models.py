"""Disclosure (信息公开): the figures of a unit's office space the public may see."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from asset_svc.compliance.models import AreaByClass, ComplianceStatus
from asset_svc.units.models import UnitLevel


class UnitSummary(BaseModel):
    """Totals only: no staffing by rank, no room, and nothing of leaders' own offices."""

    unit_id: str
    unit_name: str
    level: UnitLevel
    as_of: date
    area_by_class: AreaByClass
    office_space_area: float
    standard_area: float
    status: ComplianceStatus
