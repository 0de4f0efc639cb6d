"""Space standards (办公用房使用标准): usable office-room area per person by unit level
and rank, as dated versions; a figure is always read in the version in force on its date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, Field
from sqlalchemy import Column, Date, String
from sqlmodel import Field as TableField

from asset_svc.database import AssetTable
from asset_svc.units.models import UnitLevel
from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import SingleLineText


@dataclass(frozen=True)
class Rank:
    code: str
    label: str
    label_en: str


# The ranks of each level, head first, as 《党政机关办公用房建设标准》(2014) names them. The
# codes are stable identifiers: staffing and standards rows store them.
RANKS: dict[UnitLevel, tuple[Rank, ...]] = {
    UnitLevel.central: (
        Rank("head", "部级正职", "minister"),
        Rank("deputy", "部级副职", "vice minister"),
        Rank("bureau_director", "正司（局）级", "director general"),
        Rank("deputy_bureau_director", "副司（局）级", "deputy director general"),
        Rank("division_director", "处级", "division level"),
        Rank("staff", "处级以下", "below division level"),
    ),
    UnitLevel.provincial: (
        Rank("head", "省级正职", "provincial head"),
        Rank("deputy", "省级副职", "provincial deputy head"),
        Rank("department_director", "正厅（局）级", "department director"),
        Rank("deputy_department_director", "副厅（局）级", "deputy department director"),
        Rank("division_director", "正处级", "division director"),
        Rank("deputy_division_director", "副处级", "deputy division director"),
        Rank("staff", "处级以下", "below division level"),
    ),
    UnitLevel.municipal: (
        Rank("head", "市级正职", "municipal head"),
        Rank("deputy", "市级副职", "municipal deputy head"),
        Rank("bureau_director", "正局（处）级", "bureau director"),
        Rank("deputy_bureau_director", "副局（处）级", "deputy bureau director"),
        Rank("staff", "局（处）级以下", "below bureau level"),
    ),
    UnitLevel.county: (
        Rank("head", "县级正职", "county head"),
        Rank("deputy", "县级副职", "county deputy head"),
        Rank("section_chief", "正科级", "section chief"),
        Rank("deputy_section_chief", "副科级", "deputy section chief"),
        Rank("staff", "科级以下", "below section level"),
    ),
    # The 2014 standard sets no township figures (provinces do); a township's head and
    # deputy hold 正科 / 副科 rank, so the seed gives them the county table's figures for
    # those ranks. An admin records a province's own figures as a newer version.
    UnitLevel.township: (
        Rank("head", "乡（镇）级正职", "township head"),
        Rank("deputy", "乡（镇）级副职", "township deputy head"),
        Rank("staff", "一般工作人员", "staff"),
    ),
}


def ranks_of(level: UnitLevel | str) -> tuple[Rank, ...]:
    return RANKS[UnitLevel(level)]


def find_rank(level: UnitLevel | str, code: str) -> Rank | None:
    return next((rank for rank in ranks_of(level) if rank.code == code), None)


class SpaceStandard(AssetTable, table=True):
    """One version of one level's and rank's figure, in force from `effective_from` until
    a later version of the same level and rank."""

    __tablename__ = "space_standards"

    level: str = TableField(sa_column=Column(String(32), primary_key=True))
    rank: str = TableField(sa_column=Column(String(64), primary_key=True))
    effective_from: date = TableField(sa_column=Column(Date, primary_key=True))
    label: str = TableField(max_length=100)
    area_per_person: float
    recorded_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    # None for the rows the migration seeds from the published standard.
    actor_id: str | None = TableField(default=None, max_length=36)


class SpaceStandardCreate(StrictInput):
    level: UnitLevel
    rank: SingleLineText = Field(min_length=1, max_length=64)
    # Defaults to the rank's label.
    label: SingleLineText | None = Field(default=None, min_length=1, max_length=100)
    area_per_person: float = Field(gt=0, le=1000)
    effective_from: IsoDate


class SpaceStandardRead(BaseModel):
    level: UnitLevel
    rank: str
    label: str
    label_en: str
    area_per_person: float
    effective_from: date
