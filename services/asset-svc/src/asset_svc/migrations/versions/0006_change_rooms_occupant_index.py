"""An index on change_rooms.occupant_after: one unit's holdings on a past day are ranked
from the changes of the rooms it ever held, found through it, not from the whole register
(one unit's compliance as of a date read every room's history before).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_change_rooms_occupant_after", "change_rooms", ["occupant_after"])


def downgrade() -> None:
    op.drop_index("ix_change_rooms_occupant_after", table_name="change_rooms")
