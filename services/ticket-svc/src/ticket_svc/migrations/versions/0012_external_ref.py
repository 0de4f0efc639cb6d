"""Another system's own reference for a request it filed (`external_ref`, the 12345
hotline's case number), once per requester unit.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as tickets:
        tickets.add_column(sa.Column("external_ref", sa.String(64), nullable=True))
    op.create_index(
        "uq_tickets_requester_unit_id_external_ref",
        "tickets",
        ["requester_unit_id", "external_ref"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_tickets_requester_unit_id_external_ref", table_name="tickets")
    with op.batch_alter_table("tickets") as tickets:
        tickets.drop_column("external_ref")
