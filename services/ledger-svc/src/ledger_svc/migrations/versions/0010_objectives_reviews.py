"""Quality objectives (objectives/): each objective with its measure, target and year;
the observations its event-fed measures are counted from (one per event and measure: a
unique key); each ended month's verdict, once per objective and month. Management
reviews (reviews/): each review with its pack (a JSON snapshot of its inputs) and its
outputs, an action's ledger item among them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEASURES = "'sla_compliance', 'satisfaction', 'ledger_completion', 'nonconformities_on_time'"


def _moment(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "quality_objectives",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("measure", sa.String(32), nullable=False),
        sa.Column("target", sa.Float, nullable=False),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("department", sa.String(100), nullable=True),
        _moment("created_at", nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.CheckConstraint(f"measure IN ({MEASURES})", name="ck_quality_objectives_measure"),
        sa.CheckConstraint(
            "direction IN ('at_least', 'at_most')", name="ck_quality_objectives_direction"
        ),
        sa.CheckConstraint("target >= 0 AND target <= 100", name="ck_quality_objectives_target"),
    )
    op.create_index("ix_quality_objectives_year", "quality_objectives", ["year"])
    op.create_table(
        "objective_observations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("measure", sa.String(32), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("met", sa.Boolean, nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        _moment("occurred_at", nullable=False),
        _moment("recorded_at", nullable=False),
        sa.UniqueConstraint("event_id", "measure", name="uq_objective_observations_event"),
    )
    op.create_index(
        "ix_objective_observations_measure_month",
        "objective_observations",
        ["measure", "month"],
    )
    op.create_table(
        "objective_judgements",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "objective_id",
            sa.String(36),
            sa.ForeignKey("quality_objectives.id", name="fk_objective_judgements_objective_id"),
            nullable=False,
        ),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("met", sa.Boolean, nullable=True),
        _moment("judged_at", nullable=False),
        sa.UniqueConstraint("objective_id", "month", name="uq_objective_judgements_month"),
    )
    op.create_table(
        "management_reviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("period_from", sa.Date, nullable=False),
        sa.Column("period_to", sa.Date, nullable=False),
        sa.Column("chair_id", sa.String(64), nullable=False),
        sa.Column("participants", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pack", sa.JSON, nullable=False),
        _moment("pack_collected_at", nullable=False),
        sa.Column("previous_review_id", sa.String(36), nullable=True),
        _moment("created_at", nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        _moment("held_at"),
        sa.Column("held_by", sa.String(64), nullable=True),
        _moment("closed_at"),
        sa.Column("closed_by", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'held', 'closed')", name="ck_management_reviews_status"
        ),
        sa.CheckConstraint("period_from <= period_to", name="ck_management_reviews_period"),
    )
    op.create_index("ix_management_reviews_held_on", "management_reviews", ["held_on"])
    op.create_table(
        "review_outputs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "review_id",
            sa.String(36),
            sa.ForeignKey("management_reviews.id", name="fk_review_outputs_review_id"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column(
            "item_id",
            sa.String(36),
            sa.ForeignKey("items.id", name="fk_review_outputs_item_id"),
            nullable=True,
        ),
        _moment("created_at", nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("evidence", sa.Text, nullable=True),
        _moment("verified_at"),
        sa.Column("verified_by", sa.String(64), nullable=True),
        sa.CheckConstraint("kind IN ('decision', 'action')", name="ck_review_outputs_kind"),
        sa.CheckConstraint(
            "(kind = 'action' AND item_id IS NOT NULL) OR (kind = 'decision' AND item_id IS NULL)",
            name="ck_review_outputs_item",
        ),
    )
    op.create_index("ix_review_outputs_review_id", "review_outputs", ["review_id"])


def downgrade() -> None:
    for table in (
        "review_outputs",
        "management_reviews",
        "objective_judgements",
        "objective_observations",
        "quality_objectives",
    ):
        op.drop_table(table)
