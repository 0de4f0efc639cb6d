"""Staffing (编制 / 实有人数): the people of a unit by rank. Every replacement is kept as a
new record, so a compliance answer for a past day uses the staffing of that day."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String
from sqlmodel import Field as TableField

from asset_svc.database import AssetTable
from asset_svc.units.models import UnitLevel
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import SingleLineText

RECORD_ID = BigInteger().with_variant(Integer(), "sqlite")


class StaffingRecord(AssetTable, table=True):
    """One replacement of a unit's staffing; the unit's current staffing is its latest."""

    __tablename__ = "staffing_records"

    # Ascending in recording order, which orders two records made in the same instant.
    id: int | None = TableField(
        default=None, sa_column=Column(RECORD_ID, primary_key=True, autoincrement=True)
    )
    unit_id: str = TableField(foreign_key="units.id", index=True, max_length=36)
    recorded_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    actor_id: str = TableField(max_length=36)


class StaffingHeadcount(AssetTable, table=True):
    __tablename__ = "staffing_headcounts"

    record_id: int = TableField(
        sa_column=Column(RECORD_ID, ForeignKey("staffing_records.id"), primary_key=True)
    )
    rank: str = TableField(sa_column=Column(String(64), primary_key=True))
    headcount: int


class StaffingLine(StrictInput):
    rank: SingleLineText = Field(min_length=1, max_length=64)
    headcount: int = Field(ge=0, le=100_000)


class RankHeadcountRead(BaseModel):
    rank: str
    label: str
    label_en: str
    headcount: int


class StaffingRead(BaseModel):
    unit_id: str
    level: UnitLevel
    # Every rank of the unit's level, head first; 0 where none was given.
    items: list[RankHeadcountRead]
    total_headcount: int
    # None while no staffing has been recorded.
    recorded_at: datetime | None
