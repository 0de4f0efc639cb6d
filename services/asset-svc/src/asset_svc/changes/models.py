"""The change register (房产变动登记): every acquire, allocate, reallocate, reclaim,
renovate, transfer_title and dispose is an immutable row. A mistake is corrected by a
counter-change that names the one it corrects, never by an edit."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import BigInteger, Column, Date, Integer, String
from sqlmodel import Field as TableField

from asset_svc.database import AssetTable
from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText


class ChangeType(StrEnum):
    acquire = "acquire"
    allocate = "allocate"
    reallocate = "reallocate"
    reclaim = "reclaim"
    renovate = "renovate"
    transfer_title = "transfer_title"
    dispose = "dispose"

    @property
    def label(self) -> str:
        return {
            "acquire": "购建",
            "allocate": "分配",
            "reallocate": "调剂",
            "reclaim": "清退",
            "renovate": "修缮",
            "transfer_title": "过户",
            "dispose": "处置",
        }[self.value]


# Requests the register hears and always refuses: office space is never leased or lent.
FORBIDDEN_CHANGE_TYPES = frozenset({"lease_out", "lend_out"})


class PropertyChange(AssetTable, table=True):
    __tablename__ = "property_changes"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    # Recording order: breaks ties between changes with the same effective date.
    seq: int = TableField(
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"), nullable=False, unique=True
        )
    )
    type: str = TableField(sa_column=Column(String(32), nullable=False, index=True))
    building_id: str | None = TableField(
        default=None, foreign_key="buildings.id", index=True, max_length=36
    )
    unit_id: str | None = TableField(default=None, foreign_key="units.id", max_length=36)
    from_unit_id: str | None = TableField(default=None, foreign_key="units.id", max_length=36)
    effective_date: date = TableField(sa_column=Column(Date, nullable=False, index=True))
    recorded_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    actor_id: str = TableField(max_length=36)
    document_no: str | None = TableField(default=None, max_length=100)
    reason: str = TableField(max_length=1000)
    corrects_change_id: str | None = TableField(
        default=None, foreign_key="property_changes.id", max_length=36
    )


class ChangeRoom(AssetTable, table=True):
    """Which rooms a change touched, and the occupant each had after it (for as_of)."""

    __tablename__ = "change_rooms"

    change_id: str = TableField(foreign_key="property_changes.id", primary_key=True, max_length=36)
    room_id: str = TableField(foreign_key="rooms.id", primary_key=True, max_length=36, index=True)
    occupant_after: str | None = TableField(default=None, max_length=36, index=True)


class ChangeCreate(StrictInput):
    # A ChangeType, or a forbidden type named so that its refusal can name the rule.
    type: SingleLineText
    room_ids: list[SingleLineText] | None = Field(default=None, max_length=10_000)
    building_id: SingleLineText | None = None
    unit_id: SingleLineText | None = None
    effective_date: IsoDate
    document_no: SingleLineText | None = Field(default=None, max_length=100)
    reason: MultiLineText = Field(min_length=1, max_length=1000)
    corrects_change_id: SingleLineText | None = None

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value in FORBIDDEN_CHANGE_TYPES:
            return value
        try:
            return ChangeType(value).value
        except ValueError:
            allowed = ", ".join(member.value for member in ChangeType)
            raise ValueError(f"unknown change type {value!r}; one of {allowed}") from None

    @model_validator(mode="after")
    def _names_rooms_or_a_building(self) -> ChangeCreate:
        if not self.room_ids and not self.building_id:
            raise ValueError("a change names room_ids or a building_id")
        return self


class ChangedRoom(BaseModel):
    """A room a change names, as a person finds it: its building and number."""

    id: str
    building_id: str
    building_name: str
    floor: int
    number: str


class ChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    type: ChangeType
    room_ids: list[str]
    # The same rooms by building and number (a leader's office left out for a viewer who
    # may not see one: it stays counted in room_ids).
    rooms: list[ChangedRoom] = []
    building_id: str | None
    unit_id: str | None
    from_unit_id: str | None
    effective_date: date
    recorded_at: datetime
    actor_id: str
    document_no: str | None
    reason: str
    corrects_change_id: str | None


class RepairRecord(AssetTable, table=True):
    """A repair done on a room or building, from a closed service ticket (ticket-svc)."""

    __tablename__ = "repair_records"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    ticket_id: str = TableField(sa_column=Column(String(36), nullable=False, unique=True))
    room_id: str | None = TableField(default=None, index=True, max_length=36)
    building_id: str | None = TableField(default=None, index=True, max_length=36)
    title: str = TableField(max_length=300)
    department: str | None = TableField(default=None, max_length=100)
    closed_at: datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
