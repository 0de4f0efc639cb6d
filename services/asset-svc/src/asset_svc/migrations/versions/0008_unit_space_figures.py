"""Each unit's space figures kept beside its last status: the usable area of its office
rooms and the headcount by rank of its latest staffing record, so that today's city-wide
compliance report reads a row per unit instead of summing a million rooms (docs/
benchmarks.md, "Cockpit"). Filled here for every unit holding an office room or staffed,
the area summed as a unit's own answer sums it: its rooms in (building, number) order.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OFFICE_AREAS = sa.text(
    "SELECT occupant_unit_id, usable_area FROM rooms"
    " WHERE occupant_unit_id IS NOT NULL AND disposed IS false AND kind = 'office'"
    " ORDER BY occupant_unit_id, building_id, number"
)
LATEST_HEADCOUNTS = sa.text(
    "SELECT records.unit_id, staffing_headcounts.rank, staffing_headcounts.headcount"
    " FROM (SELECT id, unit_id, row_number() OVER (PARTITION BY unit_id ORDER BY id DESC)"
    " AS latest FROM staffing_records) AS records"
    " JOIN staffing_headcounts ON staffing_headcounts.record_id = records.id"
    " WHERE records.latest = 1"
)


def upgrade() -> None:
    with op.batch_alter_table("unit_space_statuses") as table:
        table.add_column(sa.Column("office_area", sa.Float, nullable=False, server_default="0"))
        table.add_column(sa.Column("headcounts", sa.JSON, nullable=False, server_default="{}"))
    connection = op.get_bind()
    areas: dict[str, float] = {}
    for unit_id, area in connection.execute(OFFICE_AREAS):
        areas[unit_id] = areas.get(unit_id, 0.0) + area
    headcounts: dict[str, dict[str, int]] = {}
    for unit_id, rank, headcount in connection.execute(LATEST_HEADCOUNTS):
        headcounts.setdefault(unit_id, {})[rank] = headcount
    known = {
        unit_id
        for (unit_id,) in connection.execute(sa.text("SELECT unit_id FROM unit_space_statuses"))
    }
    statuses = sa.table(
        "unit_space_statuses",
        sa.column("unit_id"),
        sa.column("status"),
        sa.column("checked_at", UtcDateTime),
        sa.column("office_area"),
        sa.column("headcounts", sa.JSON),
    )
    for unit_id in sorted(areas.keys() | headcounts.keys()):
        figures = {
            "office_area": round(areas.get(unit_id, 0.0), 2),
            "headcounts": headcounts.get(unit_id, {}),
        }
        if unit_id in known:
            connection.execute(
                statuses.update().where(statuses.c.unit_id == unit_id).values(**figures)
            )
        else:
            # Never checked: within, as a unit's first check assumes (the event is for the
            # move to over).
            connection.execute(
                statuses.insert().values(
                    unit_id=unit_id, status="within", checked_at=now(), **figures
                )
            )


def downgrade() -> None:
    with op.batch_alter_table("unit_space_statuses") as table:
        table.drop_column("headcounts")
        table.drop_column("office_area")
