"""Messages keep the channels left to fall back on and the digest they went out in; a rule
may hold its copies for the day's digest, as the ledger's exceptions now are.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEDGER_EXCEPTION_RULE = "6d1f0a52-3c1e-4c55-9d0e-000000000006"


def upgrade() -> None:
    with op.batch_alter_table("messages") as table:
        table.add_column(sa.Column("fallbacks", sa.JSON, nullable=False, server_default="[]"))
        table.add_column(sa.Column("digest_id", sa.String(36), nullable=True))
    with op.batch_alter_table("message_rules") as table:
        table.add_column(sa.Column("digest", sa.Boolean, nullable=False, server_default=sa.false()))
    # An item's owner hears of its exceptions once a day, together (issue 17's example).
    rules = sa.table("message_rules", sa.column("id"), sa.column("digest"), sa.column("version"))
    op.execute(
        rules.update()
        .where(rules.c.id == LEDGER_EXCEPTION_RULE, rules.c.version == 1)
        .values(digest=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("message_rules") as table:
        table.drop_column("digest")
    with op.batch_alter_table("messages") as table:
        table.drop_column("digest_id")
        table.drop_column("fallbacks")
