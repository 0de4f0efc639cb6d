"""Management by exception: the items' exceptions as raised (one open per item and reason),
the day each plan was last swept, and the leaders' interventions.

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_EXCEPTION = "cleared_at IS NULL"


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
    op.create_table(
        "item_exceptions",
        sa.Column("id", sa.String(36), primary_key=True),
        _item_ref("item_exceptions"),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        _moment("raised_at"),
        _moment("cleared_at", nullable=True),
        sa.Column("cleared_because", sa.String(32), nullable=True),
        sa.CheckConstraint(
            "reason IN ('overdue', 'behind', 'stalled')", name="ck_item_exceptions_reason"
        ),
    )
    # The guarantee behind "raised once": one open exception per item and reason.
    op.create_index(
        "uq_item_exceptions_one_open_per_reason",
        "item_exceptions",
        ["item_id", "reason"],
        unique=True,
        sqlite_where=sa.text(OPEN_EXCEPTION),
        postgresql_where=sa.text(OPEN_EXCEPTION),
    )
    op.create_index(
        "ix_item_exceptions_item_id_raised_at", "item_exceptions", ["item_id", "raised_at"]
    )
    op.create_table(
        "exception_sweeps",
        sa.Column(
            "plan_id",
            sa.String(36),
            sa.ForeignKey("plans.id", name="fk_exception_sweeps_plan_id"),
            primary_key=True,
        ),
        sa.Column("swept_on", sa.Date, nullable=False),
        _moment("swept_at"),
    )
    op.create_table(
        "interventions",
        sa.Column("id", sa.String(36), primary_key=True),
        _item_ref("interventions"),
        sa.Column("instruction", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("issued_by", sa.String(36), nullable=False),
        _moment("issued_at"),
        sa.Column("acknowledged_by", sa.String(36), nullable=True),
        _moment("acknowledged_at", nullable=True),
        sa.Column("answer", sa.Text, nullable=True),
        sa.Column("answered_by", sa.String(36), nullable=True),
        _moment("answered_at", nullable=True),
        sa.Column("closed_by", sa.String(36), nullable=True),
        _moment("closed_at", nullable=True),
        sa.Column("close_note", sa.Text, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint(
            "status IN ('issued', 'acknowledged', 'answered', 'closed')",
            name="ck_interventions_status",
        ),
    )
    op.create_index("ix_interventions_item_id_issued_at", "interventions", ["item_id", "issued_at"])
    op.create_index("ix_interventions_status", "interventions", ["status"])


def downgrade() -> None:
    op.drop_index("ix_interventions_status", table_name="interventions")
    op.drop_index("ix_interventions_item_id_issued_at", table_name="interventions")
    op.drop_table("interventions")
    op.drop_table("exception_sweeps")
    op.drop_index("ix_item_exceptions_item_id_raised_at", table_name="item_exceptions")
    op.drop_index("uq_item_exceptions_one_open_per_reason", table_name="item_exceptions")
    op.drop_table("item_exceptions")
