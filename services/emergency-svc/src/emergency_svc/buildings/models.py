"""The replica of asset-svc's buildings, and the building ids referenced before it knew them.

asset-svc owns buildings; emergency-svc keeps a read-only copy, fed by
`asset.building.created` / `asset.building.updated` (the whole building as asset-svc reads
it, with its `version`). An incident or a supply location names a building by id; the copy
may lag a building created a moment ago, so an id not (yet) in it is accepted and
remembered in `pending_building_checks` until its event arrives — ids that never arrive
are what `GET buildings/unconfirmed` shows.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Boolean, Column, Index, Integer, String
from sqlmodel import Field

from emergency_svc.database import EmergencyTable
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime

BUILDING_ID_MAX = 64


class ReplicatedBuilding(EmergencyTable, table=True):
    """One building as its latest applied `asset.building.*` event described it."""

    __tablename__ = "building_replica"
    __table_args__ = (Index("ix_building_replica_owner_unit_id", "owner_unit_id"),)

    id: str = Field(sa_column=Column(String(BUILDING_ID_MAX), primary_key=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    address: str = Field(default="", sa_column=Column(String(300), nullable=False))
    owner_unit_id: str | None = Field(default=None, sa_column=Column(String(36), nullable=True))
    use: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    disposed: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    # asset-svc's version of the building: an older one never overwrites a newer one.
    version: int = Field(sa_column=Column(Integer, nullable=False))
    replicated_at: datetime = Field(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


class PendingBuildingCheck(EmergencyTable, table=True):
    """A building id referenced here before its event arrived; deleted when it arrives."""

    __tablename__ = "pending_building_checks"

    building_id: str = Field(sa_column=Column(String(BUILDING_ID_MAX), primary_key=True))
    first_referenced_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    last_referenced_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    reference_count: int = Field(default=1, sa_column=Column(Integer, nullable=False))
    # What named it last (e.g. "incident:<id>", "supplies:<stock id>"), for whoever chases it.
    last_referenced_by: str | None = Field(
        default=None, sa_column=Column(String(200), nullable=True)
    )


class BuildingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    address: str
    owner_unit_id: str | None
    use: str | None
    disposed: bool
    version: int
    replicated_at: datetime


class UnconfirmedBuildingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    building_id: str
    first_referenced_at: datetime
    last_referenced_at: datetime
    reference_count: int
    last_referenced_by: str | None
