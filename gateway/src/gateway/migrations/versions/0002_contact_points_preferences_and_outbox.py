"""Contact points and message preferences of users, a version on each user for the replicas
that follow them, and the outbox that publishes `auth.*` events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from guanjia_shared.migrations import create_platform_tables, drop_platform_tables

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_platform_tables()
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        users.add_column(
            sa.Column("message_preferences", sa.JSON, nullable=False, server_default="[]")
        )
    op.create_table(
        "contact_points",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.String(254), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pending_address", sa.String(254), nullable=True),
        sa.Column("code_hash", sa.String(64), nullable=True),
        sa.Column("code_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_attempts", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("user_id", "channel", name="uq_contact_points_user_channel"),
    )
    op.create_table(
        "contact_codes_sent",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_contact_codes_sent_user_id", "contact_codes_sent", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_contact_codes_sent_user_id", table_name="contact_codes_sent")
    op.drop_table("contact_codes_sent")
    op.drop_table("contact_points")
    with op.batch_alter_table("users") as users:
        users.drop_column("message_preferences")
        users.drop_column("version")
    drop_platform_tables()
