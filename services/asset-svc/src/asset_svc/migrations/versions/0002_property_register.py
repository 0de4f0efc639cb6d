"""The property register: land parcels, buildings, rooms, the change register and repairs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from guanjia_shared.db import UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEQUENCE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "land_parcels",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("certificate_no", sa.String(100), nullable=True),
        sa.Column("location", sa.String(300), nullable=False),
        sa.Column("area", sa.Float, nullable=False),
        sa.Column("use", sa.String(100), nullable=False),
        sa.Column("owner_unit_id", sa.String(36), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_land_parcels_owner_unit_id", "land_parcels", ["owner_unit_id"])
    op.create_table(
        "buildings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("land_parcel_id", sa.String(36), sa.ForeignKey("land_parcels.id")),
        sa.Column("owner_unit_id", sa.String(36), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("title_certificate_no", sa.String(100), nullable=True),
        sa.Column("gross_area", sa.Float, nullable=False),
        sa.Column("usable_area", sa.Float, nullable=True),
        sa.Column("built_year", sa.Integer, nullable=True),
        sa.Column("use", sa.String(32), nullable=False),
        sa.Column("disposed", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_buildings_land_parcel_id", "buildings", ["land_parcel_id"])
    op.create_index("ix_buildings_owner_unit_id", "buildings", ["owner_unit_id"])
    op.create_table(
        "rooms",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("building_id", sa.String(36), sa.ForeignKey("buildings.id"), nullable=False),
        sa.Column("floor", sa.Integer, nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("usable_area", sa.Float, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("leader_office", sa.Boolean, nullable=False),
        sa.Column("occupant_unit_id", sa.String(36), sa.ForeignKey("units.id"), nullable=True),
        sa.Column("disposed", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("building_id", "number", name="uq_rooms_building_number"),
    )
    op.create_index("ix_rooms_building_id", "rooms", ["building_id"])
    op.create_index("ix_rooms_occupant_unit_id", "rooms", ["occupant_unit_id"])
    op.create_table(
        "property_changes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("seq", SEQUENCE, nullable=False, unique=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("building_id", sa.String(36), sa.ForeignKey("buildings.id"), nullable=True),
        sa.Column("unit_id", sa.String(36), sa.ForeignKey("units.id"), nullable=True),
        sa.Column("from_unit_id", sa.String(36), sa.ForeignKey("units.id"), nullable=True),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.Column("actor_id", sa.String(36), nullable=False),
        sa.Column("document_no", sa.String(100), nullable=True),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column(
            "corrects_change_id",
            sa.String(36),
            sa.ForeignKey("property_changes.id"),
            nullable=True,
        ),
    )
    op.create_index("ix_property_changes_type", "property_changes", ["type"])
    op.create_index("ix_property_changes_building_id", "property_changes", ["building_id"])
    op.create_index("ix_property_changes_effective_date", "property_changes", ["effective_date"])
    op.create_table(
        "change_rooms",
        sa.Column(
            "change_id", sa.String(36), sa.ForeignKey("property_changes.id"), primary_key=True
        ),
        sa.Column("room_id", sa.String(36), sa.ForeignKey("rooms.id"), primary_key=True),
        sa.Column("occupant_after", sa.String(36), nullable=True),
    )
    op.create_index("ix_change_rooms_room_id", "change_rooms", ["room_id"])
    op.create_table(
        "repair_records",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("ticket_id", sa.String(36), nullable=False, unique=True),
        sa.Column("room_id", sa.String(36), nullable=True),
        sa.Column("building_id", sa.String(36), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("department", sa.String(100), nullable=True),
        sa.Column("closed_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_repair_records_room_id", "repair_records", ["room_id"])
    op.create_index("ix_repair_records_building_id", "repair_records", ["building_id"])


def downgrade() -> None:
    for table in (
        "repair_records",
        "change_rooms",
        "property_changes",
        "rooms",
        "buildings",
        "land_parcels",
    ):
        op.drop_table(table)
