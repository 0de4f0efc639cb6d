"""Nonconformities and their corrective actions as a spreadsheet (纠正措施台账, CAPA): a
sheet of the nonconformities, one row each in the list's order and with its filters, and a
sheet of their corrective actions, each with its ledger item as it stands. Chinese headers
and labels; every text passes the shared spreadsheet guards (guanjia_shared.spreadsheets),
so a description or evidence that looks like a formula stays text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from guanjia_shared.bureau_time import bureau_date
from guanjia_shared.spreadsheets import Sheet, sheets_workbook_bytes
from ledger_svc.nonconformities.models import (
    ActionRead,
    Nonconformity,
    Source,
    Stage,
    Trigger,
)

NONCONFORMITY_HEADERS = (
    "编号",
    "来源",
    "程序文件",
    "责任处室",
    "不符合事实",
    "阶段",
    "自动触发原因",
    "服务承诺",
    "开启日期",
    "遏制措施",
    "根本原因",
    "其他地方类似情况",
    "纠正措施（项）",
    "已完成（项）",
    "验证日期",
    "有效性",
    "验证证据",
    "关闭日期",
)
ACTION_HEADERS = (
    "不符合项编号",
    "程序文件",
    "纠正措施",
    "责任人",
    "责任处室",
    "完成时限",
    "进度（%）",
    "状态",
    "完成日期",
    "台账事项编号",
)


def _day(moment: dt.datetime | None) -> str | None:
    return bureau_date(moment).isoformat() if moment is not None else None


def _effective(value: bool | None) -> str | None:
    return None if value is None else ("有效" if value else "无效")


def _similar(nonconformity: Nonconformity) -> str | None:
    if nonconformity.similar_elsewhere is None:
        return None
    return nonconformity.similar_cases if nonconformity.similar_elsewhere else "无"


def nonconformity_row(nonconformity: Nonconformity, actions: Sequence[ActionRead]) -> tuple:
    return (
        nonconformity.id,
        Source(nonconformity.source).label,
        nonconformity.procedure_code,
        nonconformity.department,
        nonconformity.description,
        Stage(nonconformity.stage).label,
        Trigger(nonconformity.trigger).label if nonconformity.trigger else None,
        nonconformity.commitment_code,
        _day(nonconformity.opened_at),
        nonconformity.containment,
        nonconformity.root_cause,
        _similar(nonconformity),
        len(actions),
        sum(1 for action in actions if action.status == "done"),
        _day(nonconformity.verified_at),
        _effective(nonconformity.effective),
        nonconformity.evidence,
        _day(nonconformity.closed_at),
    )


def action_row(nonconformity: Nonconformity, action: ActionRead) -> tuple[Any, ...]:
    return (
        nonconformity.id,
        nonconformity.procedure_code,
        action.title,
        action.owner_id,
        action.department,
        action.deadline.isoformat(),
        round(action.progress, 1),
        "已完成" if action.status == "done" else "进行中",
        _day(action.completed_at),
        action.item_id,
    )


def capa_workbook(
    nonconformities: Sequence[Nonconformity],
    actions: Mapping[str, Sequence[ActionRead]],
    *,
    today: dt.date,
) -> bytes:
    closed = sum(1 for n in nonconformities if n.stage == Stage.closed)
    return sheets_workbook_bytes(
        [
            Sheet(
                "不符合项",
                NONCONFORMITY_HEADERS,
                [nonconformity_row(n, actions[n.id]) for n in nonconformities],
                caption=(
                    f"不符合项与纠正措施台账（截至 {today.isoformat()}，共 "
                    f"{len(nonconformities)} 项，已关闭 {closed} 项）"
                ),
            ),
            Sheet(
                "纠正措施",
                ACTION_HEADERS,
                [action_row(n, action) for n in nonconformities for action in actions[n.id]],
            ),
        ]
    )
