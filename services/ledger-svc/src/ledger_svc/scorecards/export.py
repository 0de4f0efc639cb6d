"""The scorecards as a spreadsheet, in the words the bureau's staff read."""

from __future__ import annotations

from guanjia_shared.spreadsheets import workbook_bytes
from ledger_svc.scorecards.models import Scorecard

HEADERS = (
    "处室",
    "年度",
    "台账事项完成数",
    "按时完成数",
    "按时完成率（%）",
    "工单办结数",
    "承诺时限达标数",
    "承诺时限达标率（%）",
    "超时次数",
    "平均评价",
    "评价数",
    "奖励",
    "处罚",
    "免责",
    "奖惩分值",
    "参加演练次数",
)


def scorecards_workbook(rows: list[Scorecard], *, year: int) -> bytes:
    return workbook_bytes(
        f"年度考核 {year}",
        HEADERS,
        (
            (
                row.department,
                row.year,
                row.items_completed,
                row.items_on_time,
                row.on_time_rate_percent,
                row.tickets_closed,
                row.tickets_sla_met,
                row.sla_compliance_percent,
                row.sla_breaches,
                row.mean_rating,
                row.ratings,
                row.accountability.rewards,
                row.accountability.penalties,
                row.accountability.exempted,
                row.accountability.points,
                row.drills,
            )
            for row in rows
        ),
    )
