"""Platform tables, the unit replica, commitments and tickets (first slice).

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from guanjia_shared.migrations import create_platform_tables, drop_platform_tables
from guanjia_shared.replicas import create_unit_replica_table, drop_unit_replica_table

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_platform_tables()
    create_unit_replica_table()
    op.create_table(
        "commitments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("response_minutes", sa.Integer, nullable=False),
        sa.Column("resolve_hours", sa.Integer, nullable=False),
        sa.Column("calendar_id", sa.String(36), nullable=True),
        sa.Column("published", sa.Boolean, nullable=False),
    )
    op.create_index("ix_commitments_published", "commitments", ["published"])
    op.create_table(
        "tickets",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("requester_unit_id", sa.String(36), nullable=True),
        sa.Column("first_receiver", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tickets_requester_unit_id", "tickets", ["requester_unit_id"])


def downgrade() -> None:
    op.drop_index("ix_tickets_requester_unit_id", table_name="tickets")
    op.drop_table("tickets")
    op.drop_index("ix_commitments_published", table_name="commitments")
    op.drop_table("commitments")
    drop_unit_replica_table()
    drop_platform_tables()
