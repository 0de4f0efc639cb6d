"""The readiness report against cases built by hand: on 2026-11-27 (bureau day) what is
overdue, missing or short, and nothing else."""

import datetime as dt

import pytest

from emergency_svc.readiness.service import add_months
from guanjia_shared.clock import frozen_at

API = "/api/v1/emergency"
TODAY = dt.datetime(2026, 11, 27, 2, tzinfo=dt.UTC)  # 10:00 in Beijing


def role(code, title, holders, deputy):
    return {"role": code, "title": title, "holders": holders, "deputy": deputy}


def plan(code, kind, incident_types, organization, interval):
    return {
        "code": code,
        "title": f"{code} 预案",
        "kind": kind,
        "incident_types": incident_types,
        "organization": organization,
        "procedures": [
            {
                "level": "IV",
                "step": 1,
                "role": organization[0]["role"],
                "action": "先期处置",
                "within_minutes": 10,
            }
        ],
        "drill_interval_months": interval,
    }


@pytest.fixture
def leader(token_mint):
    return token_mint.headers("leader")


@pytest.fixture
def commander(token_mint):
    return token_mint.headers("commander")


async def active_plan(client, leader, body):
    made = await client.post(f"{API}/plans", json=body, headers=leader)
    assert made.status_code == 201, made.text
    activated = await client.post(f"{API}/plans/{made.json()['id']}/activate", headers=leader)
    assert activated.status_code == 200, activated.text
    return made.json()


async def drilled(client, commander, plan_id, held_at):
    drill = await client.post(
        f"{API}/drills",
        json={"plan_id": plan_id, "scheduled_at": held_at, "scenario": "桌面推演"},
        headers=commander,
    )
    assert drill.status_code == 201, drill.text
    record = {
        "participants": [{"department": "安全保卫处", "people": 8}],
        "findings": [],
        "held_at": held_at,
    }
    recorded = await client.post(
        f"{API}/drills/{drill.json()['id']}/record", json=record, headers=commander
    )
    assert recorded.status_code == 200, recorded.text


async def test_the_report_lists_exactly_what_is_overdue_missing_or_short(client, leader, commander):
    fire = await active_plan(
        client,
        leader,
        plan(
            "P-FIRE",
            "special",
            ["fire"],
            [
                role("commander", "总指挥", ["u-1"], "u-2"),
                role("site_lead", "现场组", ["u-3"], None),
            ],
            interval=6,
        ),
    )
    master = await active_plan(
        client,
        leader,
        plan("P-MASTER", "master", [], [role("commander", "总指挥", ["u-1"], "u-2")], interval=12),
    )
    await active_plan(
        client,
        leader,
        plan("P-FLOOD", "special", ["rainstorm_flood"], [role("pump", "排涝组", [], "u-4")], 12),
    )
    # Fire: drilled on 1 April, due again by 1 October — overdue. Master: drilled on
    # 1 March, due by 1 March 2027 — in time. Flood: never drilled — due at once.
    await drilled(client, commander, fire["id"], "2026-04-01T09:00:00+08:00")
    await drilled(client, commander, master["id"], "2026-03-01T09:00:00+08:00")

    for location, quantity, minimum in (("一号楼仓库", 2, 5), ("二号楼仓库", 9, 5)):
        stock = await client.post(
            f"{API}/supplies",
            json={
                "location": location,
                "item_code": "sandbag",
                "quantity": quantity,
                "minimum": minimum,
            },
            headers=commander,
        )
        assert stock.status_code == 201, stock.text
    for title, due_by in (("灭火器使用培训", "2026-11-20"), ("防汛培训", "2026-12-10")):
        training = await client.post(
            f"{API}/trainings",
            json={"title": title, "scheduled_at": f"{due_by}T09:00:00+08:00", "due_by": due_by},
            headers=commander,
        )
        assert training.status_code == 201, training.text

    with frozen_at(TODAY):
        answer = await client.get(f"{API}/reports/readiness", headers=leader)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["as_of"] == "2026-11-27" and report["ready"] is False
    assert [
        (gap["code"], gap["last_drilled_on"], gap["drill_due_by"])
        for gap in report["plans_not_drilled_in_time"]
    ] == [("P-FIRE", "2026-04-01", "2026-10-01"), ("P-FLOOD", None, None)]
    assert [
        (gap["code"], gap["role"], gap["missing"])
        for gap in report["roles_without_holder_or_deputy"]
    ] == [("P-FIRE", "site_lead", ["deputy"]), ("P-FLOOD", "pump", ["holder"])]
    assert [
        (s["location"], s["quantity"], s["minimum"]) for s in report["supplies_below_minimum"]
    ] == [("一号楼仓库", 2, 5)]
    assert [(t["title"], t["days_overdue"]) for t in report["trainings_overdue"]] == [
        ("灭火器使用培训", 7)
    ]


async def test_with_nothing_active_and_nothing_kept_the_bureau_is_ready(client, leader):
    # The seeded plans are drafts to adapt: they are not yet in force.
    with frozen_at(TODAY):
        answer = await client.get(f"{API}/reports/readiness", headers=leader)
    assert answer.json()["ready"] is True


async def test_the_report_is_the_bureaus_own(client, token_mint):
    staff = token_mint.headers("unit_staff", unit_id="u")
    assert (await client.get(f"{API}/reports/readiness", headers=staff)).status_code == 403


def test_months_are_added_to_the_day_or_the_months_last_day():
    assert add_months(dt.date(2026, 4, 1), 6) == dt.date(2026, 10, 1)
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 11, 30), 14) == dt.date(2028, 1, 30)
