"""A first rule for renovations: a request beyond the 修缮管理办法 (over the cost cap per m²,
or too soon after the last renovation), which only a leader may approve, is told to the
leaders when it is made — asset-svc's `asset.renovation.requested` now names the rules it
goes beyond.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RULE_ID = "6d1f0a52-3c1e-4c55-9d0e-000000000007"
RULES = sa.table(
    "message_rules",
    sa.column("id", sa.String),
    sa.column("name", sa.String),
    sa.column("event_type", sa.String),
    sa.column("conditions", sa.JSON),
    sa.column("recipients", sa.JSON),
    sa.column("channels", sa.JSON),
    sa.column("topic", sa.String),
    sa.column("urgent", sa.Boolean),
    sa.column("digest", sa.Boolean),
    sa.column("subject", sa.String),
    sa.column("text", sa.String),
    sa.column("link", sa.String),
    sa.column("enabled", sa.Boolean),
    sa.column("version", sa.Integer),
    sa.column("updated_by", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    moment = datetime.now(UTC)
    op.bulk_insert(
        RULES,
        [
            {
                "id": RULE_ID,
                "name": "修缮申请超出标准：告知局领导",
                "event_type": "asset.renovation.requested",
                "conditions": [{"field": "rules_needing_a_leader", "present": True}],
                "recipients": [{"role": "leader"}],
                "channels": ["wecom", "email"],
                "topic": "asset.renovation",
                "urgent": False,
                "digest": False,
                "subject": "修缮申请待领导审批：{title}",
                "text": "【管家】修缮申请「{title}」预计费用 {estimated_cost} 元，"
                "超出修缮管理办法的标准（单位面积费用上限或修缮间隔），须由局领导审批。",
                "link": "/assets/renovations/{id}",
                "enabled": True,
                "version": 1,
                "updated_by": "migration 0006",
                "created_at": moment,
                "updated_at": moment,
            }
        ],
    )


def downgrade() -> None:
    op.execute(RULES.delete().where(RULES.c.id == RULE_ID))
