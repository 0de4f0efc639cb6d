"""A plan's ledger as a spreadsheet, laid out as the bureau keeps such ledgers on paper
(大项工作台账): a title line, then one row per item in tree order.

- 序号: the item's place in the tree, `1`, `1.1`, `1.1.2`: depth first, siblings by deadline,
  then by when they were made.
- 目标任务: the title, and the target after it when there is one that says more.
- 项目分解, 质量要求: as written.
- 完成时限: the deadline in force, and the first one when a leader moved it:
  `2026-12-31（原定 2026-12-15）`.
- 责任人: the owner (a gateway user id; the ledger has no names) with the department.
- 进展（%）: the progress, rolled up for parents, as a number.
- 状态: 已完成 when done; 逾期 when the deadline has passed (the bureau's today) and it is
  not done; 进行中 otherwise.

Two queries whatever the plan's size (the plan, then all of its items); no row cap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.bureau_time import bureau_today
from guanjia_shared.spreadsheets import workbook_bytes
from ledger_svc.items.models import Item, ItemStatus
from ledger_svc.plans.models import Plan
from ledger_svc.plans.service import get_plan

HEADERS = (
    "序号",
    "目标任务",
    "项目分解",
    "完成时限",
    "质量要求",
    "责任人",
    "进展（%）",
    "状态",
)


class LedgerStatus(StrEnum):
    in_progress = "in_progress"
    done = "done"
    overdue = "overdue"

    @property
    def label(self) -> str:
        return {"in_progress": "进行中", "done": "已完成", "overdue": "逾期"}[self.value]


def status_on(item: Item, today: dt.date) -> LedgerStatus:
    if item.status == ItemStatus.done:
        return LedgerStatus.done
    if today > item.deadline:
        return LedgerStatus.overdue
    return LedgerStatus.in_progress


def in_tree_order(items: Sequence[Item]) -> Iterator[tuple[str, Item]]:
    """Each item with its number, depth first; siblings by deadline, then creation."""
    children: dict[str | None, list[Item]] = {}
    ids = {item.id for item in items}
    for item in items:
        # Parents are always in the same plan; a missing one would only make a root.
        parent = item.parent_id if item.parent_id in ids else None
        children.setdefault(parent, []).append(item)
    for siblings in children.values():
        siblings.sort(key=lambda item: (item.deadline, item.created_at, item.id))

    def numbered(prefix: str, siblings: list[Item]) -> list[tuple[str, Item]]:
        return [(f"{prefix}{place}", item) for place, item in enumerate(siblings, 1)]

    # An explicit stack (popped from the end, so pushed in reverse): no recursion limit.
    stack = numbered("", children.get(None, []))[::-1]
    while stack:
        number, item = stack.pop()
        yield number, item
        stack.extend(numbered(f"{number}.", children.get(item.id, []))[::-1])


def ledger_row(number: str, item: Item, today: dt.date) -> tuple[Any, ...]:
    target = item.target.strip()
    task = f"{item.title}：{target}" if target and target != item.title else item.title
    deadline = item.deadline.isoformat()
    if item.original_deadline != item.deadline:
        deadline += f"（原定 {item.original_deadline.isoformat()}）"
    return (
        number,
        task,
        item.breakdown or None,  # an empty cell, not an empty string
        deadline,
        item.quality_requirement or None,
        f"{item.owner_id}（{item.department}）",
        round(item.progress, 1),
        status_on(item, today).label,
    )


def ledger_workbook(plan: Plan, items: Sequence[Item], *, today: dt.date) -> bytes:
    return workbook_bytes(
        "大项工作台账",
        HEADERS,
        (ledger_row(number, item, today) for number, item in in_tree_order(items)),
        caption=f"{plan.year}年度大项工作台账：{plan.title}（截至 {today.isoformat()}）",
    )


async def plan_ledger_spreadsheet(*, session: AsyncSession, plan_id: str) -> tuple[str, bytes]:
    """The plan's whole ledger as an .xlsx file: its file name and content."""
    plan = await get_plan(session=session, plan_id=plan_id)
    items = (await session.execute(select(Item).where(Item.plan_id == plan.id))).scalars().all()
    today = bureau_today()
    return f"ledger-{plan.year}-{plan.id}.xlsx", ledger_workbook(plan, items, today=today)
