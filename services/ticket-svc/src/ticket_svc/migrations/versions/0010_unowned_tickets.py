"""Unowned tickets: a request filed by a unit's own staff waits, with no first receiver
and no owner, until an agent of the commitment's department takes it. `first_receiver`
and `owner` become nullable.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as tickets:
        tickets.alter_column("first_receiver", existing_type=sa.String(36), nullable=True)
        tickets.alter_column(
            "owner", existing_type=sa.String(36), nullable=True, server_default=None
        )


def downgrade() -> None:
    # Before this revision every ticket had someone: an untaken one is left with nobody
    # named (""), as an empty owner was written then.
    op.execute("UPDATE tickets SET first_receiver = '' WHERE first_receiver IS NULL")
    op.execute("UPDATE tickets SET owner = '' WHERE owner IS NULL")
    with op.batch_alter_table("tickets") as tickets:
        tickets.alter_column("first_receiver", existing_type=sa.String(36), nullable=False)
        tickets.alter_column(
            "owner", existing_type=sa.String(36), nullable=False, server_default=""
        )
