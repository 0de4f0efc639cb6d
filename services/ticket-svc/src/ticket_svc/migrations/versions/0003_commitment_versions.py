"""Commitments kept in versions: a `version` on each commitment and the
`commitment_versions` table holding every version's terms.

Each existing commitment gets its terms carried over as version 1 (creator unknown).

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TERMS = ("name", "category", "department", "response_minutes", "resolve_hours", "calendar_id")


def upgrade() -> None:
    with op.batch_alter_table("commitments") as batch:
        batch.add_column(
            sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1"))
        )
    op.create_table(
        "commitment_versions",
        sa.Column(
            "commitment_id",
            sa.String(36),
            sa.ForeignKey("commitments.id", name="fk_commitment_versions_commitment_id"),
            primary_key=True,
        ),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("response_minutes", sa.Integer, nullable=False),
        sa.Column("resolve_hours", sa.Integer, nullable=False),
        sa.Column("calendar_id", sa.String(36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
    )
    _carry_over_current_terms()


def _carry_over_current_terms() -> None:
    commitments = sa.table("commitments", sa.column("id"), *(sa.column(t) for t in TERMS))
    versions = sa.table(
        "commitment_versions",
        sa.column("commitment_id"),
        sa.column("version"),
        sa.column("created_at", UtcDateTime()),
        sa.column("created_by"),
        *(sa.column(t) for t in TERMS),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(commitments)).mappings().all()
    if rows:
        moment = now()
        bind.execute(
            versions.insert(),
            [
                {
                    "commitment_id": row["id"],
                    "version": 1,
                    "created_at": moment,
                    "created_by": None,
                    **{t: row[t] for t in TERMS},
                }
                for row in rows
            ],
        )


def downgrade() -> None:
    # The commitments keep their current terms; the earlier versions go with the table.
    op.drop_table("commitment_versions")
    with op.batch_alter_table("commitments") as batch:
        batch.drop_column("version")
