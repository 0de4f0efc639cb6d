"""Nonconformities and corrective actions (nonconformities/): the nonconformities, each
with its moves (its history) and its corrective actions (each a ledger item), the signals
(ticket-svc's breaches and ratings) the automatic ones are counted from, and the year's
plan of corrective actions (a plan kind of its own, one per year).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAGES = "'containment', 'root_cause', 'corrective_actions', 'effectiveness_check', 'closed'"


def _moment(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _reference(name: str, table: str, target: str, nullable: bool = False) -> sa.Column:
    return sa.Column(
        name,
        sa.String(36),
        sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{name}"),
        nullable=nullable,
    )


def upgrade() -> None:
    op.create_index(
        "uq_plans_corrective_year",
        "plans",
        ["year"],
        unique=True,
        sqlite_where=sa.text("kind = 'corrective'"),
        postgresql_where=sa.text("kind = 'corrective'"),
    )
    op.create_table(
        "nonconformities",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("audit_finding_id", sa.String(36), nullable=True),
        sa.Column("complaint_ref", sa.String(64), nullable=True),
        sa.Column("procedure_code", sa.String(50), nullable=False),
        sa.Column("procedure_id", sa.String(36), nullable=True),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("stage", sa.String(24), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=True),
        sa.Column("commitment_id", sa.String(36), nullable=True),
        sa.Column("commitment_code", sa.String(64), nullable=True),
        # One open automatic nonconformity per trigger, department and commitment.
        sa.Column("open_key", sa.String(250), nullable=True, unique=True),
        _moment("opened_at", nullable=False),
        sa.Column("opened_by", sa.String(64), nullable=True),
        sa.Column("containment", sa.Text, nullable=True),
        sa.Column("root_cause", sa.Text, nullable=True),
        sa.Column("similar_elsewhere", sa.Boolean, nullable=True),
        sa.Column("similar_cases", sa.Text, nullable=True),
        sa.Column("check_due_on", sa.Date, nullable=True),
        sa.Column("effective", sa.Boolean, nullable=True),
        sa.Column("evidence", sa.Text, nullable=True),
        _moment("verified_at"),
        sa.Column("verified_by", sa.String(64), nullable=True),
        _moment("closed_at"),
        sa.Column("closed_by", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint(
            "source IN ('audit', 'complaint', 'automatic')", name="ck_nonconformities_source"
        ),
        sa.CheckConstraint(f"stage IN ({STAGES})", name="ck_nonconformities_stage"),
        sa.CheckConstraint(
            "trigger IS NULL OR trigger IN ('breaches', 'rating')",
            name="ck_nonconformities_trigger",
        ),
    )
    op.create_index(
        "ix_nonconformities_department_stage", "nonconformities", ["department", "stage"]
    )
    op.create_index("ix_nonconformities_procedure_code", "nonconformities", ["procedure_code"])
    op.create_table(
        "corrective_actions",
        sa.Column("id", sa.String(36), primary_key=True),
        _reference("nonconformity_id", "corrective_actions", "nonconformities"),
        sa.Column(
            "item_id",
            sa.String(36),
            sa.ForeignKey("items.id", name="fk_corrective_actions_item_id"),
            nullable=False,
            unique=True,
        ),
        _moment("created_at", nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
    )
    op.create_index(
        "ix_corrective_actions_nonconformity_id", "corrective_actions", ["nonconformity_id"]
    )
    op.create_table(
        "nonconformity_moves",
        sa.Column("id", sa.String(36), primary_key=True),
        _reference("nonconformity_id", "nonconformity_moves", "nonconformities"),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("from_stage", sa.String(24), nullable=True),
        sa.Column("to_stage", sa.String(24), nullable=False),
        _moment("at", nullable=False),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index(
        "ix_nonconformity_moves_nonconformity_id", "nonconformity_moves", ["nonconformity_id"]
    )
    op.create_table(
        "nonconformity_signals",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("commitment_id", sa.String(36), nullable=False),
        sa.Column("commitment_code", sa.String(64), nullable=True),
        sa.Column("procedure_code", sa.String(50), nullable=True),
        sa.Column("ticket_id", sa.String(64), nullable=True),
        sa.Column("score", sa.Integer, nullable=True),
        _moment("occurred_at", nullable=False),
        _moment("received_at", nullable=False),
        _reference("nonconformity_id", "nonconformity_signals", "nonconformities", nullable=True),
        sa.Column("opening", sa.Boolean, nullable=True),
    )
    op.create_index(
        "ix_nonconformity_signals_window",
        "nonconformity_signals",
        ["kind", "department", "commitment_id", "occurred_at"],
    )
    op.create_index(
        "ix_nonconformity_signals_nonconformity_id", "nonconformity_signals", ["nonconformity_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_nonconformity_signals_nonconformity_id", table_name="nonconformity_signals")
    op.drop_index("ix_nonconformity_signals_window", table_name="nonconformity_signals")
    op.drop_table("nonconformity_signals")
    op.drop_index("ix_nonconformity_moves_nonconformity_id", table_name="nonconformity_moves")
    op.drop_table("nonconformity_moves")
    op.drop_index("ix_corrective_actions_nonconformity_id", table_name="corrective_actions")
    op.drop_table("corrective_actions")
    op.drop_index("ix_nonconformities_procedure_code", table_name="nonconformities")
    op.drop_index("ix_nonconformities_department_stage", table_name="nonconformities")
    op.drop_table("nonconformities")
    op.drop_index("uq_plans_corrective_year", table_name="plans")
