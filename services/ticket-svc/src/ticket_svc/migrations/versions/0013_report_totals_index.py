"""The period's tickets counted along (created_at, status, sla_met): the report totals
(`GET reports/totals`, the leaders' cockpit) read only this index on PostgreSQL, never the
table (docs/benchmarks.md, "Cockpit").

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_tickets_created_at_status_sla_met"


def upgrade() -> None:
    op.create_index(NAME, "tickets", ["created_at", "status", "sla_met"])


def downgrade() -> None:
    op.drop_index(NAME, table_name="tickets")
