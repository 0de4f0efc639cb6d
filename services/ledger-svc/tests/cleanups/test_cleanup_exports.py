"""The spreadsheets: a campaign's result list and the register itself, Chinese headers and
labels, and text that looks like a formula kept as text."""

import pytest

from guanjia_shared.spreadsheets import XLSX_MEDIA_TYPE
from guanjia_shared.testing.spreadsheets import (
    FORMULA_LINK,
    FORMULA_TEXTS,
    assert_text_only,
    workbook_cells,
)

from ..quality.quality_helpers import DOCUMENTS, register
from .cleanup_helpers import CLEANUPS, decided, in_force, line_of, open_cleanup

pytestmark = pytest.mark.on_day("2026-03-02T10:00:00+08:00")

DDE = "=cmd|' /C calc'!A0"


def rows_of(content):
    cells = workbook_cells(content)
    by_row = {}
    for cell in cells:
        by_row.setdefault(cell.row, []).append(cell.value)
    return [by_row[number] for number in sorted(by_row)]


async def test_the_result_list_is_a_spreadsheet_with_hostile_text_kept_as_text(
    client, leader, head, drafter, owner
):
    await in_force(client, drafter, head, head, code="GJ-CW-001", title=FORMULA_LINK)
    revised = await in_force(client, drafter, head, head, code="GJ-CW-002", title="会议费管理办法")
    await in_force(client, drafter, head, head, code="GJ-CW-003", title="-1+1")
    cleanup = await open_cleanup(client, leader, name="2026年财务制度清理", departments=["财务处"])
    await decided(
        client,
        leader,
        cleanup,
        await line_of(client, leader, cleanup, "GJ-CW-001"),
        owner,
        "abolish",
        rationale=DDE,
    )
    await decided(
        client,
        leader,
        cleanup,
        await line_of(client, leader, cleanup, "GJ-CW-002"),
        owner,
        "revise",
        rationale="@SUM(1,1)",
        deadline="2026-05-31",
    )

    answer = await client.get(
        f"{CLEANUPS}/{cleanup['id']}/lines", params={"format": "xlsx"}, headers=head.headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == XLSX_MEDIA_TYPE
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="procedure-cleanup-{cleanup["id"]}.xlsx"'
    )
    assert_text_only(answer.content, FORMULA_LINK, DDE, "@SUM(1,1)", "-1+1")
    caption, headers, *rows = rows_of(answer.content)
    assert caption[0] == (
        "制度清理：2026年财务制度清理（财务处；全部类别；进行中；已决定 2/3；截至 2026-03-02）"
    )
    assert headers == [
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
    ]
    assert rows[0] == [
        1,
        "GJ-CW-001",
        FORMULA_LINK,
        "办事流程",
        "财务处",
        "现行有效",
        "废止",
        DDE,
        owner.id,
        "2026-06-30",
        None,
        leader.id,
        "2026-03-02 10:00",
        "已废止",
    ]
    assert rows[1][5:11] == ["现行有效", "修订", "@SUM(1,1)", owner.id, "2026-05-31", "第 2 版"]
    assert rows[2][6:] == ["未决定", None, None, None, None, None, None, "现行有效"]
    assert revised["code"] == rows[1][1]


async def test_the_register_is_a_spreadsheet_of_what_its_list_answers(
    client, leader, head, drafter
):
    await in_force(client, drafter, head, head, code="GJ-CW-001", title=FORMULA_TEXTS[1])
    await in_force(
        client,
        drafter,
        leader,
        head,
        code="GJ-CW-002",
        kind="regulation",
        next_review_on="2026-03-01",
        effective_on="2026-02-01",
    )
    await register(client, drafter, head, code="GJ-CW-003")  # never in force: not listed

    answer = await client.get(DOCUMENTS, params={"format": "xlsx"}, headers=head.headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"] == (
        'attachment; filename="procedure-register-2026-03-02.xlsx"'
    )
    assert_text_only(answer.content, FORMULA_TEXTS[1])
    caption, headers, *rows = rows_of(answer.content)
    assert caption[0] == "程序文件登记册（截至 2026-03-02，共 2 件）"
    assert headers == [
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
    ]
    assert [row[0] for row in rows] == ["GJ-CW-001", "GJ-CW-002"]
    assert rows[1] == [
        "GJ-CW-002",
        "差旅费报销办理流程",
        "规章制度",
        "财务处",
        head.id,
        "财务管理",
        "《党政机关厉行节约反对浪费条例》",
        "现行有效",
        1,
        "2026-02-01",
        "2026-03-01",
        "是",
        "否",
    ]
    # The list's filters hold: the drafts, as the draft list shows them.
    drafts = await client.get(
        DOCUMENTS, params={"format": "xlsx", "status": "draft"}, headers=head.headers
    )
    assert [row[0] for row in rows_of(drafts.content)[2:]] == ["GJ-CW-003"]
    assert rows_of(drafts.content)[2][7] == "草稿（未生效）"
