"""A covering index of the rooms units hold today, by holder and kind with their area:
the city-wide compliance report sums a million rooms from it alone, already grouped (it
sorted them on disk before: 1.6 s).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_rooms_held_area"
HELD_ROOMS = "occupant_unit_id IS NOT NULL AND disposed IS false"


def upgrade() -> None:
    op.create_index(
        NAME,
        "rooms",
        ["occupant_unit_id", "kind", "usable_area"],
        postgresql_where=sa.text(HELD_ROOMS),
        sqlite_where=sa.text(HELD_ROOMS),
    )


def downgrade() -> None:
    op.drop_index(NAME, table_name="rooms")
