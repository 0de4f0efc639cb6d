"""Campaigns (主题活动): the campaigns, their activities, participants and results.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _moment(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("theme", sa.String(200), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("description", sa.String(2000), nullable=True),
        sa.Column("summary", sa.String(4000), nullable=True),
        _moment("closed_at", nullable=True),
        sa.Column("closed_by", sa.String(64), nullable=True),
        _moment("created_at"),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name="ck_campaigns_dates"),
    )
    op.create_index("ix_campaigns_year", "campaigns", ["year"])
    op.create_table(
        "campaign_activities",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "campaign_id",
            sa.String(36),
            sa.ForeignKey("campaigns.id", name="fk_campaign_activities_campaign_id"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("description", sa.String(2000), nullable=True),
        _moment("created_at"),
        sa.Column("created_by", sa.String(64), nullable=False),
    )
    op.create_index("ix_campaign_activities_campaign_id", "campaign_activities", ["campaign_id"])
    op.create_table(
        "campaign_participants",
        sa.Column(
            "activity_id",
            sa.String(36),
            sa.ForeignKey("campaign_activities.id", name="fk_campaign_participants_activity_id"),
            primary_key=True,
        ),
        sa.Column("department", sa.String(100), primary_key=True),
        sa.Column("people", sa.Integer, nullable=False),
        sa.CheckConstraint("people >= 1", name="ck_campaign_participants_people"),
    )
    op.create_table(
        "campaign_results",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("activity_id", sa.String(36), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("rank", sa.Integer, nullable=True),
        sa.Column("score", sa.Numeric(7, 2), nullable=True),
        sa.Column("award", sa.String(100), nullable=True),
        sa.Column("note", sa.String(1000), nullable=True),
        _moment("recorded_at"),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        # A result goes only to a department that took part in the activity.
        sa.ForeignKeyConstraint(
            ["activity_id", "department"],
            ["campaign_participants.activity_id", "campaign_participants.department"],
            name="fk_campaign_results_participant",
        ),
    )
    op.create_index(
        "ix_campaign_results_activity_id_department",
        "campaign_results",
        ["activity_id", "department"],
    )


def downgrade() -> None:
    op.drop_index("ix_campaign_results_activity_id_department", table_name="campaign_results")
    op.drop_table("campaign_results")
    op.drop_table("campaign_participants")
    op.drop_index("ix_campaign_activities_campaign_id", table_name="campaign_activities")
    op.drop_table("campaign_activities")
    op.drop_index("ix_campaigns_year", table_name="campaigns")
    op.drop_table("campaigns")
