"""The procedure register (quality/): documents, their revisions, the approvals of each
round, and the review reminders sent (one per document and review date).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ON_ITS_WAY = "status IN ('draft', 'in_review', 'approved')"


def _moment(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "procedure_documents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(50), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("published_to_units", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("process", sa.String(100), nullable=True),
        sa.Column("legal_basis", sa.String(1000), nullable=True),
        sa.Column("effective_revision", sa.Integer, nullable=True),
        sa.Column("effective_on", sa.Date, nullable=True),
        sa.Column("next_review_on", sa.Date, nullable=True),
        _moment("abolished_at"),
        sa.Column("abolished_by", sa.String(64), nullable=True),
        sa.Column("abolish_reason", sa.String(2000), nullable=True),
        _moment("created_at", nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint(
            "kind IN ('regulation', 'procedure', 'form', 'external')",
            name="ck_procedure_documents_kind",
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'effective', 'abolished')", name="ck_procedure_documents_status"
        ),
    )
    op.create_index("ix_procedure_documents_department", "procedure_documents", ["department"])
    op.create_index(
        "ix_procedure_documents_status_next_review_on",
        "procedure_documents",
        ["status", "next_review_on"],
    )
    op.create_table(
        "procedure_revisions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "document_id",
            sa.String(36),
            sa.ForeignKey("procedure_documents.id", name="fk_procedure_revisions_document_id"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("process", sa.String(100), nullable=True),
        sa.Column("legal_basis", sa.String(1000), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("change_reason", sa.String(2000), nullable=True),
        sa.Column("effective_on", sa.Date, nullable=True),
        sa.Column("next_review_on", sa.Date, nullable=True),
        sa.Column("author_id", sa.String(64), nullable=False),
        _moment("created_at", nullable=False),
        _moment("updated_at", nullable=False),
        sa.Column("approval_mode", sa.String(16), nullable=True),
        sa.Column("round", sa.Integer, nullable=False),
        _moment("submitted_at"),
        sa.Column("submitted_by", sa.String(64), nullable=True),
        _moment("rejected_at"),
        sa.Column("rejected_by", sa.String(64), nullable=True),
        sa.Column("rejection_reason", sa.String(2000), nullable=True),
        _moment("approved_at"),
        _moment("effective_at"),
        _moment("superseded_at"),
        _moment("abolished_at"),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("document_id", "number", name="uq_procedure_revisions_number"),
        sa.CheckConstraint(
            "status IN ('draft', 'in_review', 'approved', 'effective', 'superseded', 'abolished')",
            name="ck_procedure_revisions_status",
        ),
    )
    # The guarantee behind "one revision at a time on its way".
    op.create_index(
        "uq_procedure_revisions_one_on_its_way",
        "procedure_revisions",
        ["document_id"],
        unique=True,
        sqlite_where=sa.text(ON_ITS_WAY),
        postgresql_where=sa.text(ON_ITS_WAY),
    )
    op.create_index(
        "ix_procedure_revisions_status_effective_on",
        "procedure_revisions",
        ["status", "effective_on"],
    )
    op.create_table(
        "procedure_approvals",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "revision_id",
            sa.String(36),
            sa.ForeignKey("procedure_revisions.id", name="fk_procedure_approvals_revision_id"),
            nullable=False,
        ),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("approver_id", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(16), nullable=True),
        _moment("decided_at"),
        sa.Column("note", sa.String(2000), nullable=True),
        sa.UniqueConstraint(
            "revision_id", "round", "position", name="uq_procedure_approvals_position"
        ),
        sa.UniqueConstraint(
            "revision_id", "round", "approver_id", name="uq_procedure_approvals_approver"
        ),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('approved', 'rejected')",
            name="ck_procedure_approvals_decision",
        ),
    )
    op.create_table(
        "procedure_review_reminders",
        sa.Column(
            "document_id",
            sa.String(36),
            sa.ForeignKey(
                "procedure_documents.id", name="fk_procedure_review_reminders_document_id"
            ),
            primary_key=True,
        ),
        sa.Column("review_on", sa.Date, primary_key=True),
        _moment("reminded_at", nullable=False),
    )


def downgrade() -> None:
    op.drop_table("procedure_review_reminders")
    op.drop_table("procedure_approvals")
    op.drop_index("ix_procedure_revisions_status_effective_on", table_name="procedure_revisions")
    op.drop_index("uq_procedure_revisions_one_on_its_way", table_name="procedure_revisions")
    op.drop_table("procedure_revisions")
    op.drop_index("ix_procedure_documents_status_next_review_on", table_name="procedure_documents")
    op.drop_index("ix_procedure_documents_department", table_name="procedure_documents")
    op.drop_table("procedure_documents")
