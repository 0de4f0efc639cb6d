"""A corrective action is a ledger item of the year's corrective-action plan, made by the
items' own rules: it is found by its nonconformity's id, its owner reports its progress,
the exception sweep finds it overdue and a leader intervenes on it, as on any item."""

import pytest

from guanjia_shared.clock import frozen_at
from ledger_svc.exceptions.jobs import sweep_exceptions
from ledger_svc.exceptions.service import exception_thresholds

from .nonconformity_helpers import (
    ITEMS,
    add_action,
    analyse,
    bureau_morning,
    contain,
    on,
    open_one,
    register_document,
)


@pytest.fixture
async def at_actions(client, admin, quality, head):
    await register_document(client, admin)
    opened = await open_one(client, quality)
    await contain(client, head, opened)
    await analyse(client, head, opened)
    return opened


async def test_an_action_is_an_item_of_the_years_corrective_plan(
    client, at_actions, head, clerk, leader
):
    action = (await add_action(client, head, clerk, at_actions)).json()

    [item] = (
        await client.get(ITEMS, params={"source_ref": at_actions["id"]}, headers=leader.headers)
    ).json()["items"]
    assert item["id"] == action["item_id"] and item["owner_id"] == clerk.id
    assert item["source"] == {"service": "ledger", "ref": at_actions["id"]}
    assert item["title"] == "报销系统增加分管领导审批节点" and item["department"] == "财务处"
    assert item["breakdown"].startswith("来源：不符合项（内审发现，程序文件 GJ-CW-001")
    plans = (await client.get("/api/v1/ledger/plans", headers=leader.headers)).json()["items"]
    [plan] = [p for p in plans if p["id"] == item["plan_id"]]
    assert (plan["kind"], plan["year"], plan["title"]) == (
        "corrective",
        2026,
        "2026年质量体系纠正措施",
    )


async def test_every_action_of_a_year_goes_to_the_one_plan(client, at_actions, head, clerk):
    first = (await add_action(client, head, clerk, at_actions)).json()
    second = (await add_action(client, head, clerk, at_actions, title="培训报销审核人员")).json()
    assert first["plan_id"] == second["plan_id"]


async def test_an_action_overdue_is_an_exception_and_a_leader_intervenes(
    client, running_service, at_actions, head, clerk, leader
):
    action = (await add_action(client, head, clerk, at_actions)).json()

    with frozen_at(bureau_morning("2026-04-02")):
        await sweep_exceptions(
            running_service.session_factory, exception_thresholds(running_service.settings)
        )
    exceptions = (await client.get("/api/v1/ledger/exceptions", headers=leader.headers)).json()[
        "items"
    ]
    assert ("overdue", action["item_id"]) in {(e["reason"], e["item"]["id"]) for e in exceptions}

    intervened = await on(
        "2026-04-02",
        client,
        "POST",
        f"{ITEMS}/{action['item_id']}/interventions",
        leader,
        {"instruction": "请本周内完成审批节点上线"},
    )
    assert intervened.status_code == 201, intervened.text


async def test_only_the_actions_owner_reports_its_progress(client, at_actions, head, clerk):
    action = (await add_action(client, head, clerk, at_actions)).json()
    report = {"percent": 50, "note": "开发中"}
    by_head = await on(
        "2026-03-10", client, "POST", f"{ITEMS}/{action['item_id']}/progress", head, report
    )
    assert by_head.status_code == 403
    by_owner = await on(
        "2026-03-10", client, "POST", f"{ITEMS}/{action['item_id']}/progress", clerk, report
    )
    assert by_owner.status_code == 201, by_owner.text


async def test_an_action_due_before_it_starts_is_refused_as_an_item_is(
    client, at_actions, head, clerk
):
    answer = await add_action(client, head, clerk, at_actions, deadline="2026-03-01")
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["pointer"] == "#/deadline"
