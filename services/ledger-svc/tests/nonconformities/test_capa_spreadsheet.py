"""The CAPA spreadsheet (纠正措施台账): every nonconformity the caller may read, with the
list's filters, and a sheet of their corrective actions; text that looks like a formula
stays text."""

from io import BytesIO

from openpyxl import load_workbook

from guanjia_shared.testing.spreadsheets import FORMULA_LINK, assert_text_only

from .nonconformity_helpers import (
    NONCONFORMITIES,
    PROPERTY,
    add_action,
    analyse,
    contain,
    finish,
    open_one,
    register_document,
)


async def spreadsheet(client, who, **params):
    answer = await client.get(
        NONCONFORMITIES, params={"format": "xlsx", **params}, headers=who.headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert answer.headers["content-disposition"].startswith('attachment; filename="capa-')
    return answer.content


def sheets(content):
    workbook = load_workbook(BytesIO(content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook
    }


async def test_the_nonconformities_and_their_actions_as_a_spreadsheet(
    client, admin, quality, head, clerk
):
    await register_document(client, admin)
    opened = await open_one(client, quality)
    await contain(client, head, opened)
    await analyse(client, head, opened)
    action = (await add_action(client, head, clerk, opened)).json()
    await finish(client, clerk, action)
    await add_action(client, head, clerk, opened, title="培训审核人员")

    book = sheets(await spreadsheet(client, quality))

    caption, headers, row = book["不符合项"]
    assert caption[0].startswith("不符合项与纠正措施台账") and "共 1 项，已关闭 0 项" in caption[0]
    assert headers[:6] == ["编号", "来源", "程序文件", "责任处室", "不符合事实", "阶段"]
    named = dict(zip(headers, row, strict=True))
    assert (named["编号"], named["来源"], named["阶段"]) == (opened["id"], "内审发现", "纠正措施")
    assert (named["纠正措施（项）"], named["已完成（项）"]) == (2, 1)
    assert named["遏制措施"] == "退回 3 份报销单补签" and named["其他地方类似情况"] == "无"
    action_headers, *actions = book["纠正措施"]
    rows = [dict(zip(action_headers, each, strict=True)) for each in actions]
    assert [(r["纠正措施"], r["状态"]) for r in rows] == [
        ("报销系统增加分管领导审批节点", "已完成"),
        ("培训审核人员", "进行中"),
    ]
    assert rows[0]["台账事项编号"] == action["item_id"] and rows[0]["完成日期"] == "2026-03-20"


async def test_the_spreadsheet_holds_what_the_caller_may_read(client, admin, quality, other_head):
    await register_document(client, admin)
    await open_one(client, quality)
    book = sheets(await spreadsheet(client, other_head))
    assert len(book["不符合项"]) == 2  # the caption and the headers: another department's
    assert len(book["纠正措施"]) == 1


async def test_the_spreadsheet_takes_the_lists_filters(client, admin, quality):
    await register_document(client, admin)
    await register_document(client, admin, code="GJ-WY-001", department=PROPERTY)
    await open_one(client, quality)
    await open_one(client, quality, procedure_code="GJ-WY-001", department=PROPERTY)
    book = sheets(await spreadsheet(client, quality, department=PROPERTY))
    [_, _, row] = book["不符合项"]
    assert row[2] == "GJ-WY-001"


async def test_formula_like_text_stays_text(client, admin, quality, head):
    await register_document(client, admin)
    opened = await open_one(client, quality, description=FORMULA_LINK)
    await contain(client, head, opened)
    assert_text_only(await spreadsheet(client, quality), FORMULA_LINK)
