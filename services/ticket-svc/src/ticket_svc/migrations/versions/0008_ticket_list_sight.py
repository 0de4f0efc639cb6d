"""Ticket lists read from indexes alone:
- a department's list by status keeps the id after created_at (newest first), so a page
  deep in it is found by an index-only scan and only its own rows are read;
- first_receiver is indexed, so an agent's or head's own tickets are counted and listed
  from indexes, beside their department's (see tickets/policy.py `sight_lines`).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEPARTMENT_STATUS = "ix_tickets_department_status_created_at"
DEPARTMENT_STATUS_PAGE = "ix_tickets_department_status_created_at_id"
FIRST_RECEIVER = "ix_tickets_first_receiver"


def upgrade() -> None:
    op.drop_index(DEPARTMENT_STATUS, table_name="tickets")
    op.create_index(
        DEPARTMENT_STATUS_PAGE,
        "tickets",
        ["department", "status", sa.text("created_at DESC"), "id"],
    )
    op.create_index(FIRST_RECEIVER, "tickets", ["first_receiver"])


def downgrade() -> None:
    op.drop_index(FIRST_RECEIVER, table_name="tickets")
    op.drop_index(DEPARTMENT_STATUS_PAGE, table_name="tickets")
    op.create_index(DEPARTMENT_STATUS, "tickets", ["department", "status", "created_at"])
