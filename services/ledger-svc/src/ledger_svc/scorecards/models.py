"""Scorecard facts (年度考核的依据): one row per (event, department, measure), written once
by the event handlers, never changed. The scorecards themselves keep no table: they are
summed from these rows when asked (see `service.py` for what each figure counts)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field
from sqlalchemy import Column, Float, Index, Integer, String, UniqueConstraint
from sqlmodel import Field as TableField

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from ledger_svc.database import LedgerTable


class ScorecardMeasure(StrEnum):
    """What a fact measures; its `value` is described beside each."""

    item_completed = "item_completed"  # 1
    item_on_time = "item_on_time"  # 1 completed on or before its deadline, 0 late
    item_reopened = "item_reopened"  # 1: progress fell back below 100 after completion
    ticket_closed = "ticket_closed"  # 1
    ticket_sla_met = "ticket_sla_met"  # 1 met, 0 missed (absent when the ticket has no verdict)
    ticket_rating = "ticket_rating"  # the requester's rating, 1–5
    sla_breach = "sla_breach"  # 1
    accountability_reward = "accountability_reward"  # the record's points (null: none)
    accountability_penalty = "accountability_penalty"  # the record's points (null: none)
    accountability_exempted = "accountability_exempted"  # the exempted record's points
    drill_participation = "drill_participation"  # the department's people in the drill

    @property
    def label(self) -> str:
        return {
            "item_completed": "台账事项完成",
            "item_on_time": "按时完成",
            "item_reopened": "完成后退回",
            "ticket_closed": "工单办结",
            "ticket_sla_met": "承诺时限达标",
            "ticket_rating": "服务评价",
            "sla_breach": "超时",
            "accountability_reward": "奖励",
            "accountability_penalty": "处罚",
            "accountability_exempted": "免责",
            "drill_participation": "参加演练",
        }[self.value]


class ScorecardFact(LedgerTable, table=True):
    __tablename__ = "scorecard_facts"
    __table_args__ = (
        # The same event, however often delivered, leaves one fact per department and
        # measure. The inbox stops a redelivery first; this key holds even without it.
        UniqueConstraint(
            "event_id", "department", "measure", name="uq_scorecard_facts_event_department_measure"
        ),
        Index("ix_scorecard_facts_year_department_measure", "year", "department", "measure"),
        # Whether a fact still counts is asked of the other facts of its subject (a later
        # reopening of the item, an exemption of the record).
        Index("ix_scorecard_facts_subject_measure", "subject", "measure"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    department: str = TableField(max_length=100)
    # The bureau's year the fact counts in (Asia/Shanghai), as `service.py` derives it.
    year: int = TableField(sa_column=Column(Integer, nullable=False))
    measure: str = TableField(max_length=32)
    value: float | None = TableField(default=None, sa_column=Column(Float, nullable=True))
    event_id: str = TableField(max_length=64)
    event_type: str = TableField(max_length=200)
    # What the fact is about: a ticket, a ledger item, an accountability record or a drill.
    subject: str = TableField(sa_column=Column(String(64), nullable=False))
    # When it happened (closed, breached, completed, held…); event_time is when the source
    # recorded the event, which orders an item's completions and reopenings.
    occurred_at: dt.datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    event_time: dt.datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    recorded_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


# --- what callers get --------------------------------------------------------------------


class AccountabilityFigures(BaseModel):
    rewards: int = Field(description="reward records in force (not exempted)")
    penalties: int = Field(description="penalty records in force (not exempted)")
    exempted: int = Field(description="records exempted (免责), which no longer count")
    reward_points: int = Field(description="points of the rewards in force")
    penalty_points: int = Field(description="points of the penalties in force")
    points: int = Field(description="reward_points − penalty_points")


class Scorecard(BaseModel):
    department: str
    year: int
    items_completed: int = Field(description="ledger items whose latest state is completed")
    items_on_time: int = Field(description="of those, completed by the deadline in force")
    on_time_rate_percent: float | None = Field(
        description="items_on_time / items_completed × 100; null when none is completed"
    )
    tickets_closed: int = Field(description="tickets closed in the year")
    tickets_sla_met: int = Field(description="closed tickets that met their commitment's SLA")
    sla_compliance_percent: float | None = Field(
        description="tickets_sla_met / closed tickets with an SLA verdict × 100"
    )
    sla_breaches: int = Field(
        description="SLA breaches charged (a coordination breach to the coordinating "
        "department, any other to the ticket's)"
    )
    mean_rating: float | None = Field(description="mean requester rating of closed tickets")
    ratings: int = Field(description="closed tickets with a requester's rating")
    accountability: AccountabilityFigures
    drills: int = Field(description="emergency drills the department took part in")


class ScorecardList(BaseModel):
    year: int
    items: list[Scorecard]
    total: int


class FactRead(BaseModel):
    id: str
    measure: ScorecardMeasure
    value: float | None
    counted: bool = Field(
        description="whether the fact counts now: false for a completion the item's later "
        "reopening undid, or a reward or penalty since exempted"
    )
    event_id: str
    event_type: str
    subject: str = Field(description="the ticket, ledger item, record or drill")
    occurred_at: dt.datetime
    event_time: dt.datetime
    recorded_at: dt.datetime


class FactPage(BaseModel):
    items: list[FactRead]
    total: int


class ScorecardDetail(Scorecard):
    facts: FactPage = Field(description="the events behind the figures, oldest first")
