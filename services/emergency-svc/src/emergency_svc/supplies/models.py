"""Emergency supplies (应急物资): the catalogue, stock by location, its movements, and the
reservations incidents hold on it.

- The catalogue names what a plan's safeguards may require (`item_code`), seeded with the
  codes the plans use; `admin` or a `commander` adds more.
- A stock row is one item at one location (a store room, a building's duty room), with its
  quantity on hand and the minimum the bureau keeps there. The quantity changes only
  through movements — receipts, issues, counts — each kept as an append-only row with its
  reason, so the history explains every number.
- A reservation holds units of a stock row for an incident (made on activation, released
  on close). What a requirement could not get is kept too, as a `shortfall` row without a
  stock row: the incident goes ahead, and everybody sees what was missing.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlmodel import Field as TableField

from emergency_svc.database import EmergencyTable
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText

ItemCode = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
Location = Annotated[SingleLineText, Field(min_length=1, max_length=200)]


class MovementKind(StrEnum):
    opening = "opening"  # the quantity a stock row starts with
    receipt = "receipt"
    issue = "issue"
    count = "count"  # a stocktake sets the quantity to what was counted

    @property
    def label(self) -> str:
        return {"opening": "期初", "receipt": "入库", "issue": "出库", "count": "盘点"}[self.value]


class ReservationStatus(StrEnum):
    active = "active"  # units held for the incident
    released = "released"  # the rest went back to stock (incident closed, or released by hand)
    issued = "issued"  # every held unit was issued to the incident
    shortfall = "shortfall"  # what could not be reserved: holds nothing

    @property
    def label(self) -> str:
        return {
            "active": "已预留",
            "released": "已释放",
            "issued": "已领用",
            "shortfall": "缺口",
        }[self.value]


# --- tables ---------------------------------------------------------------------------


class SupplyItem(EmergencyTable, table=True):
    __tablename__ = "supply_items"

    code: str = TableField(sa_column=Column(String(64), primary_key=True))
    name: str = TableField(sa_column=Column(String(100), nullable=False))
    unit: str = TableField(sa_column=Column(String(16), nullable=False))
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


class SupplyStock(EmergencyTable, table=True):
    __tablename__ = "supply_stocks"
    __table_args__ = (
        UniqueConstraint("location", "item_code", name="uq_supply_stocks_location_item_code"),
        CheckConstraint("quantity >= 0", name="ck_supply_stocks_quantity"),
        CheckConstraint("minimum >= 0", name="ck_supply_stocks_minimum"),
        Index("ix_supply_stocks_item_code", "item_code"),
    )

    id: str = TableField(default_factory=new_id, sa_column=Column(String(36), primary_key=True))
    location: str = TableField(sa_column=Column(String(200), nullable=False))
    building_id: str | None = TableField(default=None, sa_column=Column(String(64), nullable=True))
    item_code: str = TableField(
        sa_column=Column(
            String(64),
            ForeignKey("supply_items.code", name="fk_supply_stocks_item_code"),
            nullable=False,
        )
    )
    quantity: int = TableField(default=0, sa_column=Column(Integer, nullable=False))
    minimum: int = TableField(default=0, sa_column=Column(Integer, nullable=False))
    # Bumped by every change; a movement carries the version it made (its place in history).
    version: int = TableField(default=1, sa_column=Column(Integer, nullable=False))
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    updated_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


class SupplyMovement(EmergencyTable, table=True):
    """One change of a stock row's quantity. Written once, never changed or deleted."""

    __tablename__ = "supply_movements"
    __table_args__ = (
        UniqueConstraint("stock_id", "stock_version", name="uq_supply_movements_stock_version"),
    )

    id: str = TableField(default_factory=new_id, sa_column=Column(String(36), primary_key=True))
    stock_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("supply_stocks.id", name="fk_supply_movements_stock_id"),
            nullable=False,
        )
    )
    stock_version: int = TableField(sa_column=Column(Integer, nullable=False))
    kind: str = TableField(sa_column=Column(String(16), nullable=False))
    change: int = TableField(sa_column=Column(Integer, nullable=False))
    quantity_after: int = TableField(sa_column=Column(Integer, nullable=False))
    reason: str = TableField(sa_column=Column(String(500), nullable=False))
    incident_id: str | None = TableField(default=None, sa_column=Column(String(64), nullable=True))
    actor_id: str = TableField(sa_column=Column(String(64), nullable=False))
    recorded_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


class SupplyReservation(EmergencyTable, table=True):
    __tablename__ = "supply_reservations"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_supply_reservations_quantity"),
        CheckConstraint(
            "issued_quantity >= 0 AND issued_quantity <= quantity",
            name="ck_supply_reservations_issued_quantity",
        ),
        Index("ix_supply_reservations_incident_id", "incident_id"),
        Index("ix_supply_reservations_stock_id_status", "stock_id", "status"),
    )

    id: str = TableField(default_factory=new_id, sa_column=Column(String(36), primary_key=True))
    incident_id: str = TableField(sa_column=Column(String(64), nullable=False))
    item_code: str = TableField(sa_column=Column(String(64), nullable=False))
    # None for a shortfall: what no stock row could give.
    stock_id: str | None = TableField(
        default=None,
        sa_column=Column(
            String(36),
            ForeignKey("supply_stocks.id", name="fk_supply_reservations_stock_id"),
            nullable=True,
        ),
    )
    location: str | None = TableField(default=None, sa_column=Column(String(200), nullable=True))
    quantity: int = TableField(sa_column=Column(Integer, nullable=False))
    issued_quantity: int = TableField(default=0, sa_column=Column(Integer, nullable=False))
    is_drill: bool = TableField(default=False, sa_column=Column(Boolean, nullable=False))
    status: str = TableField(sa_column=Column(String(16), nullable=False))
    reserved_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    released_at: datetime | None = TableField(
        default=None, sa_column=Column(UtcDateTime, nullable=True)
    )
    released_by: str | None = TableField(default=None, sa_column=Column(String(64), nullable=True))

    @property
    def held(self) -> int:
        """Units this reservation still keeps from others."""
        if self.status != ReservationStatus.active:
            return 0
        return self.quantity - self.issued_quantity

    @property
    def is_shortfall(self) -> bool:
        return self.status == ReservationStatus.shortfall


# `reserve_for_incident` answers these rows; the name the incidents code reads.
Reservation = SupplyReservation


# --- API shapes -----------------------------------------------------------------------


class SupplyItemCreate(StrictInput):
    code: ItemCode
    name: SingleLineText = Field(min_length=1, max_length=100)
    unit: SingleLineText = Field(min_length=1, max_length=16)


class SupplyItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    unit: str


class StockCreate(StrictInput):
    location: Location
    item_code: ItemCode
    quantity: StrictInt = Field(default=0, ge=0, le=10_000_000)
    minimum: StrictInt = Field(default=0, ge=0, le=10_000_000)
    building_id: SingleLineText | None = Field(default=None, min_length=1, max_length=64)


class StockUpdate(StrictInput):
    """The minimum level kept at the location; the quantity moves only by movements."""

    minimum: StrictInt = Field(ge=0, le=10_000_000)


class StockRead(BaseModel):
    id: str
    location: str
    building_id: str | None
    item_code: str
    item_name: str
    unit: str
    quantity: int
    minimum: int
    reserved: int = Field(description="units held by active reservations")
    available: int = Field(description="quantity less reserved (never below 0)")
    below_minimum: bool
    version: int
    updated_at: datetime


class MovementCreate(StrictInput):
    kind: MovementKind = Field(description="receipt, issue or count (opening is automatic)")
    quantity: StrictInt = Field(
        ge=0, le=10_000_000, description="units received or issued; for a count, units counted"
    )
    reason: MultiLineText = Field(min_length=1, max_length=500)
    incident_id: SingleLineText | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="an issue for an incident takes first from the units reserved for it",
    )


class MovementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    stock_id: str
    stock_version: int
    kind: MovementKind
    change: int
    quantity_after: int
    reason: str
    incident_id: str | None
    actor_id: str
    recorded_at: datetime


class ReservationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    incident_id: str
    item_code: str
    stock_id: str | None
    location: str | None
    quantity: int
    issued_quantity: int
    is_drill: bool
    status: ReservationStatus
    reserved_at: datetime
    released_at: datetime | None
    released_by: str | None
