"""Read-and-acknowledge (acknowledgements/): each document's audience, the people ledger-svc
knows, and each person's acknowledgement of a revision in force (once: a unique
constraint); internal audits (audits/): the yearly programme, each audit with its team, the
departments it audits, its checklist (a snapshot of the register at its start) and its
findings.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDIT_STATUSES = "'planned', 'in_progress', 'reported', 'closed'"
FINDING_KINDS = "'conformity', 'nonconformity', 'observation', 'improvement'"


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
    op.create_table(
        "procedure_distributions",
        sa.Column("id", sa.String(36), primary_key=True),
        _reference("document_id", "procedure_distributions", "procedure_documents"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.String(100), nullable=False),
        sa.Column("revision_number", sa.Integer, nullable=False),
        _moment("distributed_at", nullable=False),
        sa.Column("distributed_by", sa.String(64), nullable=False),
        sa.UniqueConstraint(
            "document_id", "kind", "value", name="uq_procedure_distributions_target"
        ),
        sa.CheckConstraint(
            "kind IN ('role', 'department')", name="ck_procedure_distributions_kind"
        ),
    )
    op.create_index(
        "ix_procedure_distributions_kind_value", "procedure_distributions", ["kind", "value"]
    )
    op.create_table(
        "procedure_readers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("department", sa.String(100), nullable=True),
        sa.Column("roles", sa.JSON, nullable=False),
        _moment("first_seen_at", nullable=False),
        _moment("last_seen_at", nullable=False),
    )
    op.create_index("ix_procedure_readers_department", "procedure_readers", ["department"])
    op.create_table(
        "procedure_acknowledgements",
        sa.Column("id", sa.String(36), primary_key=True),
        _reference("document_id", "procedure_acknowledgements", "procedure_documents"),
        _reference("revision_id", "procedure_acknowledgements", "procedure_revisions"),
        sa.Column("revision_number", sa.Integer, nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("person_name", sa.String(200), nullable=False),
        sa.Column("department", sa.String(100), nullable=True),
        _moment("acknowledged_at", nullable=False),
        sa.UniqueConstraint(
            "revision_id", "person_id", name="uq_procedure_acknowledgements_person"
        ),
    )
    op.create_index(
        "ix_procedure_acknowledgements_document_id",
        "procedure_acknowledgements",
        ["document_id"],
    )
    op.create_table(
        "audit_programmes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("year", sa.Integer, nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        _moment("created_at", nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "audits",
        sa.Column("id", sa.String(36), primary_key=True),
        _reference("programme_id", "audits", "audit_programmes"),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("processes", sa.JSON, nullable=False),
        sa.Column("departments", sa.JSON, nullable=False),
        sa.Column("lead_auditor_id", sa.String(64), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("line_count", sa.Integer, nullable=False),
        _moment("planned_at", nullable=False),
        sa.Column("planned_by", sa.String(64), nullable=False),
        _moment("started_at"),
        sa.Column("started_by", sa.String(64), nullable=True),
        _moment("reported_at"),
        sa.Column("report", sa.Text, nullable=True),
        _moment("closed_at"),
        sa.Column("closed_by", sa.String(64), nullable=True),
        sa.Column("close_note", sa.String(2000), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint(f"status IN ({AUDIT_STATUSES})", name="ck_audits_status"),
        sa.CheckConstraint("ends_on >= starts_on", name="ck_audits_dates"),
    )
    op.create_index("ix_audits_programme_id", "audits", ["programme_id"])
    op.create_table(
        "audit_auditors",
        sa.Column("id", sa.String(36), primary_key=True),
        _reference("audit_id", "audit_auditors", "audits"),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("department", sa.String(100), nullable=True),
        sa.Column("lead", sa.Boolean, nullable=False),
        sa.UniqueConstraint("audit_id", "person_id", name="uq_audit_auditors_person"),
    )
    op.create_index("ix_audit_auditors_person_id", "audit_auditors", ["person_id"])
    op.create_table(
        "audit_departments",
        sa.Column("id", sa.String(36), primary_key=True),
        _reference("audit_id", "audit_departments", "audits"),
        sa.Column("department", sa.String(100), nullable=False),
        sa.UniqueConstraint("audit_id", "department", name="uq_audit_departments_department"),
    )
    op.create_index("ix_audit_departments_department", "audit_departments", ["department"])
    op.create_table(
        "audit_checklist_lines",
        sa.Column("id", sa.String(36), primary_key=True),
        _reference("audit_id", "audit_checklist_lines", "audits"),
        sa.Column("position", sa.Integer, nullable=False),
        _reference("document_id", "audit_checklist_lines", "procedure_documents"),
        sa.Column("code", sa.String(50), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("process", sa.String(100), nullable=True),
        sa.Column("revision_number", sa.Integer, nullable=False),
        sa.UniqueConstraint("audit_id", "document_id", name="uq_audit_checklist_lines_document"),
    )
    op.create_table(
        "audit_findings",
        sa.Column("id", sa.String(36), primary_key=True),
        _reference("audit_id", "audit_findings", "audits"),
        _reference("line_id", "audit_findings", "audit_checklist_lines", nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(8), nullable=True),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("department", sa.String(100), nullable=True),
        sa.Column("procedure_code", sa.String(50), nullable=True),
        _moment("recorded_at", nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.CheckConstraint(f"kind IN ({FINDING_KINDS})", name="ck_audit_findings_kind"),
        sa.CheckConstraint(
            "(kind = 'nonconformity' AND severity IN ('major', 'minor')) "
            "OR (kind <> 'nonconformity' AND severity IS NULL)",
            name="ck_audit_findings_severity",
        ),
    )
    op.create_index("ix_audit_findings_audit_id", "audit_findings", ["audit_id"])
    op.create_index("ix_audit_findings_line_id", "audit_findings", ["line_id"])


def downgrade() -> None:
    for table in (
        "audit_findings",
        "audit_checklist_lines",
        "audit_departments",
        "audit_auditors",
        "audits",
        "audit_programmes",
        "procedure_acknowledgements",
        "procedure_readers",
        "procedure_distributions",
    ):
        op.drop_table(table)
