"""Exceptions through the service, on hand-worked timelines with the clock frozen on each
day: raised when an item changes or when the daily sweep finds days have passed, cleared
when they no longer hold, each event published once (read back from NATS)."""

from guanjia_shared.clock import frozen_at
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.tokens import Person
from ledger_svc.exceptions.jobs import EXCEPTION_SWEEP_JOB

from .exception_helpers import (
    API,
    add,
    exception_events,
    history,
    make_plan,
    move_deadline,
    on,
    report,
    view,
)


async def test_a_slow_silent_item_is_behind_then_stalled_then_overdue_each_raised_once(
    service, client, leader, owner, plan, nats_server_url, event_namespace
):
    item = await add(client, leader, plan, "办公用房清理", owner)  # 01-01 → 03-31
    # 02-15: 45 of 89 days gone, 50.6 expected; 10 is more than 20 points below.
    await report(client, owner, item, 10, "2026-02-15")
    behind = (await view(client, leader, "2026-02-15")).json()
    assert behind["total"] == 1
    [entry] = behind["items"]
    assert (entry["reason"], entry["since"]) == ("behind", "2026-02-15")
    assert entry["item"]["id"] == item["id"] and entry["item"]["progress"] == 10
    assert entry["detail"]["expected_progress"] == 50.6 and entry["detail"]["gap_points"] == 40.6

    # Day 14 after the report is not yet stalled; day 15 is.
    assert (await service.sweep("2026-03-01")).acted == 0
    assert (await service.sweep("2026-03-02")).acted == 1
    assert (await service.sweep("2026-03-02")).plans == 0  # swept today already
    assert (await service.sweep("2026-03-03")).acted == 0  # still stalled: nothing new
    assert (await service.sweep("2026-03-31")).acted == 0  # due today: not overdue yet
    # 04-01: overdue, and behind gives way to it.
    assert (await service.sweep("2026-04-01")).acted == 2
    assert (await service.sweep("2026-04-02")).acted == 0

    listed = (await view(client, leader, "2026-04-02")).json()["items"]
    assert [(e["reason"], e["since"]) for e in listed] == [
        ("overdue", "2026-04-01"),
        ("stalled", "2026-03-02"),
    ]
    assert listed[0]["detail"]["days_overdue"] == 2
    assert listed[1]["detail"]["days_without_report"] == 46
    assert await history(client, leader, item) == [
        ("behind", "2026-02-15", "superseded"),
        ("stalled", "2026-03-02", None),
        ("overdue", "2026-04-01", None),
    ]

    async def published_once_each():
        events = await exception_events(nats_server_url, event_namespace)
        assert events == [
            ("raised", item["id"], "behind", "2026-02-15"),
            ("raised", item["id"], "stalled", "2026-03-02"),
            ("cleared", item["id"], "behind", "2026-02-15"),
            ("raised", item["id"], "overdue", "2026-04-01"),
        ]
        return events

    await eventually(published_once_each)


async def test_a_report_that_catches_up_clears_behind_and_stalled(
    service, client, leader, owner, plan, nats_server_url, event_namespace
):
    item = await add(client, leader, plan, "公务用车改革", owner, deadline="2026-12-31")
    # Nobody reports: stalled from 01-16 (15 days after the start), and behind once 20 %
    # of its 364 days are gone: day 73, 03-15.
    assert (await service.sweep("2026-01-16")).acted == 1
    assert (await service.sweep("2026-03-15")).acted == 1
    assert [e["reason"] for e in (await view(client, leader, "2026-03-15")).json()["items"]] == [
        "behind",
        "stalled",
    ]
    await report(client, owner, item, 35, "2026-03-16")
    assert (await view(client, leader, "2026-03-16")).json() == {"items": [], "total": 0}
    assert await history(client, leader, item) == [
        ("stalled", "2026-01-16", "no_longer_holds"),
        ("behind", "2026-03-15", "no_longer_holds"),
    ]

    async def cleared_once_each():
        events = await exception_events(nats_server_url, event_namespace)
        assert sorted(events) == sorted(
            [
                ("raised", item["id"], "stalled", "2026-01-16"),
                ("raised", item["id"], "behind", "2026-03-15"),
                ("cleared", item["id"], "stalled", "2026-01-16"),
                ("cleared", item["id"], "behind", "2026-03-15"),
            ]
        )

    await eventually(cleared_once_each)


async def test_a_leader_moving_the_deadline_clears_overdue_and_finishing_clears_the_rest(
    service, client, leader, owner, plan
):
    item = await add(client, leader, plan, "食堂改造", owner)  # 01-01 → 03-31
    await report(client, owner, item, 90, "2026-03-25")
    assert (await service.sweep("2026-04-01")).acted == 1
    # Moved to 06-30 on 04-02: no longer late; 91 of 180 days gone, 90 is well ahead.
    await move_deadline(client, leader, item, "2026-06-30", "2026-04-02")
    assert await history(client, leader, item) == [("overdue", "2026-04-01", "no_longer_holds")]
    # Silent from 03-25: stalled on 04-09; done on 04-10 clears it.
    assert (await service.sweep("2026-04-09")).acted == 1
    await report(client, owner, item, 100, "2026-04-10", note="完成")
    assert await history(client, leader, item) == [
        ("overdue", "2026-04-01", "no_longer_holds"),
        ("stalled", "2026-04-09", "done"),
    ]
    # A done item is not looked at again.
    assert (await service.sweep("2026-05-01")).plans == 0


async def test_moving_an_overdue_deadline_may_leave_it_behind_instead(
    service, client, leader, owner, plan, nats_server_url, event_namespace
):
    item = await add(client, leader, plan, "档案整理", owner)  # 01-01 → 03-31
    await report(client, owner, item, 10, "2026-03-30")
    assert (await service.sweep("2026-04-01")).acted == 2  # behind gives way to overdue
    # Moved to 06-30 on 04-02: 91 of 180 days gone, 50.6 expected; 10 is behind again.
    await move_deadline(client, leader, item, "2026-06-30", "2026-04-02")
    assert await history(client, leader, item) == [
        ("behind", "2026-03-30", "superseded"),
        ("overdue", "2026-04-01", "no_longer_holds"),
        ("behind", "2026-03-30", None),
    ]

    async def moved():
        events = await exception_events(nats_server_url, event_namespace)
        assert [(kind, reason) for kind, _, reason, _ in events] == [
            ("raised", "behind"),
            ("cleared", "behind"),
            ("raised", "overdue"),
            ("cleared", "overdue"),
            ("raised", "behind"),
        ]

    await eventually(moved)


async def test_a_parent_is_judged_on_its_roll_up_and_only_leaves_go_stalled(
    service, client, leader, owner, plan
):
    parent = await add(client, leader, plan, "机关服务保障", owner, deadline="2026-12-31")
    assert (await service.sweep("2026-01-16")).acted == 1  # a leaf so far, and silent
    part = await add(
        client, leader, plan, "摸底", owner, deadline="2026-12-31", parent=parent, day="2026-01-17"
    )
    # Having a part, the parent is no longer silent itself; the new part is (from 01-01).
    assert await history(client, leader, parent) == [("stalled", "2026-01-16", "no_longer_holds")]
    assert await history(client, leader, part) == [("stalled", "2026-01-16", None)]
    # 03-20: 78 of 364 days gone, 21.4 expected; a report of 0 is below 1.4, and rolls up:
    # the part is behind since its report, the parent since the day 0 fell behind (03-15).
    await report(client, owner, part, 0, "2026-03-20")
    listed = (await view(client, leader, "2026-03-20")).json()["items"]
    assert [(e["item"]["title"], e["reason"], e["since"]) for e in listed] == [
        ("机关服务保障", "behind", "2026-03-15"),
        ("摸底", "behind", "2026-03-20"),
    ]
    # Moving the part out leaves the parent a leaf again, silent since it started.
    with frozen_at(on("2026-03-21")):
        moved = await client.patch(
            f"{API}/items/{part['id']}", json={"parent_id": None}, headers=leader.headers
        )
    assert moved.status_code == 200, moved.text
    assert (await history(client, leader, parent))[-1] == ("stalled", "2026-01-16", None)


async def test_the_view_is_worst_first_and_by_department(service, client, leader, token_mint):
    plan = await make_plan(client, leader)
    general = Person(token_mint, "agent", department="综合处")
    finance = Person(token_mint, "agent", department="财务处")

    async def item(title, who, department, deadline, percent, reported_on):
        made = await add(client, leader, plan, title, who, department=department, deadline=deadline)
        await report(client, who, made, percent, reported_on)
        return made

    await item("A 逾期早", general, "综合处", "2026-02-28", 50, "2026-04-05")
    await item("B 逾期晚", finance, "财务处", "2026-03-19", 50, "2026-04-05")
    await item("C 滞后晚", general, "综合处", "2026-12-31", 0, "2026-04-05")
    await item("D 停滞", finance, "财务处", "2026-12-31", 30, "2026-03-01")
    await item("E 滞后早", finance, "财务处", "2026-12-31", 0, "2026-04-01")
    await service.sweep("2026-04-10")

    everything = (await view(client, leader, "2026-04-10")).json()
    assert [(e["item"]["title"], e["reason"], e["since"]) for e in everything["items"]] == [
        ("A 逾期早", "overdue", "2026-03-01"),
        ("B 逾期晚", "overdue", "2026-03-20"),
        ("E 滞后早", "behind", "2026-04-01"),
        ("C 滞后晚", "behind", "2026-04-05"),
        ("D 停滞", "stalled", "2026-03-16"),
    ]
    assert everything["items"][0]["detail"]["days_overdue"] == 41
    assert everything["items"][0]["reason_label"] == "逾期未完成"

    def titles(answer):
        return [e["item"]["title"] for e in answer.json()["items"]]

    assert titles(await view(client, leader, "2026-04-10", department="综合处")) == [
        "A 逾期早",
        "C 滞后晚",
    ]
    assert titles(await view(client, leader, "2026-04-10", reason="behind")) == [
        "E 滞后早",
        "C 滞后晚",
    ]
    paged = await view(client, leader, "2026-04-10", limit=2, offset=1)
    assert titles(paged) == ["B 逾期晚", "E 滞后早"] and paged.json()["total"] == 5

    head = Person(token_mint, "dept_head", department="财务处")
    assert titles(await view(client, head, "2026-04-10")) == ["B 逾期晚", "E 滞后早", "D 停滞"]
    assert (await view(client, head, "2026-04-10", department="综合处")).status_code == 403
    auditor = Person(token_mint, "auditor")
    assert (await view(client, auditor, "2026-04-10")).json()["total"] == 5
    for outsider in (general, Person(token_mint, "commander"), Person(token_mint, "unit_staff")):
        refused = await view(client, outsider, "2026-04-10")
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
    assert (await view(client, leader, "2026-04-10", reason="late")).status_code == 422


async def test_open_interventions_are_shown_beside_the_exceptions(
    service, client, leader, owner, plan
):
    item = await add(client, leader, plan, "节能改造", owner)
    await report(client, owner, item, 10, "2026-02-15")
    issued = await client.post(
        f"{API}/items/{item['id']}/interventions",
        json={"instruction": "请说明滞后原因并提出追赶措施"},
        headers=leader.headers,
    )
    assert issued.status_code == 201, issued.text
    [entry] = (await view(client, leader, "2026-02-16")).json()["items"]
    assert [(i["instruction"], i["status"]) for i in entry["open_interventions"]] == [
        ("请说明滞后原因并提出追赶措施", "issued")
    ]
    closed = await client.post(
        f"{API}/interventions/{issued.json()['id']}/close", json={}, headers=leader.headers
    )
    assert closed.status_code == 200, closed.text
    [entry] = (await view(client, leader, "2026-02-16")).json()["items"]
    assert entry["open_interventions"] == []


async def test_who_reads_an_items_exceptions(service, client, leader, owner, plan, token_mint):
    item = await add(client, leader, plan, "x", owner)
    url = f"{API}/items/{item['id']}/exceptions"
    for allowed in (
        leader,
        owner,
        Person(token_mint, "auditor"),
        Person(token_mint, "dept_head", department="综合处"),
    ):
        assert (await client.get(url, headers=allowed.headers)).status_code == 200
    for refused in (
        Person(token_mint, "agent", department="综合处"),
        Person(token_mint, "dept_head", department="财务处"),
    ):
        assert (await client.get(url, headers=refused.headers)).status_code == 403
    missing = await client.get(f"{API}/items/nope/exceptions", headers=leader.headers)
    assert missing.status_code == 404


async def test_the_sweep_runs_as_the_services_periodic_job(service, client, leader, owner, plan):
    await add(client, leader, plan, "x", owner)
    runner = service.app.state.periodic_jobs[EXCEPTION_SWEEP_JOB]
    assert runner.job.interval_seconds == 300
    with frozen_at(on("2026-01-16", hour=0)):
        assert await runner.run_once() == 1  # stalled
        assert await runner.run_once() == 0
