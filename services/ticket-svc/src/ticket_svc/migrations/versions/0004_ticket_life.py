"""The ticket's whole life: requester, commitment version, owner, SLA clocks,
confirmation, its event history, coordination sub-tasks and the SLA alerts raised. Joins
the calendar and commitment-version branches.

Revision ID: 0004
Revises: 0002, 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = ("0002", "0003")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, length: int, default: str = "") -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=False, server_default=default)


def _moment(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def _number(name: str, default: int = 0) -> sa.Column:
    return sa.Column(name, sa.Integer, nullable=False, server_default=sa.text(str(default)))


def _flag(name: str, default: bool) -> sa.Column:
    return sa.Column(
        name, sa.Boolean, nullable=False, server_default=sa.true() if default else sa.false()
    )


def _new_ticket_columns() -> list[sa.Column]:
    # Built afresh on each call: a Column belongs to one table once added.
    return [
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        _text("channel", 32, "phone"),
        _text("requester_name", 100),
        sa.Column("requester_phone", sa.String(32), nullable=True),
        sa.Column("building_id", sa.String(36), nullable=True),
        sa.Column("room_id", sa.String(36), nullable=True),
        sa.Column("commitment_id", sa.String(36), nullable=True),
        _text("commitment_code", 64),
        _number("commitment_version", 1),
        _text("department", 100),
        sa.Column("calendar_id", sa.String(36), nullable=True),
        _number("response_budget_seconds"),
        _number("resolve_budget_seconds"),
        _text("owner", 36),
        _moment("responded_at"),
        _moment("resolved_at"),
        _moment("closed_at"),
        _moment("response_warn_at"),
        _moment("response_due_at"),
        sa.Column("response_working_seconds", sa.Integer, nullable=True),
        _moment("resolve_warn_at"),
        _moment("resolve_due_at"),
        _flag("resolve_running", True),
        _number("resolve_working_seconds"),
        sa.Column("waiting_reason", sa.String(500), nullable=True),
        sa.Column("response_wall_seconds", sa.Integer, nullable=True),
        sa.Column("resolve_wall_seconds", sa.Integer, nullable=True),
        _moment("confirm_due_at"),
        sa.Column("satisfied", sa.Boolean, nullable=True),
        sa.Column("rating", sa.Integer, nullable=True),
        sa.Column("confirm_comment", sa.String(1000), nullable=True),
        _flag("auto_confirmed", False),
        _number("reopen_count"),
        _number("dissatisfied_reopens"),
        sa.Column("sla_met", sa.Boolean, nullable=True),
        _moment("next_check_at"),
        _number("revision", 1),
    ]


TICKET_INDEXES = {
    "ix_tickets_status": ["status"],
    "ix_tickets_commitment_code": ["commitment_code"],
    "ix_tickets_department": ["department"],
    "ix_tickets_owner": ["owner"],
    "ix_tickets_created_at": ["created_at"],
    "ix_tickets_next_check_at": ["next_check_at"],
}


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        for column in _new_ticket_columns():
            batch.add_column(column)
    # A ticket of the first slice is owned by whoever received it.
    op.execute("UPDATE tickets SET owner = first_receiver")
    for name, columns in TICKET_INDEXES.items():
        op.create_index(name, "tickets", columns)
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "ticket_id",
            sa.String(36),
            sa.ForeignKey("tickets.id", name="fk_ticket_events_ticket_id"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(36), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index("ix_ticket_events_ticket_id", "ticket_events", ["ticket_id"])
    op.create_table(
        "coordinations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "ticket_id",
            sa.String(36),
            sa.ForeignKey("tickets.id", name="fk_coordinations_ticket_id"),
            nullable=False,
        ),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("note", sa.String(2000), nullable=False),
        sa.Column("requested_by", sa.String(36), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(36), nullable=True),
        sa.Column("result", sa.String(2000), nullable=True),
    )
    op.create_index("ix_coordinations_ticket_id", "coordinations", ["ticket_id"])
    op.create_index("ix_coordinations_department_status", "coordinations", ["department", "status"])
    op.create_table(
        "ticket_alerts",
        sa.Column(
            "ticket_id",
            sa.String(36),
            sa.ForeignKey("tickets.id", name="fk_ticket_alerts_ticket_id"),
            primary_key=True,
        ),
        sa.Column("clock", sa.String(16), primary_key=True),
        sa.Column("target_id", sa.String(36), primary_key=True),
        sa.Column("threshold", sa.String(16), primary_key=True),
        sa.Column("reached_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalated_to", sa.String(16), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ticket_alerts")
    op.drop_table("coordinations")
    op.drop_table("ticket_events")
    for name in TICKET_INDEXES:
        op.drop_index(name, table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        for column in reversed(_new_ticket_columns()):
            batch.drop_column(column.name)
