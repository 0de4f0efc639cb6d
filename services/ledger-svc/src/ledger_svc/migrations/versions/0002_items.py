"""Plans get a kind and their author; ledger items, their progress reports and deadline
moves.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _moment(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _item_ref(table: str) -> sa.Column:
    return sa.Column(
        "item_id",
        sa.String(36),
        sa.ForeignKey("items.id", name=f"fk_{table}_item_id"),
        nullable=False,
    )


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="work"))
        batch.add_column(sa.Column("created_by", sa.String(36), nullable=True))
    # One follow-up plan a year, whichever replica makes it first.
    only_follow_ups = sa.text("kind = 'follow_up'")
    op.create_index(
        "uq_plans_follow_up_year",
        "plans",
        ["year"],
        unique=True,
        sqlite_where=only_follow_ups,
        postgresql_where=only_follow_ups,
    )
    op.create_table(
        "items",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "plan_id",
            sa.String(36),
            sa.ForeignKey("plans.id", name="fk_items_plan_id"),
            nullable=False,
        ),
        sa.Column(
            "parent_id",
            sa.String(36),
            sa.ForeignKey("items.id", name="fk_items_parent_id"),
            nullable=True,
        ),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("breakdown", sa.Text, nullable=False),
        sa.Column("quality_requirement", sa.Text, nullable=False),
        sa.Column("owner_id", sa.String(36), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("original_deadline", sa.Date, nullable=False),
        sa.Column("source_service", sa.String(32), nullable=True),
        sa.Column("source_ref", sa.String(64), nullable=True),
        sa.Column("progress", sa.Float, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _moment("completed_at", nullable=True),
        _moment("last_reported_at", nullable=True),
        _moment("created_at"),
        sa.Column("created_by", sa.String(36), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_items_plan_id_parent_id", "items", ["plan_id", "parent_id"])
    op.create_index("ix_items_source_ref", "items", ["source_ref"])
    op.create_index("ix_items_status_deadline", "items", ["status", "deadline"])
    op.create_index("ix_items_owner_id", "items", ["owner_id"])
    op.create_index("ix_items_department", "items", ["department"])
    op.create_table(
        "progress_reports",
        sa.Column("id", sa.String(36), primary_key=True),
        _item_ref("progress_reports"),
        sa.Column("percent", sa.Float, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("reported_by", sa.String(36), nullable=False),
        _moment("reported_at"),
    )
    op.create_index("ix_progress_reports_item_id", "progress_reports", ["item_id"])
    op.create_table(
        "deadline_changes",
        sa.Column("id", sa.String(36), primary_key=True),
        _item_ref("deadline_changes"),
        sa.Column("previous_deadline", sa.Date, nullable=False),
        sa.Column("new_deadline", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("changed_by", sa.String(36), nullable=False),
        _moment("changed_at"),
    )
    op.create_index("ix_deadline_changes_item_id", "deadline_changes", ["item_id"])


def downgrade() -> None:
    op.drop_table("deadline_changes")
    op.drop_table("progress_reports")
    op.drop_table("items")
    op.drop_index("uq_plans_follow_up_year", table_name="plans")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("created_by")
        batch.drop_column("kind")
