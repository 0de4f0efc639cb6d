"""Rating codes: a ticket's `rating_code`, the requester's key to rating it in public
(行风评议), unique. Tickets already resolved get one now, so their requesters can still
rate them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RATING_CODE = "uq_tickets_rating_code"
# 128 random bits as 32 hex digits, made by the database in one statement: PostgreSQL's
# gen_random_uuid() reads its strong random source (122 random bits); SQLite, the
# development store, has randomblob().
NEW_CODE = {
    "postgresql": "replace(gen_random_uuid()::text, '-', '')",
    "sqlite": "lower(hex(randomblob(16)))",
}


def upgrade() -> None:
    with op.batch_alter_table("tickets") as tickets:
        tickets.add_column(sa.Column("rating_code", sa.String(32), nullable=True))
    op.create_index(RATING_CODE, "tickets", ["rating_code"], unique=True)
    new_code = NEW_CODE[op.get_bind().dialect.name]
    op.execute(f"UPDATE tickets SET rating_code = {new_code} WHERE resolved_at IS NOT NULL")


def downgrade() -> None:
    op.drop_index(RATING_CODE, table_name="tickets")
    with op.batch_alter_table("tickets") as tickets:
        tickets.drop_column("rating_code")
