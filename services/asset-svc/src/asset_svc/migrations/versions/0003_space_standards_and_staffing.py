"""Space standards (seeded with the 2014 national standard), staffing and the last known
space status of each unit.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORD_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STANDARD_2014 = date(2014, 12, 1)
# 《党政机关办公用房建设标准》(发改投资〔2014〕2674号) 第十三条: usable office-room area per
# person (m²), head and deputy first, then down the ranks to the staff below them.
SEED_2014 = {
    "central": [
        ("head", "部级正职", 54),
        ("deputy", "部级副职", 42),
        ("bureau_director", "正司（局）级", 24),
        ("deputy_bureau_director", "副司（局）级", 18),
        ("division_director", "处级", 12),
        ("staff", "处级以下", 9),
    ],
    "provincial": [
        ("head", "省级正职", 54),
        ("deputy", "省级副职", 42),
        ("department_director", "正厅（局）级", 30),
        ("deputy_department_director", "副厅（局）级", 24),
        ("division_director", "正处级", 18),
        ("deputy_division_director", "副处级", 12),
        ("staff", "处级以下", 9),
    ],
    "municipal": [
        ("head", "市级正职", 42),
        ("deputy", "市级副职", 30),
        ("bureau_director", "正局（处）级", 24),
        ("deputy_bureau_director", "副局（处）级", 18),
        ("staff", "局（处）级以下", 9),
    ],
    "county": [
        ("head", "县级正职", 30),
        ("deputy", "县级副职", 24),
        ("section_chief", "正科级", 18),
        ("deputy_section_chief", "副科级", 12),
        ("staff", "科级以下", 9),
    ],
    # Not in the 2014 standard (provinces set township figures): the county table's
    # figures for the ranks township heads and deputies hold, 正科 and 副科.
    "township": [
        ("head", "乡（镇）级正职", 18),
        ("deputy", "乡（镇）级副职", 12),
        ("staff", "一般工作人员", 9),
    ],
}


def space_standard_rows(*, seeded_at: datetime) -> list[dict]:
    return [
        {
            "level": level,
            "rank": rank,
            "effective_from": STANDARD_2014,
            "label": label,
            "area_per_person": float(area),
            "recorded_at": seeded_at,
            "actor_id": None,
        }
        for level, ranks in SEED_2014.items()
        for rank, label, area in ranks
    ]


def upgrade() -> None:
    standards = op.create_table(
        "space_standards",
        sa.Column("level", sa.String(32), primary_key=True),
        sa.Column("rank", sa.String(64), primary_key=True),
        sa.Column("effective_from", sa.Date, primary_key=True),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("area_per_person", sa.Float, nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.Column("actor_id", sa.String(36), nullable=True),
    )
    op.bulk_insert(standards, space_standard_rows(seeded_at=now()))
    op.create_table(
        "staffing_records",
        sa.Column("id", RECORD_ID, primary_key=True, autoincrement=True),
        sa.Column("unit_id", sa.String(36), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.Column("actor_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_staffing_records_unit_id", "staffing_records", ["unit_id"])
    op.create_table(
        "staffing_headcounts",
        sa.Column("record_id", RECORD_ID, sa.ForeignKey("staffing_records.id"), primary_key=True),
        sa.Column("rank", sa.String(64), primary_key=True),
        sa.Column("headcount", sa.Integer, nullable=False),
    )
    op.create_table(
        "unit_space_statuses",
        sa.Column("unit_id", sa.String(36), sa.ForeignKey("units.id"), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("checked_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("unit_space_statuses")
    op.drop_table("staffing_headcounts")
    op.drop_index("ix_staffing_records_unit_id", table_name="staffing_records")
    op.drop_table("staffing_records")
    op.drop_table("space_standards")
