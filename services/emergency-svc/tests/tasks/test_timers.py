"""The response timers, tick by tick at frozen moments: a task not acknowledged within
10 minutes goes to the role's deputy, once, and the timeline says so; with no deputy to
go to the timeline says that; a task past its due time is told overdue once — each read
back from NATS.

The fire plan at grade III, activated at 09:00: the director's 启动三级响应 (15 min,
deputy: vice), guard_a's and guard_b's 组织疏散 (20, deputy: captain), press standing in
for the liaison (30, no further deputy) and the medic's step with nobody on it (40).
"""

from emergency_svc.incidents.models import TimelineEntry
from guanjia_shared.testing.apps import eventually

from ..incidents.incident_helpers import (
    AVAILABILITY,
    TASKS,
    act,
    activated,
    at,
    moment,
    plan_in_force,
    published,
    reported,
    tasks_of,
    timeline_of,
)


async def active_incident(client, people, level="III"):
    await plan_in_force(client, people)
    incident = await reported(client, people.reporter, level=level)
    await activated(client, people.commander, incident["id"], at(9, 0))
    return incident


def held_by(tasks, people, name):
    return next(task for task in tasks if task["holder"] == getattr(people, name).id)


async def test_a_task_not_acknowledged_in_time_goes_to_the_deputy_once(
    service, client, people, nats_server_url, event_namespace
):
    incident = await active_incident(client, people)
    tasks = await tasks_of(client, people.commander, incident["id"])
    director_task = held_by(tasks, people, "director")
    # guard_a acknowledges in time; the others do not.
    guard_task = held_by(tasks, people, "guard_a")
    acknowledged = await act(
        client, people.guard_a, at(9, 8), "POST", f"{TASKS}/{guard_task['id']}/acknowledge"
    )
    assert acknowledged.status_code == 200

    assert await service.tick(at(9, 9, 59)) == 0
    # 09:10: the director's goes to vice, guard_b's to captain; press has no one to go to.
    assert await service.tick(at(9, 10, 30)) == 3
    assert await service.tick(at(9, 10, 30)) == 0
    assert await service.tick(at(9, 11)) == 0

    stored = await service.task(director_task["id"])
    assert (stored.assignee, stored.deputy, stored.escalated) == (people.vice.id, None, True)
    assert stored.escalated_at == at(9, 10, 30)
    assert stored.ack_due_at == at(9, 20, 30)  # the deputy's own window
    assert stored.status == "assigned"
    mine = await client.get(TASKS, params={"assignee": "me"}, headers=people.vice.headers)
    assert [task["id"] for task in mine.json()["items"]] == [director_task["id"]]

    [escalated] = await timeline_of(
        client, people.commander, incident["id"], kind="task_escalated", task_id=director_task["id"]
    )
    assert (
        escalated["data"]["from"] == people.director.id
        and escalated["data"]["to"] == people.vice.id
    )
    assert moment(escalated["at"]) == at(9, 10, 30) and escalated["actor"] is None
    assert (
        len(await timeline_of(client, people.commander, incident["id"], kind="task_escalated")) == 2
    )
    [missed] = await timeline_of(client, people.commander, incident["id"], kind="task_ack_missed")
    assert (
        missed["data"]["assignee"] == people.press.id and missed["data"]["because"] == "no_deputy"
    )

    events = await eventually(
        published(
            nats_server_url,
            event_namespace,
            "emergency.task.assigned",
            count=2,
            subject=director_task["id"],
        )
    )
    handed_over = events[-1]
    assert handed_over.data["assignee"] == people.vice.id
    assert handed_over.data["previous_assignee"] == people.director.id
    assert handed_over.data["escalated"] is True

    # The deputy acknowledges: nothing more for the acknowledgement; the due time remains.
    ok = await act(
        client, people.vice, at(9, 12), "POST", f"{TASKS}/{director_task['id']}/acknowledge"
    )
    assert ok.status_code == 200, ok.text
    assert await service.tick(at(9, 14)) == 0
    # The former assignee can no longer act on it.
    gone = await act(
        client, people.director, at(9, 13), "POST", f"{TASKS}/{director_task['id']}/complete"
    )
    assert gone.status_code == 403


async def test_a_deputy_who_misses_the_acknowledgement_too_is_noted_and_not_escalated_again(
    service, client, people
):
    incident = await active_incident(client, people)
    director_task = held_by(
        await tasks_of(client, people.commander, incident["id"]), people, "director"
    )

    await service.tick(at(9, 10))
    assert await service.tick(at(9, 20)) >= 1

    stored = await service.task(director_task["id"])
    assert (stored.assignee, stored.ack_due_at) == (people.vice.id, None)
    lines = await timeline_of(client, people.commander, incident["id"], task_id=director_task["id"])
    # 09:20 is also past the task's due time (09:15).
    assert [line["kind"] for line in lines] == [
        "task_assigned",
        "task_escalated",
        "task_ack_missed",
        "task_overdue",
    ]
    assert lines[2]["data"]["because"] == "escalated_already"


async def test_a_deputy_marked_unavailable_is_not_escalated_to(service, client, people):
    incident = await active_incident(client, people)
    director_task = held_by(
        await tasks_of(client, people.commander, incident["id"]), people, "director"
    )
    marked = await act(
        client,
        people.vice,
        at(9, 5),
        "POST",
        AVAILABILITY,
        {"user_id": people.vice.id, "reason": "出差"},
    )
    assert marked.status_code == 200, marked.text

    await service.tick(at(9, 10))

    stored = await service.task(director_task["id"])
    assert (stored.assignee, stored.escalated) == (people.director.id, False)
    [missed] = await timeline_of(
        client,
        people.commander,
        incident["id"],
        kind="task_ack_missed",
        task_id=director_task["id"],
    )
    assert missed["data"]["because"] == "deputy_unavailable"


async def test_a_task_past_its_due_time_is_told_overdue_once(
    service, client, people, nats_server_url, event_namespace
):
    incident = await active_incident(client, people, level="IV")  # 扑救初起火灾, 5 minutes
    tasks = await tasks_of(client, people.commander, incident["id"])
    assert len(tasks) == 2  # one for each of site_lead's holders, guard_a and guard_b
    for task in tasks:
        person = people.with_id(task["assignee"])
        answer = await act(client, person, at(9, 1), "POST", f"{TASKS}/{task['id']}/acknowledge")
        assert answer.status_code == 200
    done = held_by(tasks, people, "guard_b")
    finished = await act(client, people.guard_b, at(9, 4), "POST", f"{TASKS}/{done['id']}/complete")
    assert finished.status_code == 200

    assert await service.tick(at(9, 4, 59)) == 0
    assert await service.tick(at(9, 5)) == 1
    assert await service.tick(at(9, 6)) == 0
    assert await service.tick(at(10, 0)) == 0

    late = held_by(tasks, people, "guard_a")
    [line] = await timeline_of(client, people.commander, incident["id"], kind="task_overdue")
    assert line["task_id"] == late["id"] and moment(line["at"]) == at(9, 5)
    stored = await service.task(late["id"])
    assert stored.overdue_at == at(9, 5) and stored.next_check_at is None
    [event] = await eventually(
        published(nats_server_url, event_namespace, "emergency.task.overdue", count=1)
    )
    assert event.subject == late["id"]
    assert event.data["assignee"] == people.guard_a.id
    assert moment(event.data["due_at"]) == at(9, 5)
    # Still to be done, late.
    completed = await act(
        client, people.guard_a, at(9, 7), "POST", f"{TASKS}/{late['id']}/complete"
    )
    assert completed.json()["status"] == "completed"


async def test_the_tasks_of_a_closed_incident_are_left_alone(service, client, people):
    incident = await active_incident(client, people)
    closed = await act(
        client,
        people.commander,
        at(9, 30),
        "POST",
        f"/api/v1/emergency/incidents/{incident['id']}/close",
        {"summary": "处置完毕", "follow_ups": []},
    )
    assert closed.status_code == 200, closed.text

    assert await service.tick(at(12, 0)) == 0
    assert await service.timeline_count(TimelineEntry.kind == "task_overdue") == 0


async def test_a_task_with_nobody_on_it_is_told_overdue_too(service, client, people):
    incident = await active_incident(client, people)
    [nobodys] = [
        t for t in await tasks_of(client, people.commander, incident["id"]) if not t["assignee"]
    ]

    await service.tick(at(9, 39))
    assert (
        await service.timeline_count(
            TimelineEntry.task_id == nobodys["id"], TimelineEntry.kind == "task_overdue"
        )
        == 0
    )
    await service.tick(at(9, 40))
    assert (
        await service.timeline_count(
            TimelineEntry.task_id == nobodys["id"], TimelineEntry.kind == "task_overdue"
        )
        == 1
    )


async def test_a_drill_incidents_tasks_carry_the_drill_mark(
    service, client, people, nats_server_url, event_namespace
):
    await plan_in_force(client, people)
    incident = await reported(client, people.commander, level="IV", is_drill=True)
    await activated(client, people.commander, incident["id"], at(9, 0))

    tasks = await tasks_of(client, people.commander, incident["id"])
    assert {task["action"] for task in tasks} == {"【演练】扑救初起火灾"}
    assert all(task["is_drill"] for task in tasks)
    await service.tick(at(9, 6))
    events = await eventually(
        published(nats_server_url, event_namespace, "emergency.task.overdue", count=2)
    )
    assert all(
        event.data["is_drill"] and event.data["incident_title"].startswith("【演练】")
        for event in events
    )
