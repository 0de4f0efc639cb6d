"""The compliance report as a spreadsheet, in the words the bureau's staff read."""

from __future__ import annotations

from datetime import date

from asset_svc.compliance.models import UnitCompliance
from guanjia_shared.spreadsheets import workbook_bytes

HEADERS = (
    "单位名称",
    "单位级别",
    "实有人数",
    "人员构成",
    "核定办公室面积（㎡）",
    "办公室用房面积（㎡）",
    "差额（㎡）",
    "状态",
    "超标面积（㎡）",
    "服务用房面积（㎡）",
    "设备用房面积（㎡）",
    "附属用房面积（㎡）",
    "办公用房合计（㎡）",
)


def _staffing_text(unit: UnitCompliance) -> str:
    return "；".join(
        f"{line.label}{line.headcount}人" for line in unit.headcount_by_rank if line.headcount
    )


def compliance_workbook(rows: list[UnitCompliance], *, as_of: date) -> bytes:
    return workbook_bytes(
        f"办公用房使用情况 {as_of.isoformat()}",
        HEADERS,
        (
            (
                unit.unit_name,
                unit.level.label,
                unit.total_headcount,
                _staffing_text(unit),
                unit.standard_area,
                unit.actual_area,
                unit.difference,
                unit.status.label,
                unit.excess,
                unit.area_by_class.service,
                unit.area_by_class.equipment,
                unit.area_by_class.ancillary,
                unit.office_space_area,
            )
            for unit in rows
        ),
    )
