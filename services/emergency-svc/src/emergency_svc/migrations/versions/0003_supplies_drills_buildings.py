"""Supplies (catalogue, stock, movements, reservations), drills and trainings, and the
replica of asset-svc's buildings with the building ids still to be confirmed.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The item codes the plans' safeguards use, with their names and units.
SEEDED_ITEMS = (
    ("fire_extinguisher", "灭火器", "具"),
    ("sandbag", "沙袋", "袋"),
    ("generator", "发电机", "台"),
    ("flashlight", "手电筒", "支"),
    ("first_aid_kit", "急救包", "个"),
    ("drinking_water", "饮用水", "箱"),
    ("raincoat", "雨衣", "件"),
    ("snow_shovel", "雪铲", "把"),
    ("disinfectant", "消毒液", "升"),
    ("mask", "口罩", "个"),
    ("anti_slip_mat", "防滑垫", "块"),
    ("crowd_barrier", "隔离护栏", "组"),
    ("de_icing_salt", "融雪剂", "袋"),
    ("diesel_fuel", "柴油", "升"),
    ("emergency_light", "应急照明灯", "盏"),
    ("explosion_proof_flashlight", "防爆手电", "支"),
    ("fire_blanket", "灭火毯", "条"),
    ("gas_detector", "可燃气体检测仪", "台"),
    ("gloves", "防护手套", "副"),
    ("instant_food", "方便食品", "箱"),
    ("lift_release_key", "电梯三角钥匙", "把"),
    ("megaphone", "扩音器", "个"),
    ("pipe_repair_kit", "管道抢修工具包", "套"),
    ("protective_suit", "防护服", "套"),
    ("rubber_boots", "雨靴", "双"),
    ("sample_box", "留样箱", "个"),
    ("smoke_hood", "防烟面罩", "个"),
    ("spare_network_switch", "备用网络交换机", "台"),
    ("stab_resistant_vest", "防刺背心", "件"),
    ("stretcher", "担架", "副"),
    ("tent", "帐篷", "顶"),
    ("thermometer", "体温计", "支"),
    ("ups_battery", "UPS电池组", "组"),
    ("water_pump", "抽水泵", "台"),
    ("water_storage_tank", "储水罐", "个"),
)


def _moment(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    # --- buildings replica -----------------------------------------------------------
    op.create_table(
        "building_replica",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("owner_unit_id", sa.String(36), nullable=True),
        sa.Column("use", sa.String(32), nullable=True),
        sa.Column("disposed", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        _moment("replicated_at"),
    )
    op.create_index("ix_building_replica_owner_unit_id", "building_replica", ["owner_unit_id"])
    op.create_table(
        "pending_building_checks",
        sa.Column("building_id", sa.String(64), primary_key=True),
        _moment("first_referenced_at"),
        _moment("last_referenced_at"),
        sa.Column("reference_count", sa.Integer, nullable=False),
        sa.Column("last_referenced_by", sa.String(200), nullable=True),
    )

    # --- supplies --------------------------------------------------------------------
    supply_items = op.create_table(
        "supply_items",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        _moment("created_at"),
    )
    seeded_at = datetime(2026, 11, 27, tzinfo=UTC)
    op.bulk_insert(
        supply_items,
        [
            {"code": code, "name": name, "unit": unit, "created_at": seeded_at}
            for code, name, unit in SEEDED_ITEMS
        ],
    )
    op.create_table(
        "supply_stocks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("building_id", sa.String(64), nullable=True),
        sa.Column(
            "item_code",
            sa.String(64),
            sa.ForeignKey("supply_items.code", name="fk_supply_stocks_item_code"),
            nullable=False,
        ),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("minimum", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        _moment("created_at"),
        _moment("updated_at"),
        sa.UniqueConstraint("location", "item_code", name="uq_supply_stocks_location_item_code"),
        sa.CheckConstraint("quantity >= 0", name="ck_supply_stocks_quantity"),
        sa.CheckConstraint("minimum >= 0", name="ck_supply_stocks_minimum"),
    )
    op.create_index("ix_supply_stocks_item_code", "supply_stocks", ["item_code"])
    op.create_table(
        "supply_movements",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "stock_id",
            sa.String(36),
            sa.ForeignKey("supply_stocks.id", name="fk_supply_movements_stock_id"),
            nullable=False,
        ),
        sa.Column("stock_version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("change", sa.Integer, nullable=False),
        sa.Column("quantity_after", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("incident_id", sa.String(64), nullable=True),
        sa.Column("actor_id", sa.String(64), nullable=False),
        _moment("recorded_at"),
        sa.UniqueConstraint("stock_id", "stock_version", name="uq_supply_movements_stock_version"),
    )
    op.create_table(
        "supply_reservations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("incident_id", sa.String(64), nullable=False),
        sa.Column("item_code", sa.String(64), nullable=False),
        sa.Column(
            "stock_id",
            sa.String(36),
            sa.ForeignKey("supply_stocks.id", name="fk_supply_reservations_stock_id"),
            nullable=True,
        ),
        sa.Column("location", sa.String(200), nullable=True),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("issued_quantity", sa.Integer, nullable=False),
        sa.Column("is_drill", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _moment("reserved_at"),
        _moment("released_at", nullable=True),
        sa.Column("released_by", sa.String(64), nullable=True),
        sa.CheckConstraint("quantity > 0", name="ck_supply_reservations_quantity"),
        sa.CheckConstraint(
            "issued_quantity >= 0 AND issued_quantity <= quantity",
            name="ck_supply_reservations_issued_quantity",
        ),
    )
    op.create_index("ix_supply_reservations_incident_id", "supply_reservations", ["incident_id"])
    op.create_index(
        "ix_supply_reservations_stock_id_status", "supply_reservations", ["stock_id", "status"]
    )

    # --- drills and trainings --------------------------------------------------------
    op.create_table(
        "drills",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("scenario", sa.String(2000), nullable=False),
        _moment("scheduled_at"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("injects", sa.JSON, nullable=False),
        sa.Column("participants", sa.JSON, nullable=True),
        sa.Column("score", sa.Numeric(5, 2), nullable=True),
        _moment("held_at", nullable=True),
        sa.Column("year", sa.Integer, nullable=True),
        _moment("recorded_at", nullable=True),
        sa.Column("recorded_by", sa.String(64), nullable=True),
        _moment("created_at"),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("score >= 0 AND score <= 100", name="ck_drills_score"),
    )
    op.create_index("ix_drills_plan_id_held_at", "drills", ["plan_id", "held_at"])
    op.create_index("ix_drills_scheduled_at", "drills", ["scheduled_at"])
    op.create_table(
        "drill_findings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "drill_id",
            sa.String(36),
            sa.ForeignKey("drills.id", name="fk_drill_findings_drill_id"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("finding", sa.String(2000), nullable=False),
        sa.Column("evaluator", sa.String(100), nullable=True),
        sa.Column("severity", sa.String(16), nullable=True),
        sa.Column("department", sa.String(100), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        _moment("recorded_at"),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.UniqueConstraint("drill_id", "position", name="uq_drill_findings_drill_id_position"),
    )
    op.create_table(
        "trainings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("plan_id", sa.String(36), nullable=True),
        _moment("scheduled_at"),
        sa.Column("due_by", sa.Date, nullable=False),
        sa.Column("audience_departments", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("participants", sa.JSON, nullable=True),
        _moment("held_at", nullable=True),
        _moment("recorded_at", nullable=True),
        sa.Column("recorded_by", sa.String(64), nullable=True),
        _moment("created_at"),
        sa.Column("created_by", sa.String(64), nullable=False),
    )
    op.create_index("ix_trainings_status_due_by", "trainings", ["status", "due_by"])
    op.create_index("ix_trainings_plan_id", "trainings", ["plan_id"])


def downgrade() -> None:
    op.drop_index("ix_trainings_plan_id", table_name="trainings")
    op.drop_index("ix_trainings_status_due_by", table_name="trainings")
    op.drop_table("trainings")
    op.drop_table("drill_findings")
    op.drop_index("ix_drills_scheduled_at", table_name="drills")
    op.drop_index("ix_drills_plan_id_held_at", table_name="drills")
    op.drop_table("drills")
    op.drop_index("ix_supply_reservations_stock_id_status", table_name="supply_reservations")
    op.drop_index("ix_supply_reservations_incident_id", table_name="supply_reservations")
    op.drop_table("supply_reservations")
    op.drop_table("supply_movements")
    op.drop_index("ix_supply_stocks_item_code", table_name="supply_stocks")
    op.drop_table("supply_stocks")
    op.drop_table("supply_items")
    op.drop_table("pending_building_checks")
    op.drop_index("ix_building_replica_owner_unit_id", table_name="building_replica")
    op.drop_table("building_replica")
