"""Units: the agencies the bureau serves (市直机关各单位), in a tree."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Column, String
from sqlmodel import Field as TableField

from asset_svc.database import AssetTable
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import SingleLineText


class UnitLevel(StrEnum):
    """The administrative level of a unit, which selects its space standard."""

    central = "central"
    provincial = "provincial"
    municipal = "municipal"
    county = "county"
    township = "township"

    @property
    def label(self) -> str:
        return {
            "central": "中央",
            "provincial": "省级",
            "municipal": "市级",
            "county": "县级",
            "township": "乡级",
        }[self.value]


class Unit(AssetTable, table=True):
    __tablename__ = "units"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    code: str = TableField(sa_column=Column(String(64), unique=True, nullable=False))
    name: str = TableField(max_length=200)
    parent_id: str | None = TableField(default=None, foreign_key="units.id", index=True)
    level: str = TableField(max_length=32)
    version: int = TableField(default=1)
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    updated_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


class UnitCreate(StrictInput):
    code: SingleLineText = Field(min_length=1, max_length=64)
    name: SingleLineText = Field(min_length=1, max_length=200)
    parent_id: SingleLineText | None = None
    level: UnitLevel


class UnitUpdate(StrictInput):
    code: SingleLineText | None = Field(default=None, min_length=1, max_length=64)
    name: SingleLineText | None = Field(default=None, min_length=1, max_length=200)
    parent_id: SingleLineText | None = None
    level: UnitLevel | None = None


class UnitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    name: str
    parent_id: str | None
    level: UnitLevel
    version: int
    created_at: datetime
    updated_at: datetime
