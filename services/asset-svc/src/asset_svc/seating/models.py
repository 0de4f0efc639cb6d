"""Seating (who sits in an office room): the people of a unit at their desks, each seat a
period from the day it is taken to the day it is vacated, both kept as append-only rows.

Kept apart from ownership (a building's title) and from use (the unit a room is allocated
to): a room's unit changes through the change register, its people only through here.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field
from sqlalchemy import Column, Date, ForeignKey, String
from sqlmodel import Field as TableField

from asset_svc.database import AssetTable
from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import SingleLineText


class Seat(AssetTable, table=True):
    """A person taking a seat in a room, known by name, rank and title only."""

    __tablename__ = "room_seats"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    room_id: str = TableField(foreign_key="rooms.id", index=True, max_length=36)
    # The unit the room was allocated to when the seat was taken; a room's unit cannot
    # change while anyone sits in it, so this holds for the whole period.
    unit_id: str = TableField(foreign_key="units.id", index=True, max_length=36)
    name: str = TableField(max_length=100)
    rank: str = TableField(max_length=64)
    position_title: str | None = TableField(default=None, max_length=100)
    effective_date: date = TableField(sa_column=Column(Date, nullable=False))
    recorded_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    actor_id: str = TableField(max_length=36)


class SeatVacation(AssetTable, table=True):
    """The end of a seat's period. Keyed by the seat: two move-outs racing, the second fails."""

    __tablename__ = "room_seat_vacations"

    seat_id: str = TableField(
        sa_column=Column(String(36), ForeignKey("room_seats.id"), primary_key=True)
    )
    effective_date: date = TableField(sa_column=Column(Date, nullable=False))
    recorded_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    actor_id: str = TableField(max_length=36)


class SeatCreate(StrictInput):
    name: SingleLineText = Field(min_length=1, max_length=100)
    # A rank code of the level of the room's unit (see standards.models.RANKS).
    rank: SingleLineText = Field(min_length=1, max_length=64)
    position_title: SingleLineText | None = Field(default=None, min_length=1, max_length=100)
    effective_date: IsoDate


class SeatVacate(StrictInput):
    effective_date: IsoDate


class SeatRead(BaseModel):
    id: str
    room_id: str
    unit_id: str
    # Personal data: None unless the caller may see it.
    name: str | None
    rank: str
    position_title: str | None
    taken_on: date
    vacated_on: date | None


class SeatingRead(BaseModel):
    """The seats occupied on `as_of`."""

    as_of: date
    seats: list[SeatRead]
