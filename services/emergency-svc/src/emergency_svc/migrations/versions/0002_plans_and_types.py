"""Incident types (seeded), plans as versioned documents, and the seeded draft plans.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from emergency_svc.incident_types.seed import SEEDED_INCIDENT_TYPES
from emergency_svc.plans.seed_plans import seed_plan_documents, seed_plan_id, seed_plan_rows
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    seeded_at = now()
    incident_types = op.create_table(
        "incident_types",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("code", name="pk_incident_types"),
    )
    op.bulk_insert(
        incident_types,
        [
            {"code": code, "name": name, "created_at": seeded_at, "created_by": None}
            for code, name in SEEDED_INCIDENT_TYPES
        ],
    )

    op.add_column(
        "plans", sa.Column("incident_types", sa.JSON, nullable=False, server_default="[]")
    )
    op.add_column("plans", sa.Column("created_by", sa.String(64), nullable=True))
    # One master plan in force at a time.
    op.create_index(
        "ux_plans_one_active_master",
        "plans",
        ["kind"],
        unique=True,
        sqlite_where=sa.text("status = 'active' AND kind = 'master'"),
        postgresql_where=sa.text("status = 'active' AND kind = 'master'"),
    )

    plan_versions = op.create_table(
        "plan_versions",
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("plan_id", "version", name="pk_plan_versions"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name="fk_plan_versions_plan_id"),
    )

    plan_incident_types = op.create_table(
        "plan_incident_types",
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("incident_type", sa.String(64), nullable=False),
        sa.Column("in_force", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("plan_id", "incident_type", name="pk_plan_incident_types"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name="fk_plan_incident_types_plan_id"),
        sa.ForeignKeyConstraint(
            ["incident_type"],
            ["incident_types.code"],
            name="fk_plan_incident_types_incident_type",
        ),
    )
    op.create_index(
        "ix_plan_incident_types_incident_type", "plan_incident_types", ["incident_type"]
    )
    # At most one active special plan per incident type.
    op.create_index(
        "ux_plan_incident_types_in_force",
        "plan_incident_types",
        ["incident_type"],
        unique=True,
        sqlite_where=sa.text("in_force"),
        postgresql_where=sa.text("in_force"),
    )

    # The seeded plans: drafts for the bureau to adapt (plans/seed_plans.py).
    plans = sa.table(
        "plans",
        sa.column("id", sa.String),
        sa.column("code", sa.String),
        sa.column("title", sa.String),
        sa.column("kind", sa.String),
        sa.column("incident_types", sa.JSON),
        sa.column("status", sa.String),
        sa.column("version", sa.Integer),
        sa.column("created_at", UtcDateTime),
        sa.column("created_by", sa.String),
    )
    rows = seed_plan_rows(seeded_at=seeded_at)
    op.bulk_insert(plans, rows["plans"])
    op.bulk_insert(plan_versions, rows["plan_versions"])
    op.bulk_insert(plan_incident_types, rows["plan_incident_types"])


def downgrade() -> None:
    op.drop_index("ux_plan_incident_types_in_force", table_name="plan_incident_types")
    op.drop_index("ix_plan_incident_types_incident_type", table_name="plan_incident_types")
    op.drop_table("plan_incident_types")
    op.drop_table("plan_versions")
    seeded = [seed_plan_id(code) for code, _ in seed_plan_documents()]
    plans = sa.table("plans", sa.column("id", sa.String))
    op.execute(plans.delete().where(plans.c.id.in_(seeded)))
    op.drop_index("ux_plans_one_active_master", table_name="plans")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("created_by")
        batch.drop_column("incident_types")
    op.drop_table("incident_types")
