"""Campaigns (主题活动): the year's theme, its activities, who took part and how they did.

The bureau's own words: "每年确定一个主题,用三个月左右时间组织活动 … 组织一系列的专项业务
技能训练和比赛". About three months is the custom, not a rule: a campaign may run any length
up to one year.

A campaign's status is derived, never stored: planned before its first day, running from its
first to its last day, finished after its last day or once its summary is recorded (closed),
the days being the bureau's (Asia/Shanghai). Dates decide it, so no job has to move it and
it cannot drift from them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)
from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Numeric,
    String,
)
from sqlmodel import Field as TableField

from guanjia_shared.bureau_time import IsoDate, bureau_today
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText
from ledger_svc.database import LedgerTable

FIRST_YEAR, LAST_YEAR = 2000, 2100

# A score is a number with up to two decimals, kept exact (Numeric) and answered as a number.
Score = Annotated[
    Decimal,
    Field(ge=0, max_digits=7, decimal_places=2, strict=False),
    PlainSerializer(float, return_type=float, when_used="json"),
]


class CampaignStatus(StrEnum):
    planned = "planned"
    running = "running"
    finished = "finished"

    @property
    def label(self) -> str:
        return {"planned": "未开始", "running": "进行中", "finished": "已结束"}[self.value]


class ActivityKind(StrEnum):
    training = "training"
    competition = "competition"
    inspection = "inspection"
    other = "other"

    @property
    def label(self) -> str:
        return {
            "training": "业务培训",
            "competition": "技能比赛",
            "inspection": "检查评比",
            "other": "其他",
        }[self.value]


class Campaign(LedgerTable, table=True):
    __tablename__ = "campaigns"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ck_campaigns_dates"),)

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    year: int = TableField(index=True)
    theme: str = TableField(max_length=200)
    starts_on: date = TableField(sa_column=Column(Date, nullable=False))
    ends_on: date = TableField(sa_column=Column(Date, nullable=False))
    description: str | None = TableField(default=None, max_length=2000)
    # The campaign's outcome, recorded when it is closed; nothing is added after that.
    summary: str | None = TableField(default=None, max_length=4000)
    closed_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    closed_by: str | None = TableField(default=None, max_length=64)
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    created_by: str = TableField(max_length=64)
    # Counts the edits of the campaign itself (PATCH, close): its ETag.
    version: int = TableField(default=1)

    @property
    def status(self) -> CampaignStatus:
        return status_on(self, bureau_today())


def status_on(campaign: Campaign, today: date) -> CampaignStatus:
    if campaign.closed_at is not None or today > campaign.ends_on:
        return CampaignStatus.finished
    if today < campaign.starts_on:
        return CampaignStatus.planned
    return CampaignStatus.running


class CampaignActivity(LedgerTable, table=True):
    __tablename__ = "campaign_activities"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    campaign_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("campaigns.id", name="fk_campaign_activities_campaign_id"),
            nullable=False,
            index=True,
        )
    )
    kind: str = TableField(max_length=32)
    title: str = TableField(max_length=200)
    held_on: date = TableField(sa_column=Column(Date, nullable=False))
    description: str | None = TableField(default=None, max_length=2000)
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    created_by: str = TableField(max_length=64)


class CampaignParticipant(LedgerTable, table=True):
    """A department that took part in an activity, and with how many people."""

    __tablename__ = "campaign_participants"
    __table_args__ = (CheckConstraint("people >= 1", name="ck_campaign_participants_people"),)

    activity_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("campaign_activities.id", name="fk_campaign_participants_activity_id"),
            primary_key=True,
        )
    )
    department: str = TableField(sa_column=Column(String(100), primary_key=True))
    people: int


class CampaignResult(LedgerTable, table=True):
    """How a participating department did in an activity: a placing, a score, an award.

    Written once. A department may hold several results in one activity (a placing and an
    organisation award, say); the foreign key to the participants keeps them to departments
    that took part.
    """

    __tablename__ = "campaign_results"
    __table_args__ = (
        ForeignKeyConstraint(
            ["activity_id", "department"],
            ["campaign_participants.activity_id", "campaign_participants.department"],
            name="fk_campaign_results_participant",
        ),
        Index("ix_campaign_results_activity_id_department", "activity_id", "department"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    activity_id: str = TableField(max_length=36)
    department: str = TableField(max_length=100)
    rank: int | None = None
    score: Decimal | None = TableField(default=None, sa_column=Column(Numeric(7, 2)))
    award: str | None = TableField(default=None, max_length=100)
    note: str | None = TableField(default=None, max_length=1000)
    recorded_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    recorded_by: str = TableField(max_length=64)


class _Body(StrictInput):
    """A campaign body takes values as typed (strict): `"3"` is not a rank."""

    model_config = ConfigDict(strict=True)


class CampaignCreate(_Body):
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    theme: SingleLineText = Field(min_length=1, max_length=200)
    starts_on: IsoDate
    ends_on: IsoDate
    description: MultiLineText | None = Field(default=None, max_length=2000)


class CampaignUpdate(_Body):
    """Fields left out keep their value; `description: null` clears it."""

    year: int | None = Field(default=None, ge=FIRST_YEAR, le=LAST_YEAR)
    theme: SingleLineText | None = Field(default=None, min_length=1, max_length=200)
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    description: MultiLineText | None = Field(default=None, max_length=2000)

    @field_validator("year", "theme", "starts_on", "ends_on", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be left out, but not set to null")
        return value


class CampaignClose(_Body):
    summary: MultiLineText = Field(min_length=1, max_length=4000)


class ActivityCreate(_Body):
    kind: ActivityKind = Field(strict=False)
    title: SingleLineText = Field(min_length=1, max_length=200)
    held_on: IsoDate
    description: MultiLineText | None = Field(default=None, max_length=2000)


class ParticipantIn(_Body):
    department: SingleLineText = Field(min_length=1, max_length=100)
    people: int = Field(ge=1, le=100_000)


class ResultCreate(_Body):
    department: SingleLineText = Field(min_length=1, max_length=100)
    rank: int | None = Field(default=None, ge=1, le=100_000)
    score: Score | None = None
    award: SingleLineText | None = Field(default=None, min_length=1, max_length=100)
    note: MultiLineText | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _says_how_it_went(self) -> ResultCreate:
        if self.rank is None and self.score is None and self.award is None:
            raise ValueError("a result gives a rank, a score or an award")
        return self


class CampaignRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    year: int
    theme: str
    starts_on: date
    ends_on: date
    description: str | None
    status: CampaignStatus
    summary: str | None
    closed_at: datetime | None
    closed_by: str | None
    created_at: datetime
    created_by: str
    version: int


class ParticipantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    department: str
    people: int


class ResultRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    activity_id: str
    department: str
    rank: int | None
    score: Score | None
    award: str | None
    note: str | None
    recorded_at: datetime
    recorded_by: str


class ActivityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    campaign_id: str
    kind: ActivityKind
    title: str
    held_on: date
    description: str | None
    created_at: datetime
    created_by: str
    participants: list[ParticipantRead] = []
    results: list[ResultRead] = []


class CampaignDetail(CampaignRead):
    """The campaign with everything under it, in one answer."""

    activities: list[ActivityRead] = []
