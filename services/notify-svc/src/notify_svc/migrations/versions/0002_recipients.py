"""The recipients: a replica of the gateway's users, from its `auth.user.*` events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recipients",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("unit_id", sa.String(36), nullable=True),
        sa.Column("department", sa.String(200), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("contacts", sa.JSON, nullable=False),
        sa.Column("message_preferences", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("replicated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_recipients_unit_id", "recipients", ["unit_id"])
    op.create_index("ix_recipients_department", "recipients", ["department"])


def downgrade() -> None:
    op.drop_index("ix_recipients_department", table_name="recipients")
    op.drop_index("ix_recipients_unit_id", table_name="recipients")
    op.drop_table("recipients")
