"""Renovations (修缮): a request, its approval, the works and their acceptance.

requested → approved | rejected; approved → in_progress → accepted. Every move is an
append-only row; the renovation itself keeps only where it now stands.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, model_validator
from sqlalchemy import Column, Date, Numeric, UniqueConstraint
from sqlmodel import Field as TableField

from asset_svc.database import AssetTable
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText

# Yuan: a decimal string in the API, never a float, so a cent is never lost.
Money = Annotated[
    Decimal,
    Field(max_digits=14, decimal_places=2, ge=0),
    PlainSerializer(lambda value: str(value.quantize(Decimal("0.01"))), return_type=str),
]


class RenovationStatus(StrEnum):
    requested = "requested"
    approved = "approved"
    rejected = "rejected"
    in_progress = "in_progress"
    accepted = "accepted"

    @property
    def label(self) -> str:
        return {
            "requested": "已申请",
            "approved": "已批准",
            "rejected": "已驳回",
            "in_progress": "施工中",
            "accepted": "已验收",
        }[self.value]


class Renovation(AssetTable, table=True):
    __tablename__ = "renovations"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    title: str = TableField(max_length=300)
    building_id: str = TableField(foreign_key="buildings.id", index=True, max_length=36)
    # No rooms named: the whole building is renovated.
    whole_building: bool
    # The unit whose space it is, for scoping: the rooms' occupant, else the building's owner.
    unit_id: str | None = TableField(
        default=None, foreign_key="units.id", index=True, max_length=36
    )
    area: float
    estimated_cost: Decimal = TableField(sa_column=Column(Numeric(14, 2), nullable=False))
    final_cost: Decimal | None = TableField(default=None, sa_column=Column(Numeric(14, 2)))
    document_no: str | None = TableField(default=None, max_length=100)
    reason: str = TableField(max_length=1000)
    status: str = TableField(max_length=32, index=True)
    requested_by: str = TableField(max_length=36)
    requested_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    approved_by: str | None = TableField(default=None, max_length=36)
    approval_reason: str | None = TableField(default=None, max_length=1000)
    # The rules a leader's approval set aside, comma-separated; empty when none.
    overridden_rules: str = TableField(default="", max_length=200)
    accepted_on: date | None = TableField(default=None, sa_column=Column(Date))
    change_id: str | None = TableField(
        default=None, foreign_key="property_changes.id", max_length=36
    )
    version: int = TableField(default=1)


class RenovationRoom(AssetTable, table=True):
    __tablename__ = "renovation_rooms"

    renovation_id: str = TableField(foreign_key="renovations.id", primary_key=True, max_length=36)
    room_id: str = TableField(foreign_key="rooms.id", primary_key=True, index=True, max_length=36)


class RenovationMove(AssetTable, table=True):
    """One step of a renovation's life; never changed once written."""

    __tablename__ = "renovation_moves"
    # Two moves racing from the same state take the same step: the second one fails.
    __table_args__ = (UniqueConstraint("renovation_id", "step", name="uq_renovation_moves_step"),)

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    renovation_id: str = TableField(foreign_key="renovations.id", index=True, max_length=36)
    step: int
    from_status: str | None = TableField(default=None, max_length=32)
    to_status: str = TableField(max_length=32)
    actor_id: str = TableField(max_length=36)
    reason: str | None = TableField(default=None, max_length=1000)
    overridden_rules: str = TableField(default="", max_length=200)
    at: datetime = TableField(default_factory=now, sa_column=Column(UtcDateTime, nullable=False))


class RenovationCreate(StrictInput):
    building_id: SingleLineText | None = None
    room_ids: list[SingleLineText] | None = Field(default=None, min_length=1, max_length=1000)
    title: SingleLineText = Field(min_length=1, max_length=300)
    # The area the request declares (the requester's own figure, kept on the record); the
    # cost cap is reckoned on the rooms' usable area in the register instead.
    area: float = Field(gt=0, le=10_000_000)
    estimated_cost: Money
    document_no: SingleLineText | None = Field(default=None, max_length=100)
    reason: MultiLineText = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _names_rooms_or_a_building(self) -> RenovationCreate:
        if not self.room_ids and not self.building_id:
            raise ValueError("a renovation names room_ids or a building_id")
        if self.room_ids and len(set(self.room_ids)) != len(self.room_ids):
            raise ValueError("a room is named twice")
        return self


class ApproveBody(StrictInput):
    reason: MultiLineText | None = Field(default=None, max_length=1000)


class RejectBody(StrictInput):
    reason: MultiLineText = Field(min_length=1, max_length=1000)


class AcceptBody(StrictInput):
    final_cost: Money


class RenovationMoveRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    step: int
    from_status: RenovationStatus | None
    to_status: RenovationStatus
    actor_id: str
    reason: str | None
    overridden_rules: list[str]
    at: datetime


class RenovationRead(BaseModel):
    id: str
    title: str
    building_id: str
    room_ids: list[str]
    whole_building: bool
    unit_id: str | None
    area: float
    estimated_cost: Money
    final_cost: Money | None
    document_no: str | None
    reason: str
    status: RenovationStatus
    requested_by: str
    requested_at: datetime
    approved_by: str | None
    approval_reason: str | None
    overridden_rules: list[str]
    accepted_on: date | None
    change_id: str | None
    version: int
    # Filled on a single renovation's answer; lists leave it empty.
    moves: list[RenovationMoveRead] = []
    # While it is requested: the rules of the 修缮管理办法 it goes beyond as the register now
    # stands, so that only a leader approves it, with a reason. Empty once decided.
    rules_needing_a_leader: list[str] = []
