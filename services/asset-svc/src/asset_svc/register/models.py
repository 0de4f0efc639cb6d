"""The property register: land parcels, buildings and rooms (土地 / 房产 / 房间).

Ownership (who holds the title) is kept on land and buildings; use (the unit a room is
allocated to) is kept on rooms as `occupant_unit_id`, derived from the change register and
written beside it in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Column, Index, String, UniqueConstraint, text
from sqlmodel import Field as TableField

from asset_svc.database import AssetTable
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import SingleLineText


class BuildingUse(StrEnum):
    office = "office"
    residential = "residential"
    mixed = "mixed"
    canteen = "canteen"
    garage = "garage"
    other = "other"


class RoomKind(StrEnum):
    """The four classes of office space (办公室、服务、设备、附属用房), then the rest."""

    office = "office"
    service = "service"
    equipment = "equipment"
    ancillary = "ancillary"
    residential = "residential"
    parking = "parking"
    other = "other"

    @property
    def label(self) -> str:
        return {
            "office": "办公室用房",
            "service": "服务用房",
            "equipment": "设备用房",
            "ancillary": "附属用房",
            "residential": "住宅",
            "parking": "停车",
            "other": "其他",
        }[self.value]

    @property
    def is_office_space(self) -> bool:
        return self in OFFICE_SPACE_KINDS


OFFICE_SPACE_KINDS = frozenset(
    {RoomKind.office, RoomKind.service, RoomKind.equipment, RoomKind.ancillary}
)


class LandParcel(AssetTable, table=True):
    __tablename__ = "land_parcels"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    certificate_no: str | None = TableField(default=None, max_length=100)
    location: str = TableField(max_length=300)
    area: float
    use: str = TableField(max_length=100)
    owner_unit_id: str = TableField(foreign_key="units.id", index=True, max_length=36)
    version: int = TableField(default=1)
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


class Building(AssetTable, table=True):
    __tablename__ = "buildings"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    name: str = TableField(max_length=200)
    address: str = TableField(max_length=300)
    land_parcel_id: str | None = TableField(
        default=None, foreign_key="land_parcels.id", index=True, max_length=36
    )
    owner_unit_id: str = TableField(foreign_key="units.id", index=True, max_length=36)
    title_certificate_no: str | None = TableField(default=None, max_length=100)
    gross_area: float
    usable_area: float | None = None
    built_year: int | None = None
    use: str = TableField(max_length=32)
    disposed: bool = TableField(default=False)
    version: int = TableField(default=1)
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    updated_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


HELD_ROOMS_INDEX = "ix_rooms_held_area"
# The rooms a unit holds today, as the report's query asks for them.
HELD_ROOMS = "occupant_unit_id IS NOT NULL AND disposed IS false"


class Room(AssetTable, table=True):
    __tablename__ = "rooms"
    __table_args__ = (
        UniqueConstraint("building_id", "number", name="uq_rooms_building_number"),
        # Today's area by holder and kind (the city-wide compliance report) read from the
        # index alone, already grouped: no sort of a million rooms.
        Index(
            HELD_ROOMS_INDEX,
            "occupant_unit_id",
            "kind",
            "usable_area",
            postgresql_where=text(HELD_ROOMS),
            sqlite_where=text(HELD_ROOMS),
        ),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    building_id: str = TableField(foreign_key="buildings.id", index=True, max_length=36)
    floor: int
    number: str = TableField(sa_column=Column(String(32), nullable=False))
    usable_area: float
    kind: str = TableField(max_length=32)
    # A leader's own office: its details are shown only to admin, leader and auditor.
    leader_office: bool = TableField(default=False)
    occupant_unit_id: str | None = TableField(
        default=None, foreign_key="units.id", index=True, max_length=36
    )
    disposed: bool = TableField(default=False)
    version: int = TableField(default=1)
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


# Areas and years are numbers as sent: `true` or "120" is a mistake, not 1.0 or 120.
Area = Annotated[float, Field(gt=0, strict=True)]
BuiltYear = Annotated[int, Field(ge=1800, le=2100, strict=True)]


class LandParcelCreate(StrictInput):
    certificate_no: SingleLineText | None = Field(default=None, max_length=100)
    location: SingleLineText = Field(min_length=1, max_length=300)
    area: Area
    use: SingleLineText = Field(min_length=1, max_length=100)
    owner_unit_id: SingleLineText


class LandParcelRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    certificate_no: str | None
    location: str
    area: float
    use: str
    owner_unit_id: str
    created_at: datetime


class BuildingCreate(StrictInput):
    name: SingleLineText = Field(min_length=1, max_length=200)
    address: SingleLineText = Field(min_length=1, max_length=300)
    land_parcel_id: SingleLineText | None = None
    owner_unit_id: SingleLineText
    title_certificate_no: SingleLineText | None = Field(default=None, max_length=100)
    gross_area: Area
    usable_area: Area | None = None
    built_year: BuiltYear | None = None
    use: BuildingUse


class BuildingUpdate(StrictInput):
    """What may be corrected on a building in place; title and ownership change only
    through the change register (transfer_title). A field left out stays as it is; null
    clears the two that may be unknown (usable area, year built) and is refused for the
    rest, which a building always has."""

    name: SingleLineText = Field(default=None, min_length=1, max_length=200)
    address: SingleLineText = Field(default=None, min_length=1, max_length=300)
    gross_area: Area = None
    usable_area: Area | None = None
    built_year: BuiltYear | None = None
    use: BuildingUse = None


class BuildingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    address: str
    land_parcel_id: str | None
    owner_unit_id: str
    title_certificate_no: str | None
    gross_area: float
    usable_area: float | None
    built_year: int | None
    use: BuildingUse
    disposed: bool
    version: int
    created_at: datetime
    updated_at: datetime


class RoomCreate(StrictInput):
    building_id: SingleLineText
    floor: int = Field(ge=-10, le=200)
    number: SingleLineText = Field(min_length=1, max_length=32)
    usable_area: Area
    kind: RoomKind
    leader_office: bool = False


class RoomRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    building_id: str
    floor: int
    number: str
    usable_area: float
    kind: RoomKind
    leader_office: bool
    occupant_unit_id: str | None
    disposed: bool
    version: int
    created_at: datetime
