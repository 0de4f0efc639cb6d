"""Scorecard facts: one row per (event, department, measure), the read model the
department scorecards are summed from.

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_scorecard_facts_year_department_measure": ["year", "department", "measure"],
    "ix_scorecard_facts_subject_measure": ["subject", "measure"],
}


def upgrade() -> None:
    op.create_table(
        "scorecard_facts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("measure", sa.String(32), nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scorecard_facts"),
        sa.UniqueConstraint(
            "event_id", "department", "measure", name="uq_scorecard_facts_event_department_measure"
        ),
    )
    for name, columns in INDEXES.items():
        op.create_index(name, "scorecard_facts", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="scorecard_facts")
    op.drop_table("scorecard_facts")
