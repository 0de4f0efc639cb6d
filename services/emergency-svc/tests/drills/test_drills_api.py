"""Drills: scheduled with injects, evaluated, recorded once — and the event the ledger's
scorecards read, taken back from the real NATS stream."""

from datetime import UTC, datetime

from emergency_svc.drills.marking import DRILL_PREFIX, drill_text
from emergency_svc.drills.service import last_drills_by_plan
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events

API = "/api/v1/emergency/drills"


def test_the_drill_mark_is_put_in_front_once():
    assert DRILL_PREFIX == "【演练】"
    assert drill_text("一号楼起火") == "【演练】一号楼起火"
    assert drill_text(drill_text("一号楼起火")) == "【演练】一号楼起火"
    assert drill_text("  【演练】一号楼起火") == "【演练】一号楼起火"


async def schedule(client, headers, plan_id, **extra) -> dict:
    body = {
        "plan_id": plan_id,
        "scheduled_at": "2026-06-10T09:00:00+08:00",
        "scenario": "一号楼地下车库进水",
        **extra,
    }
    answer = await client.post(API, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_a_drill_of_an_unknown_plan_is_refused(client, commander):
    answer = await client.post(
        API,
        json={"plan_id": "nope", "scheduled_at": "2026-06-10T09:00:00+08:00", "scenario": "火灾"},
        headers=commander,
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"detail": "no plan nope", "pointer": "#/plan_id"}]


async def test_a_drills_injects_are_timed_from_its_start_and_marked_as_a_drill(
    client, commander, make_plan
):
    drill = await schedule(
        client,
        commander,
        await make_plan(),
        injects=[
            {"at_minute": 15, "message": "配电房水位超过30厘米"},
            {"at_minute": 0, "message": "值班室接到报告：车库进水"},
        ],
    )
    assert drill["status"] == "scheduled"
    assert drill["title"] == "【演练】一号楼地下车库进水"
    assert [(i["at_minute"], i["message"]) for i in drill["injects"]] == [
        (0, "【演练】值班室接到报告：车库进水"),
        (15, "【演练】配电房水位超过30厘米"),
    ]
    assert datetime.fromisoformat(drill["injects"][1]["due_at"]) == datetime(
        2026, 6, 10, 1, 15, tzinfo=UTC
    )

    replaced = await client.put(
        f"{API}/{drill['id']}/injects",
        json=[{"at_minute": 5, "message": "【演练】启动应急发电机"}],
        headers=commander,
    )
    assert replaced.status_code == 200, replaced.text
    assert [i["message"] for i in replaced.json()["injects"]] == ["【演练】启动应急发电机"]
    read = (await client.get(f"{API}/{drill['id']}", headers=commander)).json()
    assert read["injects"] == replaced.json()["injects"]


async def test_recording_a_drill_publishes_its_departments_findings_and_marked_follow_ups(
    client, commander, make_plan, nats_server_url, event_namespace
):
    plan_id = await make_plan()
    drill = await schedule(client, commander, plan_id)
    finding = await client.post(
        f"{API}/{drill['id']}/findings",
        json={
            "finding": "沙袋搬运路线不清",
            "evaluator": "王评估",
            "severity": "major",
            "department": "物业管理处",
        },
        headers=commander,
    )
    assert finding.status_code == 201, finding.text
    assert (finding.json()["position"], finding.json()["source"]) == (1, "evaluator")

    recorded = await client.post(
        f"{API}/{drill['id']}/record",
        json={
            "participants": [
                {"department": "物业管理处", "people": 12},
                {"department": "安全保卫处", "people": 5},
            ],
            "findings": ["沙袋搬运路线不清", "应急照明不足"],
            "score": 86.5,
            "held_at": "2026-06-10T09:05:00+08:00",
        },
        headers=commander,
    )
    assert recorded.status_code == 200, recorded.text
    body = recorded.json()
    assert body["status"] == "recorded" and body["year"] == 2026 and body["score"] == 86.5
    assert [(f["finding"], f["source"]) for f in body["findings"]] == [
        ("沙袋搬运路线不清", "evaluator"),
        ("应急照明不足", "record"),
    ]

    async def the_event():
        events = await published_events(nats_server_url, event_namespace, "emergency")
        found = [e for e in events if e.short_type == "emergency.drill.recorded"]
        assert len(found) == 1
        return found[0]

    event = await eventually(the_event)
    assert event.subject == drill["id"]
    assert event.data == {
        "id": drill["id"],
        "plan_id": plan_id,
        "held_at": "2026-06-10T01:05:00+00:00",
        "year": 2026,
        "participants": [
            {"department": "物业管理处", "people": 12},
            {"department": "安全保卫处", "people": 5},
        ],
        "score": 86.5,
        "findings": ["沙袋搬运路线不清", "应急照明不足"],
        "follow_ups": [
            {"title": "【演练】沙袋搬运路线不清", "department": "物业管理处"},
            {"title": "【演练】应急照明不足"},
        ],
        "recorded_by": "commander-1",
    }
    assert body["follow_ups"] == [
        {"title": "【演练】沙袋搬运路线不清", "department": "物业管理处"},
        {"title": "【演练】应急照明不足", "department": None},
    ]


async def test_a_record_lists_findings_with_their_department_severity_and_evaluator(
    client, commander, make_plan
):
    drill = await schedule(client, commander, await make_plan())
    recorded = await client.post(
        f"{API}/{drill['id']}/record",
        json={
            "participants": [{"department": "物业管理处", "people": 8}],
            "findings": [
                {
                    "finding": "疏散指示灯损坏",
                    "department": "物业管理处",
                    "severity": "critical",
                    "evaluator": "李评估",
                },
                "广播覆盖不到地下一层",
                {"finding": "疏散指示灯损坏", "department": "保卫处"},
            ],
        },
        headers=commander,
    )
    assert recorded.status_code == 200, recorded.text
    body = recorded.json()
    assert [
        (f["finding"], f["department"], f["severity"], f["evaluator"], f["source"])
        for f in body["findings"]
    ] == [
        ("疏散指示灯损坏", "物业管理处", "critical", "李评估", "record"),
        ("广播覆盖不到地下一层", None, None, None, "record"),
    ]
    assert body["follow_ups"] == [
        {"title": "【演练】疏散指示灯损坏", "department": "物业管理处"},
        {"title": "【演练】广播覆盖不到地下一层", "department": None},
    ]


async def test_a_drill_is_recorded_once_and_then_nothing_of_it_changes(
    client, commander, make_plan
):
    drill = await schedule(client, commander, await make_plan())
    record = {"participants": [{"department": "办公室", "people": 3}], "findings": []}
    assert (
        await client.post(f"{API}/{drill['id']}/record", json=record, headers=commander)
    ).status_code == 200
    again = await client.post(f"{API}/{drill['id']}/record", json=record, headers=commander)
    assert again.status_code == 409
    assert again.json()["rule"] == "record-once"
    late = await client.post(
        f"{API}/{drill['id']}/findings", json={"finding": "补充意见"}, headers=commander
    )
    assert late.status_code == 409
    assert late.json()["rule"] == "drill-recorded"
    injects = await client.put(f"{API}/{drill['id']}/injects", json=[], headers=commander)
    assert injects.status_code == 409


async def test_a_record_names_each_department_once_a_score_out_of_100_and_no_future_time(
    client, commander, make_plan
):
    drill = await schedule(client, commander, await make_plan())
    url = f"{API}/{drill['id']}/record"
    twice = await client.post(
        url,
        json={
            "participants": [
                {"department": "办公室", "people": 3},
                {"department": "办公室", "people": 2},
            ],
            "findings": [],
        },
        headers=commander,
    )
    assert twice.status_code == 422
    assert twice.json()["errors"][0]["pointer"] == "#/participants/1/department"
    too_high = await client.post(
        url,
        json={"participants": [{"department": "办公室", "people": 3}], "score": 101},
        headers=commander,
    )
    assert too_high.status_code == 422
    nobody = await client.post(url, json={"participants": []}, headers=commander)
    assert nobody.status_code == 422
    future = await client.post(
        url,
        json={
            "participants": [{"department": "办公室", "people": 3}],
            "held_at": "2999-01-01T00:00:00+08:00",
        },
        headers=commander,
    )
    assert future.status_code == 422
    assert future.json()["errors"][0]["pointer"] == "#/held_at"
    read = (await client.get(f"{API}/{drill['id']}", headers=commander)).json()
    assert read["status"] == "scheduled"


async def test_moments_that_are_not_iso_text_are_refused_and_nothing_changes(
    client, commander, make_plan
):
    # A number would otherwise be read as a Unix timestamp: 1781053200 as 2026-06-10T01:00Z.
    plan_id = await make_plan()
    for scheduled_at in (1781053200, "1781053200", 0):
        answer = await client.post(
            API,
            json={"plan_id": plan_id, "scheduled_at": scheduled_at, "scenario": "火灾"},
            headers=commander,
        )
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["errors"][0]["pointer"] == "#/scheduled_at"
    assert (await client.get(API, headers=commander)).json()["total"] == 0

    drill = await schedule(client, commander, plan_id)
    answer = await client.post(
        f"{API}/{drill['id']}/record",
        json={"participants": [{"department": "办公室", "people": 3}], "held_at": 1777600800},
        headers=commander,
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["pointer"] == "#/held_at"
    read = (await client.get(f"{API}/{drill['id']}", headers=commander)).json()
    assert read["status"] == "scheduled" and read["held_at"] is None


async def test_drills_are_listed_by_plan_and_the_last_drill_of_each_plan_is_known(
    client, commander, make_plan, session_factory
):
    flood, fire = await make_plan("防汛专项预案"), await make_plan("消防专项预案")
    for held_at in ("2025-07-01T10:00:00+08:00", "2026-05-01T10:00:00+08:00"):
        drill = await schedule(client, commander, flood)
        answer = await client.post(
            f"{API}/{drill['id']}/record",
            json={"participants": [{"department": "办公室", "people": 3}], "held_at": held_at},
            headers=commander,
        )
        assert answer.status_code == 200, answer.text
    await schedule(client, commander, fire)

    listing = await client.get(API, params={"plan_id": flood}, headers=commander)
    assert listing.json()["total"] == 2
    scheduled = await client.get(API, params={"status": "scheduled"}, headers=commander)
    assert [d["plan_id"] for d in scheduled.json()["items"]] == [fire]

    async with session_factory() as session:
        assert await last_drills_by_plan(session) == {flood: datetime(2026, 5, 1, 2, tzinfo=UTC)}


async def test_admins_leaders_and_commanders_run_drills_and_bureau_roles_read_them(
    client, token_mint, make_plan
):
    plan_id = await make_plan()
    for role in ("admin", "leader"):
        await schedule(client, token_mint.headers(role), plan_id)
    agent = token_mint.headers("agent")
    refused = await client.post(
        API,
        json={"plan_id": plan_id, "scheduled_at": "2026-06-10T09:00:00+08:00", "scenario": "火灾"},
        headers=agent,
    )
    assert refused.status_code == 403
    assert (await client.get(API, headers=agent)).json()["total"] == 2
    outsider = token_mint.headers("unit_staff", unit_id="u-1")
    assert (await client.get(API, headers=outsider)).status_code == 403
    assert (await client.get(f"{API}/nope", headers=agent)).status_code == 404
