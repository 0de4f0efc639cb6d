"""Accountability records (奖惩) and their exemptions, both append-only.

A rule records a breach once (unique ticket, rule, department); a record has at most one
pending or approved exemption (a partial unique index).

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_EXEMPTION = "decision IN ('pending', 'approved')"

RECORD_INDEXES = {
    "ix_accountability_records_department_year": ["department", "year"],
    "ix_accountability_records_person_id": ["person_id"],
    "ix_accountability_records_occurred_at": ["occurred_at"],
}


def upgrade() -> None:
    op.create_table(
        "accountability_records",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=True),
        sa.Column("reason", sa.String(2000), nullable=False),
        sa.Column("points", sa.Integer, nullable=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("rule", sa.String(64), nullable=True),
        sa.Column("ticket_id", sa.String(36), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_accountability_records"),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name="fk_accountability_records_ticket_id"
        ),
        sa.UniqueConstraint(
            "ticket_id", "rule", "department", name="uq_accountability_records_rule_breach"
        ),
        sa.CheckConstraint("kind IN ('reward', 'penalty')", name="ck_accountability_records_kind"),
        sa.CheckConstraint(
            "points IS NULL OR points > 0", name="ck_accountability_records_points_positive"
        ),
        sa.CheckConstraint(
            "(origin = 'rule' AND rule IS NOT NULL AND ticket_id IS NOT NULL"
            " AND recorded_by IS NULL)"
            " OR (origin = 'manual' AND rule IS NULL AND recorded_by IS NOT NULL)",
            name="ck_accountability_records_origin",
        ),
    )
    for name, columns in RECORD_INDEXES.items():
        op.create_index(name, "accountability_records", columns)

    op.create_table(
        "accountability_exemptions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("ground", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(2000), nullable=False),
        sa.Column("requested_by", sa.String(36), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(36), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(2000), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_accountability_exemptions"),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["accountability_records.id"],
            name="fk_accountability_exemptions_record_id",
        ),
        sa.CheckConstraint(
            "ground IN ('force_majeure', 'other')", name="ck_accountability_exemptions_ground"
        ),
        sa.CheckConstraint(
            "decision IN ('pending', 'approved', 'rejected')",
            name="ck_accountability_exemptions_decision",
        ),
    )
    op.create_index(
        "ix_accountability_exemptions_record_id", "accountability_exemptions", ["record_id"]
    )
    op.create_index(
        "uq_accountability_exemptions_one_open_per_record",
        "accountability_exemptions",
        ["record_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_EXEMPTION),
        postgresql_where=sa.text(OPEN_EXEMPTION),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_accountability_exemptions_one_open_per_record", table_name="accountability_exemptions"
    )
    op.drop_index("ix_accountability_exemptions_record_id", table_name="accountability_exemptions")
    op.drop_table("accountability_exemptions")
    for name in RECORD_INDEXES:
        op.drop_index(name, table_name="accountability_records")
    op.drop_table("accountability_records")
