"""Renovations and their moves, staff housing and its moves, stocktakes and their reports.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from guanjia_shared.db import UtcDateTime

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(14, 2)


def _id() -> sa.Column:
    return sa.Column("id", sa.String(36), primary_key=True)


def _ref(name: str, target: str, **options) -> sa.Column:
    return sa.Column(name, sa.String(36), sa.ForeignKey(target), **options)


def upgrade() -> None:
    op.create_table(
        "renovations",
        _id(),
        sa.Column("title", sa.String(300), nullable=False),
        _ref("building_id", "buildings.id", nullable=False),
        sa.Column("whole_building", sa.Boolean, nullable=False),
        _ref("unit_id", "units.id", nullable=True),
        sa.Column("area", sa.Float, nullable=False),
        sa.Column("estimated_cost", MONEY, nullable=False),
        sa.Column("final_cost", MONEY, nullable=True),
        sa.Column("document_no", sa.String(100), nullable=True),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("requested_by", sa.String(36), nullable=False),
        sa.Column("requested_at", UtcDateTime, nullable=False),
        sa.Column("approved_by", sa.String(36), nullable=True),
        sa.Column("approval_reason", sa.String(1000), nullable=True),
        sa.Column("overridden_rules", sa.String(200), nullable=False),
        sa.Column("accepted_on", sa.Date, nullable=True),
        _ref("change_id", "property_changes.id", nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_renovations_building_id", "renovations", ["building_id"])
    op.create_index("ix_renovations_unit_id", "renovations", ["unit_id"])
    op.create_index("ix_renovations_status", "renovations", ["status"])
    op.create_table(
        "renovation_rooms",
        _ref("renovation_id", "renovations.id", primary_key=True),
        _ref("room_id", "rooms.id", primary_key=True),
    )
    op.create_index("ix_renovation_rooms_room_id", "renovation_rooms", ["room_id"])
    op.create_table(
        "renovation_moves",
        _id(),
        _ref("renovation_id", "renovations.id", nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("from_status", sa.String(32), nullable=True),
        sa.Column("to_status", sa.String(32), nullable=False),
        sa.Column("actor_id", sa.String(36), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=True),
        sa.Column("overridden_rules", sa.String(200), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("renovation_id", "step", name="uq_renovation_moves_step"),
    )
    op.create_index("ix_renovation_moves_renovation_id", "renovation_moves", ["renovation_id"])

    op.create_table(
        "housing_units",
        _id(),
        _ref("building_id", "buildings.id", nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("usable_area", sa.Float, nullable=False),
        sa.Column("layout", sa.String(100), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("building_id", "number", name="uq_housing_units_building_number"),
    )
    op.create_index("ix_housing_units_building_id", "housing_units", ["building_id"])
    op.create_table(
        "housing_occupants",
        _id(),
        sa.Column("name", sa.String(100), nullable=False),
        _ref("unit_id", "units.id", nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_housing_occupants_unit_id", "housing_occupants", ["unit_id"])
    op.create_table(
        "housing_moves",
        _id(),
        _ref("housing_unit_id", "housing_units.id", nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        _ref("occupant_id", "housing_occupants.id", nullable=False),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.Column("actor_id", sa.String(36), nullable=False),
        sa.Column("document_no", sa.String(100), nullable=True),
        sa.Column("note", sa.String(1000), nullable=True),
        sa.UniqueConstraint("housing_unit_id", "step", name="uq_housing_moves_step"),
    )
    op.create_index("ix_housing_moves_housing_unit_id", "housing_moves", ["housing_unit_id"])
    op.create_index("ix_housing_moves_occupant_id", "housing_moves", ["occupant_id"])

    op.create_table(
        "stocktakes",
        _id(),
        sa.Column("title", sa.String(300), nullable=False),
        _ref("unit_id", "units.id", nullable=True),
        _ref("building_id", "buildings.id", nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_by", sa.String(36), nullable=False),
        sa.Column("opened_at", UtcDateTime, nullable=False),
        sa.Column("closed_by", sa.String(36), nullable=True),
        sa.Column("closed_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_stocktakes_unit_id", "stocktakes", ["unit_id"])
    op.create_index("ix_stocktakes_building_id", "stocktakes", ["building_id"])
    op.create_table(
        "stocktake_findings",
        _id(),
        _ref("stocktake_id", "stocktakes.id", nullable=False),
        _ref("building_id", "buildings.id", nullable=False),
        sa.Column("room_number", sa.String(32), nullable=False),
        sa.Column("found_area", sa.Float, nullable=False),
        sa.Column("found_kind", sa.String(32), nullable=False),
        sa.Column("found_occupant_unit_id", sa.String(36), nullable=True),
        sa.Column("note", sa.String(1000), nullable=True),
        sa.Column("recorded_by", sa.String(36), nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint(
            "stocktake_id", "building_id", "room_number", name="uq_stocktake_findings_room"
        ),
    )
    op.create_index("ix_stocktake_findings_stocktake_id", "stocktake_findings", ["stocktake_id"])
    op.create_table(
        "stocktake_report_lines",
        _id(),
        _ref("stocktake_id", "stocktakes.id", nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("building_id", sa.String(36), nullable=False),
        sa.Column("room_number", sa.String(32), nullable=False),
        sa.Column("room_id", sa.String(36), nullable=True),
        sa.Column("book_area", sa.Float, nullable=True),
        sa.Column("book_kind", sa.String(32), nullable=True),
        sa.Column("book_occupant_unit_id", sa.String(36), nullable=True),
        sa.Column("found_area", sa.Float, nullable=True),
        sa.Column("found_kind", sa.String(32), nullable=True),
        sa.Column("found_occupant_unit_id", sa.String(36), nullable=True),
        sa.Column("differences", sa.String(100), nullable=False),
        sa.Column("note", sa.String(1000), nullable=True),
    )
    op.create_index(
        "ix_stocktake_report_lines_stocktake_id", "stocktake_report_lines", ["stocktake_id"]
    )


def downgrade() -> None:
    for table in (
        "stocktake_report_lines",
        "stocktake_findings",
        "stocktakes",
        "housing_moves",
        "housing_occupants",
        "housing_units",
        "renovation_moves",
        "renovation_rooms",
        "renovations",
    ):
        op.drop_table(table)
