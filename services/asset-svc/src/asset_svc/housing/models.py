"""Staff housing (住宅): residential units, the households living in them, and every move
in and out as an append-only row with its effective date."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field
from sqlalchemy import Column, Date, String, UniqueConstraint
from sqlmodel import Field as TableField

from asset_svc.database import AssetTable
from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText


class MoveKind(StrEnum):
    move_in = "move_in"
    move_out = "move_out"

    @property
    def label(self) -> str:
        return {"move_in": "入住", "move_out": "腾退"}[self.value]


class HousingUnit(AssetTable, table=True):
    """A flat, or a residential room, that the bureau lets to staff households."""

    __tablename__ = "housing_units"
    __table_args__ = (
        UniqueConstraint("building_id", "number", name="uq_housing_units_building_number"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    building_id: str = TableField(foreign_key="buildings.id", index=True, max_length=36)
    number: str = TableField(sa_column=Column(String(32), nullable=False))
    usable_area: float
    layout: str | None = TableField(default=None, max_length=100)
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


class Occupant(AssetTable, table=True):
    """A staff household, known by name and agency only: no national ID number is kept."""

    __tablename__ = "housing_occupants"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    name: str = TableField(max_length=100)
    unit_id: str = TableField(foreign_key="units.id", index=True, max_length=36)
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


class HousingMove(AssetTable, table=True):
    __tablename__ = "housing_moves"
    # Two moves racing on one housing unit take the same step: the second one fails.
    __table_args__ = (UniqueConstraint("housing_unit_id", "step", name="uq_housing_moves_step"),)

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    housing_unit_id: str = TableField(foreign_key="housing_units.id", index=True, max_length=36)
    step: int
    kind: str = TableField(max_length=16)
    occupant_id: str = TableField(foreign_key="housing_occupants.id", index=True, max_length=36)
    effective_date: date = TableField(sa_column=Column(Date, nullable=False))
    recorded_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    actor_id: str = TableField(max_length=36)
    document_no: str | None = TableField(default=None, max_length=100)
    note: str | None = TableField(default=None, max_length=1000)


class HousingUnitCreate(StrictInput):
    building_id: SingleLineText
    number: SingleLineText = Field(min_length=1, max_length=32)
    usable_area: float = Field(gt=0, le=100_000)
    layout: SingleLineText | None = Field(default=None, max_length=100)


class OccupantCreate(StrictInput):
    name: SingleLineText = Field(min_length=1, max_length=100)
    unit_id: SingleLineText


class OccupantRead(BaseModel):
    id: str
    # Personal data: None unless the caller may see it.
    name: str | None
    unit_id: str


class MoveInBody(StrictInput):
    occupant_id: SingleLineText
    effective_date: IsoDate
    document_no: SingleLineText | None = Field(default=None, max_length=100)
    note: MultiLineText | None = Field(default=None, max_length=1000)


class MoveOutBody(StrictInput):
    effective_date: IsoDate
    document_no: SingleLineText | None = Field(default=None, max_length=100)
    note: MultiLineText | None = Field(default=None, max_length=1000)


class HousingUnitRead(BaseModel):
    id: str
    building_id: str
    number: str
    usable_area: float
    layout: str | None
    # The household living there on the day asked (today unless `as_of`), and since when.
    occupant: OccupantRead | None
    occupied_since: date | None


class HousingMoveRead(BaseModel):
    step: int
    kind: MoveKind
    occupant: OccupantRead
    effective_date: date
    recorded_at: datetime
    actor_id: str
    document_no: str | None
    note: str | None


class HousingHistory(BaseModel):
    housing_unit: HousingUnitRead
    moves: list[HousingMoveRead]
