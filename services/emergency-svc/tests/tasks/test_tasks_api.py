"""Tasks through the API: listed by incident and as "mine"; acknowledged and completed by
their assignee only (403 for anyone else), not twice (409); handed out by the commander."""

from emergency_svc.tasks.models import Task
from guanjia_shared.testing.apps import eventually

from ..incidents.incident_helpers import (
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


async def active_incident(client, people, level="III", when=at(9, 0)):
    await plan_in_force(client, people)
    incident = await reported(client, people.reporter, level=level)
    await activated(client, people.commander, incident["id"], when)
    return incident


def task_of(tasks, people, holder):
    return next(task for task in tasks if task["holder"] == getattr(people, holder).id)


async def test_my_tasks_are_the_ones_assigned_to_me(client, people):
    incident = await active_incident(client, people)

    mine = await client.get(TASKS, params={"assignee": "me"}, headers=people.guard_a.headers)

    assert mine.status_code == 200
    [task] = mine.json()["items"]
    assert (task["incident_id"], task["role"], task["assignee"]) == (
        incident["id"],
        "site_lead",
        people.guard_a.id,
    )
    assert task["action"] == "组织疏散" and task["status"] == "assigned"
    assert moment(task["due_at"]) == at(9, 20)
    unassigned = await client.get(
        TASKS,
        params={"incident_id": incident["id"], "status": "unassigned"},
        headers=people.commander.headers,
    )
    assert [task["role"] for task in unassigned.json()["items"]] == ["medic"]


async def test_the_assignee_acknowledges_and_completes_a_task(
    client, people, nats_server_url, event_namespace
):
    incident = await active_incident(client, people)
    task = task_of(await tasks_of(client, people.commander, incident["id"]), people, "director")
    url = f"{TASKS}/{task['id']}"

    acknowledged = await act(client, people.director, at(9, 3), "POST", f"{url}/acknowledge")
    assert acknowledged.status_code == 200, acknowledged.text
    assert acknowledged.json()["status"] == "acknowledged"
    assert moment(acknowledged.json()["acknowledged_at"]) == at(9, 3)

    done = await act(
        client, people.director, at(9, 12), "POST", f"{url}/complete", {"note": "已启动三级响应"}
    )
    assert done.status_code == 200, done.text
    completed = done.json()
    assert completed["status"] == "completed" and completed["note"] == "已启动三级响应"
    assert moment(completed["completed_at"]) == at(9, 12)

    lines = await timeline_of(client, people.commander, incident["id"], task_id=task["id"])
    assert [line["kind"] for line in lines] == [
        "task_assigned",
        "task_acknowledged",
        "task_completed",
    ]
    assert lines[-1]["actor"] == people.director.id and lines[-1]["data"]["late"] is False

    [event] = await eventually(
        published(nats_server_url, event_namespace, "emergency.task.completed", count=1)
    )
    assert event.subject == task["id"] and event.data["note"] == "已启动三级响应"
    assert event.data["incident_id"] == incident["id"]


async def test_a_task_is_completed_without_an_explicit_acknowledgement(client, people):
    incident = await active_incident(client, people)
    task = task_of(await tasks_of(client, people.commander, incident["id"]), people, "guard_a")

    done = await act(client, people.guard_a, at(9, 5), "POST", f"{TASKS}/{task['id']}/complete")

    assert done.status_code == 200, done.text
    assert moment(done.json()["acknowledged_at"]) == at(9, 5)


async def test_completing_another_persons_task_is_refused_and_changes_nothing(
    service, client, people
):
    incident = await active_incident(client, people)
    task = task_of(await tasks_of(client, people.commander, incident["id"]), people, "director")
    lines = await service.timeline_count()

    for person in (people.guard_a, people.commander, people.leader, people.vice):
        answer = await act(
            client, person, at(9, 5), "POST", f"{TASKS}/{task['id']}/complete", {"note": "代办"}
        )
        assert answer.status_code == 403, answer.text
        assert answer.json()["type"] == "urn:guanjia:problem:forbidden"
        acknowledged = await act(
            client, person, at(9, 5), "POST", f"{TASKS}/{task['id']}/acknowledge"
        )
        assert acknowledged.status_code == 403

    stored = await service.task(task["id"])
    assert (stored.status, stored.completed_at, stored.note) == ("assigned", None, None)
    assert await service.timeline_count() == lines


async def test_a_completed_or_cancelled_task_is_not_completed_again(client, people):
    incident = await active_incident(client, people)
    tasks = await tasks_of(client, people.commander, incident["id"])
    done = task_of(tasks, people, "director")
    url = f"{TASKS}/{done['id']}"
    assert (
        await act(client, people.director, at(9, 5), "POST", f"{url}/complete")
    ).status_code == 200

    again = await act(client, people.director, at(9, 6), "POST", f"{url}/complete")
    assert again.status_code == 409 and again.json()["rule"] == "task-state"
    acknowledged = await act(client, people.director, at(9, 6), "POST", f"{url}/acknowledge")
    assert acknowledged.status_code == 409

    closed = await act(
        client,
        people.commander,
        at(10, 0),
        "POST",
        f"/api/v1/emergency/incidents/{incident['id']}/close",
        {"summary": "处置完毕", "follow_ups": []},
    )
    assert closed.status_code == 200, closed.text
    cancelled = task_of(tasks, people, "guard_a")
    late = await act(
        client, people.guard_a, at(10, 5), "POST", f"{TASKS}/{cancelled['id']}/complete"
    )
    assert late.status_code == 409
    assert "cancelled" in late.json()["detail"]


async def test_the_commander_hands_an_unassigned_task_to_someone(
    service, client, people, nats_server_url, event_namespace
):
    incident = await active_incident(client, people)
    [nobodys] = [
        task
        for task in await tasks_of(client, people.commander, incident["id"])
        if task["assignee"] is None
    ]

    refused = await act(
        client,
        people.agent,
        at(9, 5),
        "POST",
        f"{TASKS}/{nobodys['id']}/reassign",
        {"assignee": people.press.id, "reason": "医疗组无人"},
    )
    assert refused.status_code == 403
    handed = await act(
        client,
        people.commander,
        at(9, 5),
        "POST",
        f"{TASKS}/{nobodys['id']}/reassign",
        {"assignee": people.press.id, "reason": "医疗组无人，由信息中心代为联系120"},
    )

    assert handed.status_code == 200, handed.text
    task = handed.json()
    assert (task["assignee"], task["status"]) == (people.press.id, "assigned")
    assert moment(task["ack_due_at"]) == at(9, 15)
    [line] = await timeline_of(client, people.commander, incident["id"], kind="task_reassigned")
    assert (line["data"]["from"], line["data"]["to"]) == (None, people.press.id)
    events = await eventually(
        published(
            nats_server_url,
            event_namespace,
            "emergency.task.assigned",
            count=1,
            subject=nobodys["id"],
        )
    )
    assert events[0].data["reassigned"] is True
    assert await service.count(Task) == 5


async def test_an_unknown_task_is_not_found(client, people):
    answer = await client.post(f"{TASKS}/nope/complete", headers=people.guard_a.headers)
    assert answer.status_code == 404
