"""The ticket reports as spreadsheets: the same rows and columns as the JSON, every row (no
cap). Each header gives the bureau's words and, after a space, the JSON field's name, so a
column reads in Excel and maps back to the API without a dictionary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import BaseModel

from guanjia_shared.spreadsheets import workbook_bytes
from ticket_svc.reports.models import CommitmentRow, DepartmentRow

FIGURE_COLUMNS = (
    ("受理工单数", "tickets"),
    ("已办结数", "resolved"),
    ("按时办结数", "sla_met"),
    ("按时办结率（%）", "sla_compliance_percent"),
    ("超时工单数", "breached"),
    ("平均响应时长·工作时间（分钟）", "response_working_mean_minutes"),
    ("P90响应时长·工作时间（分钟）", "response_working_p90_minutes"),
    ("平均响应时长·自然时间（分钟）", "response_wall_mean_minutes"),
    ("P90响应时长·自然时间（分钟）", "response_wall_p90_minutes"),
    ("平均办结时长·工作时间（分钟）", "resolution_working_mean_minutes"),
    ("P90办结时长·工作时间（分钟）", "resolution_working_p90_minutes"),
    ("平均办结时长·自然时间（分钟）", "resolution_wall_mean_minutes"),
    ("P90办结时长·自然时间（分钟）", "resolution_wall_p90_minutes"),
    ("未结工单数", "backlog"),
    ("未结平均时长（小时）", "backlog_mean_age_hours"),
    ("未结最长时长（小时）", "backlog_max_age_hours"),
    ("重办工单数", "reopened"),
    ("重办率（%）", "reopen_rate_percent"),
    ("不满意重办次数", "dissatisfied_reopens"),
    ("评价数", "ratings"),
    ("平均评分", "mean_rating"),
)
DEPARTMENT_COLUMNS = (
    ("部门", "department"),
    *FIGURE_COLUMNS,
    ("协办超时数", "late_coordinations"),
    ("计入超时合计", "breaches_charged"),
    ("行风评议数", "public_ratings"),
    ("行风评议平均分", "public_mean_rating"),
)
COMMITMENT_COLUMNS = (
    ("承诺事项编码", "commitment_code"),
    ("承诺事项", "commitment_name"),
    ("部门", "department"),
    *FIGURE_COLUMNS,
)


def _caption(first: dt.date | None, last: dt.date | None, as_of: dt.datetime) -> str:
    span = f"{first.isoformat() if first else '不限'} 至 {last.isoformat() if last else '不限'}"
    moment = as_of.isoformat(timespec="minutes")
    return f"受理日期 {span}（北京时间，含首尾两日）；统计时点 {moment}"


def _workbook(
    title: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[BaseModel],
    caption: str,
) -> bytes:
    return workbook_bytes(
        title,
        [f"{label} {field}" for label, field in columns],
        ([getattr(row, field) for _, field in columns] for row in rows),
        caption=caption,
    )


def departments_workbook(
    rows: Sequence[DepartmentRow],
    *,
    first: dt.date | None,
    last: dt.date | None,
    as_of: dt.datetime,
) -> bytes:
    return _workbook("工单统计（按部门）", DEPARTMENT_COLUMNS, rows, _caption(first, last, as_of))


def commitments_workbook(
    rows: Sequence[CommitmentRow],
    *,
    first: dt.date | None,
    last: dt.date | None,
    as_of: dt.datetime,
) -> bytes:
    return _workbook(
        "工单统计（按承诺事项）", COMMITMENT_COLUMNS, rows, _caption(first, last, as_of)
    )
