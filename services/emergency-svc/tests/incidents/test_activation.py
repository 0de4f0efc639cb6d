"""Activation and level changes: exactly the planned tasks, each to the role's holders (the
deputy for a holder marked unavailable, the deputy for a role with no holder, nobody — and
the timeline says so — when there is neither); raising the level adds exactly the tasks of
the grades passed, lowering adds none. Only commanders and the leadership steer, and a
closed incident is not activated again."""

import datetime as dt

from emergency_svc.tasks.models import Task
from guanjia_shared.testing.apps import eventually

from .incident_helpers import (
    API,
    AVAILABILITY,
    INCIDENTS,
    act,
    activated,
    at,
    level_changed,
    moment,
    plan_in_force,
    published,
    reported,
    slots,
    tasks_of,
    timeline_of,
)


async def mark_unavailable(client, marker, person, reason="休假"):
    answer = await client.post(
        AVAILABILITY, json={"user_id": person.id, "reason": reason}, headers=marker.headers
    )
    assert answer.status_code == 200, answer.text


async def test_activation_creates_exactly_the_planned_tasks_of_the_grade(
    client, people, nats_server_url, event_namespace
):
    await plan_in_force(client, people)
    await mark_unavailable(client, people.commander, people.guard_b)
    incident = await reported(client, people.reporter, level="III")

    active = await activated(client, people.commander, incident["id"], at(9, 0))

    assert active["status"] == "active"
    assert moment(active["activated_at"]) == at(9, 0)
    assert active["commander_id"] == people.commander.id
    assert active["commander_department"] == "安全保卫处"
    tasks = await tasks_of(client, people.commander, incident["id"])
    assert slots(tasks, people) == {
        ("III", 1, "commander", "director", "director", "assigned"),
        ("III", 2, "site_lead", "guard_a", "guard_a", "assigned"),
        # guard_b is on leave: the role's deputy stands in.
        ("III", 2, "site_lead", "guard_b", "captain", "assigned"),
        # No holder: the deputy.
        ("III", 3, "liaison", None, "press", "assigned"),
        # Neither holder nor deputy: made all the same, with nobody on it.
        ("III", 4, "medic", None, None, "unassigned"),
    }
    by_step = {(task["step"], task["holder"]): task for task in tasks}
    director_task = by_step[(1, people.director.id)]
    assert director_task["deputy"] == people.vice.id
    assert director_task["assigned_because"] == "holder"
    assert moment(director_task["due_at"]) == at(9, 15)
    assert moment(director_task["ack_due_at"]) == at(9, 10)
    assert director_task["action"] == "启动三级响应"
    standing_in = by_step[(2, people.guard_b.id)]
    assert standing_in["assigned_because"] == "deputy_for_unavailable_holder"
    assert standing_in["deputy"] is None
    assert moment(standing_in["due_at"]) == at(9, 20)
    assert by_step[(3, None)]["assigned_because"] == "deputy_for_missing_holder"
    nobody = by_step[(4, None)]
    assert nobody["assigned_because"] == "nobody_available"
    assert nobody["ack_due_at"] is None

    lines = await timeline_of(client, people.commander, incident["id"])
    assert [line["kind"] for line in lines] == [
        "reported",
        "plan_matched",
        "activated",
        *["task_assigned"] * 4,
        "task_unassigned",
        "supplies_reserved",
        "report_due",
    ]
    unassigned = next(line for line in lines if line["kind"] == "task_unassigned")
    assert unassigned["data"]["role"] == "medic" and unassigned["task_id"] == nobody["id"]

    events = await eventually(
        published(nats_server_url, event_namespace, "emergency.task.assigned", count=4)
    )
    assert {people.named(event.data["assignee"]) for event in events} == {
        "director",
        "guard_a",
        "captain",
        "press",
    }
    assert all(event.data["incident_id"] == incident["id"] for event in events)
    [event] = await eventually(
        published(nats_server_url, event_namespace, "emergency.incident.activated", count=1)
    )
    assert event.data["commander_id"] == people.commander.id and event.data["tasks"] == 5


async def test_raising_the_level_adds_exactly_the_tasks_of_the_grades_passed(
    service, client, people, nats_server_url, event_namespace
):
    await plan_in_force(client, people)
    incident = await reported(client, people.reporter, level="IV")
    await activated(client, people.commander, incident["id"], at(9, 0))
    assert slots(await tasks_of(client, people.leader, incident["id"]), people) == {
        ("IV", 1, "site_lead", "guard_a", "guard_a", "assigned"),
        ("IV", 1, "site_lead", "guard_b", "guard_b", "assigned"),
    }

    # IV → II passes III and II.
    raised = await level_changed(client, people.leader, incident["id"], "II", at(9, 30))
    assert raised["level"] == "II"
    tasks = await tasks_of(client, people.leader, incident["id"])
    added = [task for task in tasks if task["level"] in ("III", "II")]
    assert {(t["level"], t["step"], people.named(t["assignee"])) for t in added} == {
        ("III", 1, "director"),
        ("III", 2, "guard_a"),
        ("III", 2, "guard_b"),
        ("III", 3, "press"),
        ("III", 4, None),
        ("II", 1, "director"),
    }
    # Due from the moment of the change.
    assert {moment(t["due_at"]) - at(9, 30) for t in added if t["level"] == "II"} == {
        dt.timedelta(minutes=30)
    }
    assert len(tasks) == 8

    # Lowering adds nothing, and is recorded.
    await level_changed(client, people.leader, incident["id"], "III", at(9, 40), reason="火势受控")
    assert len(await tasks_of(client, people.leader, incident["id"])) == 8
    # Back up to II: its tasks are there already.
    await level_changed(client, people.leader, incident["id"], "II", at(9, 50))
    assert len(await tasks_of(client, people.leader, incident["id"])) == 8
    # Up to I: only I's.
    await level_changed(client, people.leader, incident["id"], "I", at(10, 0))
    tasks = await tasks_of(client, people.leader, incident["id"])
    assert {
        (t["level"], t["step"], people.named(t["holder"])) for t in tasks if t["level"] == "I"
    } == {
        ("I", 1, "director"),
        ("I", 2, "guard_a"),
        ("I", 2, "guard_b"),
    }
    assert len(tasks) == 11
    assert await service.count(Task) == 11

    changes = await timeline_of(client, people.leader, incident["id"], kind="level_changed")
    assert [
        (
            line["data"]["from"],
            line["data"]["to"],
            line["data"]["direction"],
            len(line["data"]["tasks_added"]),
        )
        for line in changes
    ] == [
        ("IV", "II", "raised", 6),
        ("II", "III", "lowered", 0),
        ("III", "II", "raised", 0),
        ("II", "I", "raised", 3),
    ]
    assert changes[1]["data"]["reason"] == "火势受控"
    assert changes[1]["actor"] == people.leader.id

    events = await eventually(
        published(nats_server_url, event_namespace, "emergency.incident.level_changed", count=4)
    )
    assert [(e.data["from_level"], e.data["to_level"], e.data["tasks_added"]) for e in events] == [
        ("IV", "II", 6),
        ("II", "III", 0),
        ("III", "II", 0),
        ("II", "I", 3),
    ]


async def test_the_level_of_a_reported_incident_changes_without_tasks(client, people):
    await plan_in_force(client, people)
    incident = await reported(client, people.reporter, level="IV")

    await level_changed(client, people.commander, incident["id"], "II")

    assert await tasks_of(client, people.commander, incident["id"]) == []
    # Activation then makes the tasks of the grade it is at.
    await activated(client, people.commander, incident["id"])
    tasks = await tasks_of(client, people.commander, incident["id"])
    assert {task["level"] for task in tasks} == {"II"}


async def test_a_level_change_to_the_same_grade_or_on_a_closed_incident_is_refused(client, people):
    incident = await reported(client, people.reporter, level="III")
    same = await act(
        client,
        people.commander,
        None,
        "POST",
        f"{INCIDENTS}/{incident['id']}/level",
        {"level": "III", "reason": "复核"},
    )
    assert same.status_code == 409 and same.json()["rule"] == "level-unchanged"
    unknown = await act(
        client,
        people.commander,
        None,
        "POST",
        f"{INCIDENTS}/{incident['id']}/level",
        {"level": "V", "reason": "复核"},
    )
    assert unknown.status_code == 422


async def test_an_incident_with_no_plan_then_is_matched_at_activation(client, people):
    incident = await reported(client, people.reporter, level="IV")
    plan = await plan_in_force(client, people)

    active = await activated(client, people.commander, incident["id"])

    assert active["plan_id"] == plan["id"] and active["plan_version"] == 1
    assert len(await tasks_of(client, people.commander, incident["id"])) == 2
    kinds = [line["kind"] for line in await timeline_of(client, people.commander, incident["id"])]
    assert kinds[:4] == ["reported", "no_plan_matched", "plan_matched", "activated"]


async def test_an_incident_with_no_plan_at_all_is_activated_without_tasks(client, people):
    incident = await reported(client, people.reporter, level="IV")

    active = await activated(client, people.leader, incident["id"])

    assert active["status"] == "active" and active["plan_id"] is None
    assert await tasks_of(client, people.leader, incident["id"]) == []


async def test_the_activating_commander_may_name_another_commander(client, people):
    await plan_in_force(client, people)
    incident = await reported(client, people.reporter)

    active = await activated(
        client,
        people.leader,
        incident["id"],
        body={"commander_id": people.director.id, "commander_department": "办公室"},
    )

    assert (active["commander_id"], active["commander_department"]) == (
        people.director.id,
        "办公室",
    )


async def test_only_commanders_and_the_leadership_activate(service, client, people):
    await plan_in_force(client, people)
    incident = await reported(client, people.reporter)

    for person in (people.reporter, people.agent, people.admin):
        answer = await act(client, person, None, "POST", f"{INCIDENTS}/{incident['id']}/activate")
        assert answer.status_code == 403, answer.text
        assert answer.json()["type"] == "urn:guanjia:problem:forbidden"

    unchanged = await client.get(f"{INCIDENTS}/{incident['id']}", headers=people.agent.headers)
    assert unchanged.json()["status"] == "reported"
    assert await service.count(Task) == 0


async def test_activating_a_closed_incident_is_refused_and_changes_nothing(service, client, people):
    await plan_in_force(client, people)
    incident = await reported(client, people.reporter)
    closed = await act(
        client,
        people.commander,
        None,
        "POST",
        f"{INCIDENTS}/{incident['id']}/close",
        {"summary": "误报，现场无烟", "follow_ups": []},
    )
    assert closed.status_code == 200, closed.text
    lines_before = await service.timeline_count()

    answer = await act(
        client, people.commander, None, "POST", f"{INCIDENTS}/{incident['id']}/activate"
    )

    assert answer.status_code == 409
    problem = answer.json()
    assert problem["type"] == "urn:guanjia:problem:conflict"
    assert problem["rule"] == "incident-closed"
    after = await client.get(f"{INCIDENTS}/{incident['id']}", headers=people.agent.headers)
    assert after.json()["status"] == "closed" and after.json()["activated_at"] is None
    assert await service.count(Task) == 0
    assert await service.timeline_count() == lines_before


async def test_activating_an_active_incident_again_is_refused(service, client, people):
    await plan_in_force(client, people)
    incident = await reported(client, people.reporter)
    await activated(client, people.commander, incident["id"])

    again = await act(client, people.leader, None, "POST", f"{INCIDENTS}/{incident['id']}/activate")

    assert again.status_code == 409 and again.json()["rule"] == "incident-active"
    assert await service.count(Task) == 2


async def test_supplies_the_plan_requires_are_reserved_and_shortfalls_recorded(client, people):
    # The catalogue is seeded with fire extinguishers; six of them are in stock.
    stock = await client.post(
        f"{API}/supplies",
        json={"location": "二号楼消防器材室", "item_code": "fire_extinguisher", "quantity": 6},
        headers=people.admin.headers,
    )
    assert stock.status_code == 201, stock.text
    await plan_in_force(client, people)
    incident = await reported(client, people.reporter)

    await activated(client, people.commander, incident["id"])

    [reserved] = await timeline_of(
        client, people.commander, incident["id"], kind="supplies_reserved"
    )
    assert reserved["data"]["required"] == [{"item_code": "fire_extinguisher", "quantity": 10}]
    assert sorted((r["status"], r["quantity"]) for r in reserved["data"]["reservations"]) == [
        ("active", 6),
        ("shortfall", 4),
    ]
    assert reserved["data"]["shortfalls"] == {"fire_extinguisher": 4}

    closed = await act(
        client,
        people.commander,
        None,
        "POST",
        f"{INCIDENTS}/{incident['id']}/close",
        {"summary": "已扑灭", "follow_ups": []},
    )
    assert closed.status_code == 200, closed.text
    [released] = await timeline_of(
        client, people.commander, incident["id"], kind="supplies_released"
    )
    assert released["data"] == {"reservations_released": 1}
