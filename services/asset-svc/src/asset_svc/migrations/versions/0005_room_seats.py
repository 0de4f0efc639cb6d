"""Seats in office rooms and their vacations; merges the 0003 and 0004 branches.

Revision ID: 0005
Revises: 0003, 0004
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from guanjia_shared.db import UtcDateTime

revision: str = "0005"
down_revision: str | Sequence[str] | None = ("0003", "0004")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "room_seats",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("room_id", sa.String(36), sa.ForeignKey("rooms.id"), nullable=False),
        sa.Column("unit_id", sa.String(36), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("rank", sa.String(64), nullable=False),
        sa.Column("position_title", sa.String(100), nullable=True),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.Column("actor_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_room_seats_room_id", "room_seats", ["room_id"])
    op.create_index("ix_room_seats_unit_id", "room_seats", ["unit_id"])
    op.create_table(
        "room_seat_vacations",
        sa.Column("seat_id", sa.String(36), sa.ForeignKey("room_seats.id"), primary_key=True),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.Column("actor_id", sa.String(36), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("room_seat_vacations")
    op.drop_table("room_seats")
