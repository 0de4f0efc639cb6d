"""Space compliance (办公用房使用情况): a unit's office-room area against its standard.

The 2014 standard's per-person figures are for 办公室用房 (office rooms) only, so the
standard is compared with the area of the unit's `office` rooms; the other three classes of
office space (service, equipment, ancillary) are reported beside it, not counted in it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import JSON, Column, Float, ForeignKey, String
from sqlmodel import Field as TableField

from asset_svc.database import AssetTable
from asset_svc.units.models import UnitLevel
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.pagination import Page


class ComplianceStatus(StrEnum):
    within = "within"
    over = "over"

    @property
    def label(self) -> str:
        return {"within": "未超标", "over": "超标"}[self.value]


class UnitSpaceStatus(AssetTable, table=True):
    """What a unit's compliance today is worked out from, kept in the transaction of every
    change that moves it — rooms allocated, reallocated or reclaimed, staffing replaced —,
    and the status last found then.

    The figures let today's city-wide report judge ten thousand units from one row each,
    with the standards in force read when asked (a version taking effect changes no row);
    a unit without a row holds no office room and has no staffing. The status is there so
    that `asset.unit.over_standard` is published on the move from within to over, not on
    every change while it stays over."""

    __tablename__ = "unit_space_statuses"

    unit_id: str = TableField(
        sa_column=Column(String(36), ForeignKey("units.id"), primary_key=True)
    )
    status: str = TableField(max_length=16)
    checked_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    # The usable area of its office rooms (m², rounded as the answers show it) and the
    # headcount by rank of its latest staffing record.
    office_area: float = TableField(default=0.0, sa_column=Column(Float, nullable=False))
    headcounts: dict[str, int] = TableField(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )


class RankCompliance(BaseModel):
    rank: str
    label: str
    headcount: int
    # None when no version of the standard was in force for the rank on the day.
    area_per_person: float | None


class AreaByClass(BaseModel):
    """Usable area (m²) of each class of office space."""

    office: float
    service: float
    equipment: float
    ancillary: float


class ComplianceSort(StrEnum):
    """The report's order: by unit code (the default) or name, or by a figure, smallest
    first, or with a leading '-' largest first (`-difference`: the most over standard)."""

    code = "code"
    name = "name"
    difference = "difference"
    difference_desc = "-difference"
    actual_area = "actual_area"
    actual_area_desc = "-actual_area"
    standard_area = "standard_area"
    standard_area_desc = "-standard_area"


class UnitCompliance(BaseModel):
    unit_id: str
    unit_name: str
    level: UnitLevel
    as_of: date
    headcount_by_rank: list[RankCompliance]
    total_headcount: int
    standard_area: float
    # The unit's office-room (办公室用房) area: what the standard governs.
    actual_area: float
    # actual_area - standard_area: above zero is over standard.
    difference: float
    status: ComplianceStatus
    excess: float
    area_by_class: AreaByClass
    office_space_area: float


class LevelCount(BaseModel):
    """Of the report's units, those of one level, and how many of them are over standard."""

    level: UnitLevel
    units: int
    units_over: int


class ComplianceReport(Page[UnitCompliance]):
    as_of: date
    units_over: int
    # `total` and `units_over` by level, for the levels with units in the answer.
    by_level: list[LevelCount]
