"""Public ratings (行风评议): the `ratings` table, one rating per ticket at most, and the
indexes the summary, the per-address limit and the moderation queue read.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RATING_INDEXES = {
    "ix_ratings_department_created_at": ["department", "created_at"],
    "ix_ratings_address_hash_created_at": ["address_hash", "created_at"],
    "ix_ratings_moderation_created_at": ["moderation", "created_at"],
}


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("comment", sa.String(1000), nullable=True),
        sa.Column(
            "ticket_id",
            sa.String(36),
            sa.ForeignKey("tickets.id", name="fk_ratings_ticket_id"),
            nullable=True,
        ),
        sa.Column("address_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moderation", sa.String(16), nullable=True),
        sa.Column("moderation_reason", sa.String(1000), nullable=True),
        sa.Column("moderated_by", sa.String(36), nullable=True),
        sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="ck_ratings_score"),
    )
    # NULLs are distinct in a unique index on SQLite and PostgreSQL alike: ratings without a
    # ticket are many, a ticket's rating is one.
    op.create_index("uq_ratings_ticket_id", "ratings", ["ticket_id"], unique=True)
    for name, columns in RATING_INDEXES.items():
        op.create_index(name, "ratings", columns)


def downgrade() -> None:
    for name in RATING_INDEXES:
        op.drop_index(name, table_name="ratings")
    op.drop_index("uq_ratings_ticket_id", table_name="ratings")
    op.drop_table("ratings")
