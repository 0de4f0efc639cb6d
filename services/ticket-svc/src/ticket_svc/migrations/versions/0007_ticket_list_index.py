"""An index for a department's ticket list by status, newest first: the page is read
backwards along it and the total counted from it alone, where the single-column indexes
left PostgreSQL sorting a department's whole status (a million tickets: 1 s a page).
Merges the ratings and accountability branches.

Revision ID: 0007
Revises: 0005, 0006
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = ("0005", "0006")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_tickets_department_status_created_at"


def upgrade() -> None:
    op.create_index(NAME, "tickets", ["department", "status", "created_at"])


def downgrade() -> None:
    op.drop_index(NAME, table_name="tickets")
