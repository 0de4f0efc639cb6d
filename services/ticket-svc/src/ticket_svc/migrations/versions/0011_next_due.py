"""The next open deadline on each ticket (`next_due_at`), so that an owner's or a
department's list can be read soonest deadline first (sort=due) along an index: the
response's deadline until responded, then the resolution's; none while waiting on the
requester or once resolved. Existing tickets get theirs from the clocks already kept.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_tickets_owner_next_due_at_id": ["owner", "next_due_at", "id"],
    "ix_tickets_department_next_due_at_id": ["department", "next_due_at", "id"],
}


def upgrade() -> None:
    with op.batch_alter_table("tickets") as tickets:
        tickets.add_column(sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE tickets SET next_due_at = CASE"
        " WHEN status IN ('waiting_requester', 'resolved', 'closed') THEN NULL"
        " WHEN responded_at IS NULL THEN response_due_at"
        " ELSE resolve_due_at END"
    )
    for name, columns in INDEXES.items():
        op.create_index(name, "tickets", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="tickets")
    with op.batch_alter_table("tickets") as tickets:
        tickets.drop_column("next_due_at")
