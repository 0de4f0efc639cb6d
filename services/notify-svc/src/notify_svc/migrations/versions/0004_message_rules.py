"""Message rules, as data the admin keeps, with the bureau's first ones; messages gain the
rule that made them, a console link, and when an inbox message was read.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TICKET_LINK = "/tickets/{id}"


def _rule(rule_id: str, name: str, event_type: str, **fields) -> dict:
    return {
        "id": rule_id,
        "name": name,
        "event_type": event_type,
        "conditions": [],
        "link": None,
        "urgent": False,
        "enabled": True,
        "version": 1,
        "updated_by": "migration 0004",
        **fields,
    }


# The examples, as the bureau would start: the duty person hears of an emergency task
# at once, whatever the hour or their preferences; a ticket's clock is told to whoever it is
# escalated to; an item's owner hears when it goes wrong. The admin changes them at will.
FIRST_RULES = [
    _rule(
        "6d1f0a52-3c1e-4c55-9d0e-000000000001",
        "应急任务指派：告知承担人",
        "emergency.task.assigned",
        recipients=[{"field": "assignee"}],
        channels=["mobile", "wecom", "email"],
        topic="emergency.task",
        urgent=True,
        subject="应急任务：{incident_title}",
        text="【管家】{incident_title}（{incident_level}级响应）指派您：{action}。"
        "完成时限 {due_at}，请尽快在管家平台确认接收。",
        link="/emergency/incidents/{incident_id}",
    ),
    _rule(
        "6d1f0a52-3c1e-4c55-9d0e-000000000002",
        "工单临期预警：告知承办人",
        "ticket.ticket.sla_warning",
        conditions=[{"field": "escalated_to", "one_of": ["owner"]}],
        recipients=[{"field": "owner"}],
        channels=["wecom", "mobile"],
        topic="ticket.escalation",
        subject="工单临期：{title}",
        text="【管家】您承办的工单「{title}」临近办理时限，请尽快处理。",
        link=TICKET_LINK,
    ),
    _rule(
        "6d1f0a52-3c1e-4c55-9d0e-000000000003",
        "工单临期预警：告知部门负责人（无人承办时）",
        "ticket.ticket.sla_warning",
        conditions=[{"field": "escalated_to", "one_of": ["dept_head"]}],
        recipients=[{"role": "dept_head", "department_field": "department"}],
        channels=["wecom", "mobile"],
        topic="ticket.escalation",
        subject="工单临期：{title}",
        text="【管家】{department}的工单「{title}」临近办理时限且尚无人承办，请安排办理。",
        link=TICKET_LINK,
    ),
    _rule(
        "6d1f0a52-3c1e-4c55-9d0e-000000000004",
        "工单超时：告知部门负责人",
        "ticket.ticket.sla_breached",
        conditions=[{"field": "escalated_to", "one_of": ["dept_head"]}],
        recipients=[{"role": "dept_head", "department_field": "department"}],
        channels=["wecom", "mobile"],
        topic="ticket.escalation",
        subject="工单超时：{title}",
        text="【管家】{department}的工单「{title}」已超过办理时限，请督促办理。",
        link=TICKET_LINK,
    ),
    _rule(
        "6d1f0a52-3c1e-4c55-9d0e-000000000005",
        "工单升级督办：告知分管领导",
        "ticket.ticket.escalated",
        conditions=[{"field": "escalated_to", "one_of": ["leader"]}],
        recipients=[{"role": "leader"}],
        channels=["wecom", "mobile"],
        topic="ticket.escalation",
        subject="工单升级督办：{title}",
        text="【管家】{department}的工单「{title}」超时未办结，已升级至分管领导督办。",
        link=TICKET_LINK,
    ),
    _rule(
        "6d1f0a52-3c1e-4c55-9d0e-000000000006",
        "台账事项异常：告知责任人",
        "ledger.item.exception_raised",
        recipients=[{"field": "owner_id"}],
        channels=["wecom", "email"],
        topic="ledger.exception",
        subject="台账事项异常：{title}",
        text="【管家】您负责的台账事项「{title}」出现异常，完成时限 {deadline}，"
        "当前进度 {progress}%，请及时处理并报送进展。",
        link="/ledger/items/{item_id}",
    ),
]


def upgrade() -> None:
    rules = op.create_table(
        "message_rules",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("conditions", sa.JSON, nullable=False),
        sa.Column("recipients", sa.JSON, nullable=False),
        sa.Column("channels", sa.JSON, nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("text", sa.String(1000), nullable=False),
        sa.Column("link", sa.String(300), nullable=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_message_rules_event_type", "message_rules", ["event_type"])
    moment = datetime.now(UTC)
    op.bulk_insert(
        rules, [{**rule, "created_at": moment, "updated_at": moment} for rule in FIRST_RULES]
    )

    with op.batch_alter_table("messages") as table:
        table.add_column(sa.Column("rule_id", sa.String(36), nullable=True))
        table.add_column(sa.Column("link", sa.String(500), nullable=True))
        table.add_column(sa.Column("read_at", sa.DateTime(timezone=True), nullable=True))
    # The inbox's two questions: a person's messages, newest first; how many are unread.
    op.create_index(
        "ix_messages_inbox", "messages", ["recipient_id", "channel", "read_at", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_messages_inbox", table_name="messages")
    with op.batch_alter_table("messages") as table:
        table.drop_column("read_at")
        table.drop_column("link")
        table.drop_column("rule_id")
    op.drop_index("ix_message_rules_event_type", table_name="message_rules")
    op.drop_table("message_rules")
