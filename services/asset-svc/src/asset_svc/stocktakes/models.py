"""Stocktakes (清查核查): what was found room by room, held against the books, for one unit's
rooms or one building's. Closing one fixes its report, so later changes to the register do
not rewrite what the stocktake found."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Column, String, UniqueConstraint
from sqlmodel import Field as TableField

from asset_svc.database import AssetTable
from asset_svc.register.models import RoomKind
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText


class StocktakeStatus(StrEnum):
    open = "open"
    closed = "closed"


class Outcome(StrEnum):
    match = "match"
    discrepancy = "discrepancy"
    surplus = "surplus"
    shortfall = "shortfall"

    @property
    def label(self) -> str:
        return {
            "match": "账实相符",
            "discrepancy": "账实不符",
            "surplus": "盘盈",
            "shortfall": "盘亏",
        }[self.value]


class Stocktake(AssetTable, table=True):
    __tablename__ = "stocktakes"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    title: str = TableField(max_length=300)
    # The scope: one unit's rooms, or one building's.
    unit_id: str | None = TableField(
        default=None, foreign_key="units.id", index=True, max_length=36
    )
    building_id: str | None = TableField(
        default=None, foreign_key="buildings.id", index=True, max_length=36
    )
    status: str = TableField(max_length=16)
    opened_by: str = TableField(max_length=36)
    opened_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    closed_by: str | None = TableField(default=None, max_length=36)
    closed_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))


class Finding(AssetTable, table=True):
    """What the stocktakers saw in one room; a room seen again replaces what was recorded."""

    __tablename__ = "stocktake_findings"
    __table_args__ = (
        UniqueConstraint(
            "stocktake_id", "building_id", "room_number", name="uq_stocktake_findings_room"
        ),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    stocktake_id: str = TableField(foreign_key="stocktakes.id", index=True, max_length=36)
    building_id: str = TableField(foreign_key="buildings.id", max_length=36)
    room_number: str = TableField(sa_column=Column(String(32), nullable=False))
    found_area: float
    found_kind: str = TableField(max_length=32)
    found_occupant_unit_id: str | None = TableField(default=None, max_length=36)
    note: str | None = TableField(default=None, max_length=1000)
    recorded_by: str = TableField(max_length=36)
    recorded_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


class ReportLine(AssetTable, table=True):
    """One room of a closed stocktake's report: the books, the finding, and how they compare."""

    __tablename__ = "stocktake_report_lines"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    stocktake_id: str = TableField(foreign_key="stocktakes.id", index=True, max_length=36)
    outcome: str = TableField(max_length=16)
    building_id: str = TableField(max_length=36)
    room_number: str = TableField(sa_column=Column(String(32), nullable=False))
    room_id: str | None = TableField(default=None, max_length=36)
    book_area: float | None = None
    book_kind: str | None = TableField(default=None, max_length=32)
    book_occupant_unit_id: str | None = TableField(default=None, max_length=36)
    found_area: float | None = None
    found_kind: str | None = TableField(default=None, max_length=32)
    found_occupant_unit_id: str | None = TableField(default=None, max_length=36)
    # Of a discrepancy: which of area, kind, occupant differ, comma-separated.
    differences: str = TableField(default="", max_length=100)
    note: str | None = TableField(default=None, max_length=1000)


class StocktakeCreate(StrictInput):
    unit_id: SingleLineText | None = None
    building_id: SingleLineText | None = None
    title: SingleLineText = Field(min_length=1, max_length=300)

    @model_validator(mode="after")
    def _one_scope(self) -> StocktakeCreate:
        if (self.unit_id is None) == (self.building_id is None):
            raise ValueError("a stocktake covers a unit_id or a building_id, not both")
        return self


class FindingCreate(StrictInput):
    building_id: SingleLineText
    room_number: SingleLineText = Field(min_length=1, max_length=32)
    found_area: float = Field(gt=0, le=100_000)
    found_kind: RoomKind
    found_occupant_unit_id: SingleLineText | None = None
    note: MultiLineText | None = Field(default=None, max_length=1000)


class FindingRead(BaseModel):
    """A room as the counters found it (the last record of it)."""

    model_config = ConfigDict(from_attributes=True)

    building_id: str
    room_number: str
    found_area: float
    found_kind: RoomKind
    found_occupant_unit_id: str | None
    note: str | None
    recorded_at: datetime


class StocktakeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    unit_id: str | None
    building_id: str | None
    status: StocktakeStatus
    opened_by: str
    opened_at: datetime
    closed_by: str | None
    closed_at: datetime | None
    finding_count: int = 0


class ReportLineRead(BaseModel):
    building_id: str
    room_number: str
    room_id: str | None
    book_area: float | None
    book_kind: RoomKind | None
    book_occupant_unit_id: str | None
    found_area: float | None
    found_kind: RoomKind | None
    found_occupant_unit_id: str | None
    differences: list[str]
    note: str | None


class StocktakeReport(BaseModel):
    stocktake: StocktakeRead
    matches: list[ReportLineRead]
    discrepancies: list[ReportLineRead]
    surpluses: list[ReportLineRead]
    shortfalls: list[ReportLineRead]
