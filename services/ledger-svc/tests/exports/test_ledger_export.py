"""A plan's ledger as xlsx, in the paper layout: numbered in tree order, the deadline with
its baseline when moved, the status on the bureau's today; every item, in two queries."""

import uuid
from datetime import UTC, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, update

from guanjia_shared.clock import frozen_at
from guanjia_shared.spreadsheets import XLSX_MEDIA_TYPE
from guanjia_shared.testing.spreadsheets import FORMULA_LINK, FORMULA_TEXTS, assert_text_only
from guanjia_shared.testing.tokens import Person
from ledger_svc.exports.service import HEADERS, plan_ledger_spreadsheet
from ledger_svc.items.models import Item
from ledger_svc.plans.models import Plan

API = "/api/v1/ledger"


@pytest.fixture
def leader(token_mint):
    return Person(token_mint, "leader")


@pytest.fixture
def owner(token_mint):
    return Person(token_mint, "agent", department="综合处")


async def make_plan(client, leader, title="2026年工作要点"):
    made = await client.post(f"{API}/plans", json={"year": 2026, "title": title}, headers=leader)
    assert made.status_code == 201, made.text
    return made.json()


async def add(client, leader, plan, owner, title, deadline, parent=None, **more):
    body = {
        "title": title,
        "owner_id": owner.id,
        "department": "综合处",
        "starts_on": "2026-01-01",
        "deadline": deadline,
        "parent_id": parent["id"] if parent else None,
        **more,
    }
    answer = await client.post(f"{API}/plans/{plan['id']}/items", json=body, headers=leader.headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def report(client, owner, item, percent):
    answer = await client.post(
        f"{API}/items/{item['id']}/progress",
        json={"percent": percent, "note": "按计划推进"},
        headers=owner.headers,
    )
    assert answer.status_code == 201, answer.text


@pytest.fixture
async def nested_plan(client, leader, owner):
    """机关服务保障 (2) made before 节能降耗 (1), which is due first; under it 公务用车改革
    (made last, due first) and 办公用房清理, whose deadline a leader moved, with two parts
    due the same day, numbered in the order they were made."""
    plan = await make_plan(client, leader.headers)
    service = await add(
        client,
        leader,
        plan,
        owner,
        "机关服务保障",
        "2026-12-31",
        target="服务满意率95%以上",
        breakdown="分三个阶段推进",
        quality_requirement="达到省级示范标准",
    )
    offices = await add(
        client, leader, plan, owner, "办公用房清理", "2026-09-30", service, target="清理超标用房"
    )
    counted = await add(client, leader, plan, owner, "清点登记", "2026-08-31", offices)
    handed = await add(client, leader, plan, owner, "处置移交", "2026-08-31", offices)
    await add(client, leader, plan, owner, "公务用车改革", "2026-06-30", service)
    energy = await add(
        client,
        leader,
        plan,
        owner,
        "节能降耗",
        "2026-03-31",
        target="全年能耗下降2%",
        breakdown="分解到各楼宇",
        quality_requirement="符合节能标准",
    )
    await report(client, owner, energy, 100)
    await report(client, owner, counted, 100)
    await report(client, owner, handed, 50)
    moved = await client.post(
        f"{API}/items/{offices['id']}/deadline",
        json={"deadline": "2026-10-31", "reason": "处置审批延后"},
        headers=leader.headers,
    )
    assert moved.status_code == 200, moved.text
    return plan


async def export(client, plan, viewer, moment=None):
    url = f"{API}/plans/{plan['id']}/ledger.xlsx"
    if moment is None:
        answer = await client.get(url, headers=viewer.headers)
    else:
        with frozen_at(moment):
            answer = await client.get(url, headers=viewer.headers)
    assert answer.status_code == 200, answer.text
    return answer


def sheet_rows(answer):
    sheet = load_workbook(BytesIO(answer.content)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


async def test_a_plans_ledger_is_numbered_in_tree_order_with_the_paper_columns(
    client, leader, owner, nested_plan
):
    # 00:30 on 1 July in the bureau's zone: 公务用车改革, due 30 June, is overdue.
    answer = await export(client, nested_plan, leader, datetime(2026, 6, 30, 16, 30, tzinfo=UTC))
    assert answer.headers["content-type"] == XLSX_MEDIA_TYPE
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    assert answer.headers["content-disposition"].endswith('.xlsx"')

    caption, headers, *rows = sheet_rows(answer)
    assert caption[0] == "2026年度大项工作台账：2026年工作要点（截至 2026-07-01）"
    assert headers == HEADERS
    assert headers[:6] == ("序号", "目标任务", "项目分解", "完成时限", "质量要求", "责任人")
    person = f"{owner.id}（综合处）"
    assert rows == [
        (
            "1",
            "节能降耗：全年能耗下降2%",
            "分解到各楼宇",
            "2026-03-31",
            "符合节能标准",
            person,
            100,
            "已完成",
        ),
        (
            "2",
            "机关服务保障：服务满意率95%以上",
            "分三个阶段推进",
            "2026-12-31",
            "达到省级示范标准",
            person,
            37.5,
            "进行中",
        ),
        ("2.1", "公务用车改革", None, "2026-06-30", None, person, 0, "逾期"),
        (
            "2.2",
            "办公用房清理：清理超标用房",
            None,
            "2026-10-31（原定 2026-09-30）",
            None,
            person,
            75,
            "进行中",
        ),
        ("2.2.1", "清点登记", None, "2026-08-31", None, person, 100, "已完成"),
        ("2.2.2", "处置移交", None, "2026-08-31", None, person, 50, "进行中"),
    ]


async def test_an_item_is_overdue_only_once_its_deadline_day_has_passed_in_the_bureau(
    client, leader, nested_plan
):
    # 23:30 on 30 June in the bureau's zone: the deadline day itself is not overdue.
    on_the_day = sheet_rows(
        await export(client, nested_plan, leader, datetime(2026, 6, 30, 15, 30, tzinfo=UTC))
    )
    statuses = {row[0]: row[7] for row in on_the_day[2:]}
    assert statuses["2.1"] == "进行中"
    # Done items stay 已完成 long after their deadline; the rest become 逾期.
    year_after = sheet_rows(
        await export(client, nested_plan, leader, datetime(2027, 3, 1, tzinfo=UTC))
    )
    assert {row[0]: row[7] for row in year_after[2:]} == {
        "1": "已完成",
        "2": "逾期",
        "2.1": "逾期",
        "2.2": "逾期",
        "2.2.1": "已完成",
        "2.2.2": "逾期",
    }


async def test_every_item_is_exported_however_many_there_are(client, leader, owner):
    plan = await make_plan(client, leader.headers, title="大台账")
    expected = []
    for group in range(1, 6):
        root = await add(client, leader, plan, owner, f"第{group}组", "2026-12-31")
        expected.append((str(group), f"第{group}组"))
        for part in range(1, 25):
            title = f"第{group}组第{part:02d}项"
            await add(client, leader, plan, owner, title, "2026-12-31", root)
            expected.append((f"{group}.{part}", title))

    rows = sheet_rows(await export(client, plan, leader))[2:]
    assert len(rows) == 125
    assert [(row[0], row[1]) for row in rows] == expected


async def test_an_unknown_plan_is_not_found_and_only_the_ledgers_readers_export(
    client, leader, nested_plan, token_mint
):
    missing = await client.get(f"{API}/plans/{uuid.uuid4()}/ledger.xlsx", headers=leader.headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    url = f"{API}/plans/{nested_plan['id']}/ledger.xlsx"
    unit_staff = token_mint.headers("unit_staff", unit_id="u")
    assert (await client.get(url, headers=unit_staff)).status_code == 403
    assert (await client.get(url)).status_code == 401
    auditor = token_mint.headers("auditor")
    assert (await client.get(url, headers=auditor)).status_code == 200


async def test_the_export_reads_the_plan_and_its_items_in_two_queries_whatever_their_number(
    client, leader, owner, nested_plan, session_factory
):
    statements = []

    def count(*_):
        statements.append(1)

    async def queries_of_an_export():
        async with session_factory() as session:
            connection = await session.connection()  # its own set-up is not the export's
            engine = connection.engine
            statements.clear()
            event.listen(engine.sync_engine, "before_cursor_execute", count)
            try:
                await plan_ledger_spreadsheet(session=session, plan_id=nested_plan["id"])
            finally:
                event.remove(engine.sync_engine, "before_cursor_execute", count)
        return len(statements)

    assert await queries_of_an_export() == 2
    top = await add(client, leader, nested_plan, owner, "新增事项", "2026-12-31")
    parent = top
    for depth in range(10):
        parent = await add(client, leader, nested_plan, owner, f"第{depth}层", "2026-12-31", parent)
    assert await queries_of_an_export() == 2


# Issue 14: what a ledger item's author writes reaches a leader's workbook as text.


async def test_text_that_looks_like_a_formula_is_exported_as_text(client, leader, owner):
    plan = await make_plan(client, leader.headers)
    link, dde, minus, at = FORMULA_TEXTS
    await add(client, leader, plan, owner, link, "2026-06-30", breakdown=dde)
    await add(client, leader, plan, owner, at, "2026-07-31", quality_requirement=minus)
    answer = await export(client, plan, leader)
    assert_text_only(answer.content, *FORMULA_TEXTS)


async def test_a_control_character_in_a_plan_title_is_refused_at_the_door(client, leader):
    # Found by fuzzing: the plan was made (201), and its ledger.xlsx was then a 500.
    answer = await client.post(
        f"{API}/plans", json={"year": 2026, "title": "工作要点\u0001"}, headers=leader.headers
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["pointer"] == "#/title"


async def test_a_plan_and_item_stored_with_control_characters_still_export(
    client, leader, owner, session_factory
):
    # Rows written before the door refused control characters.
    plan = await make_plan(client, leader.headers)
    item = await add(client, leader, plan, owner, "节能降耗", "2026-06-30")
    async with session_factory() as session:
        await session.execute(
            update(Plan).where(Plan.id == plan["id"]).values(title="工作要点\u0001")
        )
        await session.execute(
            update(Item).where(Item.id == item["id"]).values(title=f"\u0007{FORMULA_LINK}")
        )
        await session.commit()
    answer = await export(client, plan, leader)
    rows = sheet_rows(answer)
    assert rows[0][0].startswith("2026年度大项工作台账：工作要点（截至")
    assert rows[2][1] == FORMULA_LINK
    assert_text_only(answer.content, FORMULA_LINK)
