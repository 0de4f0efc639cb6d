"""The procedure register's clean-up campaigns (制度清理, cleanups/): each campaign, the
documents it listed when opened (a snapshot), and the one decision on each.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _moment(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _reference(name: str, table: str, target: str) -> sa.Column:
    return sa.Column(
        name,
        sa.String(36),
        sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{name}"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "procedure_cleanups",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("departments", sa.JSON, nullable=False),
        sa.Column("kinds", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("document_count", sa.Integer, nullable=False),
        _moment("opened_at", nullable=False),
        sa.Column("opened_by", sa.String(64), nullable=False),
        _moment("closed_at"),
        sa.Column("closed_by", sa.String(64), nullable=True),
        sa.Column("close_note", sa.String(2000), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_procedure_cleanups_status"),
    )
    op.create_table(
        "procedure_cleanup_lines",
        sa.Column("id", sa.String(36), primary_key=True),
        _reference("cleanup_id", "procedure_cleanup_lines", "procedure_cleanups"),
        _reference("document_id", "procedure_cleanup_lines", "procedure_documents"),
        sa.Column("code", sa.String(50), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("document_status", sa.String(16), nullable=False),
        sa.Column("effective_revision", sa.Integer, nullable=True),
        sa.UniqueConstraint(
            "cleanup_id", "document_id", name="uq_procedure_cleanup_lines_document"
        ),
    )
    op.create_index(
        "ix_procedure_cleanup_lines_cleanup_department",
        "procedure_cleanup_lines",
        ["cleanup_id", "department"],
    )
    op.create_index(
        "ix_procedure_cleanup_lines_document_id", "procedure_cleanup_lines", ["document_id"]
    )
    op.create_table(
        "procedure_cleanup_decisions",
        sa.Column("id", sa.String(36), primary_key=True),
        _reference("cleanup_id", "procedure_cleanup_decisions", "procedure_cleanups"),
        _reference("line_id", "procedure_cleanup_decisions", "procedure_cleanup_lines"),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("rationale", sa.String(2000), nullable=False),
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("revision_number", sa.Integer, nullable=True),
        sa.Column("revision_reused", sa.Boolean, nullable=False),
        _moment("decided_at", nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        # Decide exactly once: two decisions made at once cannot both be kept.
        sa.UniqueConstraint("line_id", name="uq_procedure_cleanup_decisions_line"),
        sa.CheckConstraint(
            "decision IN ('confirm', 'abolish', 'revise', 'supplement')",
            name="ck_procedure_cleanup_decisions_decision",
        ),
    )
    op.create_index(
        "ix_procedure_cleanup_decisions_cleanup_id",
        "procedure_cleanup_decisions",
        ["cleanup_id"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_procedure_cleanup_decisions_cleanup_id", table_name="procedure_cleanup_decisions"
    )
    op.drop_table("procedure_cleanup_decisions")
    op.drop_index("ix_procedure_cleanup_lines_document_id", table_name="procedure_cleanup_lines")
    op.drop_index(
        "ix_procedure_cleanup_lines_cleanup_department", table_name="procedure_cleanup_lines"
    )
    op.drop_table("procedure_cleanup_lines")
    op.drop_table("procedure_cleanups")
