"""The procedure register as a spreadsheet (受控文件清单): a caption line, then one row per
document, in the list's order and with the list's filters, Chinese headers and labels.

- 现行版本: the number of the revision in force (empty before one is).
- 状态: 草稿（未生效） for a document never in force, 现行有效, 已废止.
- 评审逾期: 是 for a document in force whose review date has passed (the bureau's today).

Every text passes the shared spreadsheet guards (guanjia_shared.spreadsheets): a title
that looks like a formula stays text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from guanjia_shared.spreadsheets import workbook_bytes
from ledger_svc.quality.models import (
    DocumentKind,
    DocumentStatus,
    ProcedureDocument,
    review_overdue_on,
)

HEADERS = (
    "编号",
    "名称",
    "类别",
    "归口处室",
    "责任人",
    "所属过程",
    "依据",
    "状态",
    "现行版本",
    "生效日期",
    "下次评审日期",
    "评审逾期",
    "向服务单位公开",
)

STATUS_LABELS = {
    DocumentStatus.draft: "草稿（未生效）",
    DocumentStatus.effective: "现行有效",
    DocumentStatus.abolished: "已废止",
}


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def register_row(document: ProcedureDocument, today: dt.date) -> tuple[Any, ...]:
    return (
        document.code,
        document.title,
        DocumentKind(document.kind).label,
        document.department,
        document.owner_id,
        document.process,
        document.legal_basis,
        STATUS_LABELS[DocumentStatus(document.status)],
        document.effective_revision,
        _day(document.effective_on),
        _day(document.next_review_on),
        "是" if review_overdue_on(document, today) else "否",
        "是" if document.published_to_units else "否",
    )


def register_workbook(documents: Sequence[ProcedureDocument], *, today: dt.date) -> bytes:
    return workbook_bytes(
        "受控文件清单",
        HEADERS,
        (register_row(document, today) for document in documents),
        caption=f"程序文件登记册（截至 {today.isoformat()}，共 {len(documents)} 件）",
    )
