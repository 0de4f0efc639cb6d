"""Voice calls: the first rule, an emergency task to its assignee, calls the person's mobile
when the SMS could not be sent, before 企业微信 and email — unless the admin has changed
the rule's channels since it was seeded.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EMERGENCY_TASK_RULE = "6d1f0a52-3c1e-4c55-9d0e-000000000001"
SEEDED = ["mobile", "wecom", "email"]
WITH_VOICE = ["mobile", "voice", "wecom", "email"]
RULES = sa.table("message_rules", sa.column("id", sa.String), sa.column("channels", sa.JSON))


def _replace_channels(before: list[str], after: list[str]) -> None:
    bind = op.get_bind()
    channels = bind.execute(
        sa.select(RULES.c.channels).where(RULES.c.id == EMERGENCY_TASK_RULE)
    ).scalar_one_or_none()
    if channels == before:
        bind.execute(RULES.update().where(RULES.c.id == EMERGENCY_TASK_RULE).values(channels=after))


def upgrade() -> None:
    _replace_channels(SEEDED, WITH_VOICE)


def downgrade() -> None:
    _replace_channels(WITH_VOICE, SEEDED)
