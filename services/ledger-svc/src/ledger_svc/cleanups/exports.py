"""A clean-up's result list as a spreadsheet (制度清理结果), as the bureau reports one: a
caption line (the campaign, its scope, how many decided), then one row per document, by
department then code, with the list's filters.

- 清理前状态: the document at the opening (现行有效, or 草稿（未生效） never in force).
- 清理结论: 确认, 废止, 修订, 补充, or 未决定.
- 修订稿: for revise and supplement, the revision number the decision opened (第 n 版), or
  the one already on its way it carries on with (第 n 版（沿用在办修订稿）).
- 文件现状: the document in the register now.

Every text passes the shared spreadsheet guards (guanjia_shared.spreadsheets): a rationale
typed as "=cmd|…" stays text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from guanjia_shared.bureau_time import BUREAU_TIMEZONE
from guanjia_shared.spreadsheets import workbook_bytes
from ledger_svc.cleanups.models import Cleanup, CleanupStatus, LineRead
from ledger_svc.quality.exports import STATUS_LABELS
from ledger_svc.quality.models import DocumentKind

HEADERS = (
    "序号",
    "编号",
    "名称",
    "类别",
    "归口处室",
    "清理前状态",
    "清理结论",
    "理由",
    "责任人",
    "完成时限",
    "修订稿",
    "决定人",
    "决定时间",
    "文件现状",
)
UNDECIDED = "未决定"


def _revision(line: LineRead) -> str | None:
    decision = line.decision
    if decision is None or decision.revision_number is None:
        return None
    text = f"第 {decision.revision_number} 版"
    return f"{text}（沿用在办修订稿）" if decision.revision_reused else text


def _moment(value: dt.datetime) -> str:
    return value.astimezone(BUREAU_TIMEZONE).strftime("%Y-%m-%d %H:%M")


def cleanup_row(number: int, line: LineRead) -> tuple[Any, ...]:
    decision = line.decision
    return (
        number,
        line.code,
        line.title,
        DocumentKind(line.kind).label,
        line.department,
        STATUS_LABELS[line.status_at_opening],
        decision.decision.label if decision else UNDECIDED,
        decision.rationale if decision else None,
        decision.owner_id if decision else None,
        decision.deadline.isoformat() if decision else None,
        _revision(line),
        decision.decided_by if decision else None,
        _moment(decision.decided_at) if decision else None,
        STATUS_LABELS[line.document_status],
    )


def _scope(cleanup: Cleanup) -> str:
    departments = "、".join(cleanup.departments) or "全部处室"
    kinds = "、".join(DocumentKind(kind).label for kind in cleanup.kinds) or "全部类别"
    return f"{departments}；{kinds}"


def cleanup_workbook(cleanup: Cleanup, lines: Sequence[LineRead], *, today: dt.date) -> bytes:
    decided = sum(line.decision is not None for line in lines)
    status = CleanupStatus(cleanup.status).label
    return workbook_bytes(
        "制度清理结果",
        HEADERS,
        (cleanup_row(number, line) for number, line in enumerate(lines, start=1)),
        caption=(
            f"制度清理：{cleanup.name}（{_scope(cleanup)}；{status}；"
            f"已决定 {decided}/{len(lines)}；截至 {today.isoformat()}）"
        ),
    )
