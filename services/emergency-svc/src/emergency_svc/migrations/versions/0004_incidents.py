"""Incidents, their reports upward and append-only timeline, their tasks, and who is
unavailable.

A task's key (incident, level, step, holder) keeps an incident to exactly the planned
tasks; `next_check_at` on tasks and reports is the response timers' one indexed query.

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEVELS = "('I', 'II', 'III', 'IV')"


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("level", sa.String(4), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("warning_colour", sa.String(16), nullable=True),
        sa.Column("external_ref", sa.String(100), nullable=True),
        sa.Column("title", sa.String(220), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("building_id", sa.String(64), nullable=True),
        sa.Column("location", sa.String(500), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("plan_id", sa.String(36), nullable=True),
        sa.Column("plan_code", sa.String(64), nullable=True),
        sa.Column("plan_version", sa.Integer, nullable=True),
        sa.Column("reported_by", sa.String(36), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("commander_id", sa.String(36), nullable=True),
        sa.Column("commander_department", sa.String(100), nullable=True),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(36), nullable=True),
        sa.Column("summary", sa.Text, nullable=True),
        sa.Column("follow_ups", sa.JSON, nullable=True),
        sa.Column("is_drill", sa.Boolean, nullable=False),
        sa.Column("drill_id", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_incidents"),
        sa.CheckConstraint(f"level IN {LEVELS}", name="ck_incidents_level"),
        sa.CheckConstraint("mode IN ('assist', 'lead')", name="ck_incidents_mode"),
        sa.CheckConstraint(
            "mode <> 'assist' OR external_ref IS NOT NULL", name="ck_incidents_assist_has_ref"
        ),
        sa.CheckConstraint(
            "warning_colour IS NULL OR warning_colour IN ('blue', 'yellow', 'orange', 'red')",
            name="ck_incidents_warning_colour",
        ),
        sa.CheckConstraint(
            "status IN ('reported', 'active', 'closed')", name="ck_incidents_status"
        ),
    )
    op.create_index("ix_incidents_status_reported_at", "incidents", ["status", "reported_at"])
    op.create_index("ix_incidents_type", "incidents", ["type"])

    op.create_table(
        "incident_reports",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("incident_id", sa.String(36), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("level", sa.String(4), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.String(36), nullable=True),
        sa.Column("content", sa.Text, nullable=True),
        sa.Column("overdue_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_incident_reports"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_incident_reports_incident_id"
        ),
        sa.UniqueConstraint("incident_id", "number", name="uq_incident_reports_number"),
        sa.CheckConstraint(
            "(number = 0 AND kind = 'initial') OR (number > 0 AND kind = 'follow_up')",
            name="ck_incident_reports_kind",
        ),
    )
    op.create_index("ix_incident_reports_next_check_at", "incident_reports", ["next_check_at"])

    op.create_table(
        "incident_timeline",
        sa.Column("seq", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("incident_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(36), nullable=True),
        sa.Column("task_id", sa.String(36), nullable=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_incident_timeline"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_incident_timeline_incident_id"
        ),
    )
    op.create_index(
        "ix_incident_timeline_incident_id_seq", "incident_timeline", ["incident_id", "seq"]
    )

    op.create_table(
        "tasks",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("incident_id", sa.String(36), nullable=False),
        sa.Column("level", sa.String(4), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("role_title", sa.String(100), nullable=False),
        sa.Column("holder", sa.String(36), nullable=False),
        sa.Column("assignee", sa.String(36), nullable=True),
        sa.Column("deputy", sa.String(36), nullable=True),
        sa.Column("assigned_because", sa.String(40), nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("within_minutes", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ack_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("escalated", sa.Boolean, nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(36), nullable=True),
        sa.Column("note", sa.String(2000), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_drill", sa.Boolean, nullable=False),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_tasks"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name="fk_tasks_incident_id"),
        sa.UniqueConstraint("incident_id", "level", "step", "holder", name="uq_tasks_planned_slot"),
        sa.CheckConstraint(f"level IN {LEVELS}", name="ck_tasks_level"),
        sa.CheckConstraint(
            "status IN ('unassigned', 'assigned', 'acknowledged', 'completed', 'cancelled')",
            name="ck_tasks_status",
        ),
        # Nobody on an unassigned task, somebody on one being done; a cancelled one either.
        sa.CheckConstraint(
            "(status = 'unassigned' AND assignee IS NULL) OR status = 'cancelled'"
            " OR (status IN ('assigned', 'acknowledged', 'completed') AND assignee IS NOT NULL)",
            name="ck_tasks_assignee_by_status",
        ),
    )
    op.create_index("ix_tasks_next_check_at", "tasks", ["next_check_at"])
    op.create_index("ix_tasks_assignee_status", "tasks", ["assignee", "status"])

    op.create_table(
        "unavailability",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("unavailable_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("marked_by", sa.String(36), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_unavailability"),
    )


def downgrade() -> None:
    op.drop_table("unavailability")
    op.drop_index("ix_tasks_assignee_status", table_name="tasks")
    op.drop_index("ix_tasks_next_check_at", table_name="tasks")
    op.drop_table("tasks")
    op.drop_index("ix_incident_timeline_incident_id_seq", table_name="incident_timeline")
    op.drop_table("incident_timeline")
    op.drop_index("ix_incident_reports_next_check_at", table_name="incident_reports")
    op.drop_table("incident_reports")
    op.drop_index("ix_incidents_type", table_name="incidents")
    op.drop_index("ix_incidents_status_reported_at", table_name="incidents")
    op.drop_table("incidents")
