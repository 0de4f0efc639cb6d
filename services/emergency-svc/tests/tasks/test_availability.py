"""Who is out of reach: marked by commanders, the leadership or an admin — or by
themselves — until a moment or until cleared; their new tasks go to the deputy."""

import datetime as dt

from ..incidents.incident_helpers import (
    AVAILABILITY,
    act,
    activated,
    at,
    plan_in_force,
    reported,
    tasks_of,
)


def mark(user, until=None, reason="年休假"):
    body = {"user_id": user.id, "reason": reason}
    if until is not None:
        body["unavailable_until"] = until.isoformat()
    return body


async def listed(client, person):
    answer = await client.get(AVAILABILITY, headers=person.headers)
    assert answer.status_code == 200, answer.text
    return [entry["user_id"] for entry in answer.json()["items"]]


async def test_people_mark_themselves_and_commanders_mark_anyone(client, people):
    itself = await act(client, people.guard_a, None, "POST", AVAILABILITY, mark(people.guard_a))
    assert itself.status_code == 200, itself.text
    assert itself.json()["marked_by"] == people.guard_a.id
    for marker in (people.commander, people.leader, people.admin):
        answer = await act(client, marker, None, "POST", AVAILABILITY, mark(people.press))
        assert answer.status_code == 200, answer.text

    other = await act(client, people.agent, None, "POST", AVAILABILITY, mark(people.guard_b))
    assert other.status_code == 403

    assert sorted(await listed(client, people.agent)) == sorted(
        [people.guard_a.id, people.press.id]
    )


async def test_a_mark_runs_out_at_its_moment(client, people):
    await plan_in_force(client, people)
    answer = await act(
        client,
        people.commander,
        at(8, 0),
        "POST",
        AVAILABILITY,
        mark(people.guard_b, until=at(10, 0)),
    )
    assert answer.status_code == 200, answer.text

    before = await reported(client, people.reporter, level="IV")
    await activated(client, people.commander, before["id"], at(9, 0))
    after = await reported(client, people.reporter, level="IV")
    await activated(client, people.commander, after["id"], at(10, 0))

    def assignees(tasks):
        return sorted(people.named(task["assignee"]) for task in tasks)

    assert assignees(await tasks_of(client, people.commander, before["id"])) == [
        "captain",
        "guard_a",
    ]
    assert assignees(await tasks_of(client, people.commander, after["id"])) == [
        "guard_a",
        "guard_b",
    ]


async def test_a_cleared_mark_no_longer_counts(client, people):
    await act(client, people.guard_b, None, "POST", AVAILABILITY, mark(people.guard_b))

    refused = await act(client, people.agent, None, "DELETE", f"{AVAILABILITY}/{people.guard_b.id}")
    assert refused.status_code == 403
    cleared = await act(
        client, people.guard_b, None, "DELETE", f"{AVAILABILITY}/{people.guard_b.id}"
    )
    assert cleared.status_code == 204
    assert await listed(client, people.agent) == []
    missing = await act(
        client, people.guard_b, None, "DELETE", f"{AVAILABILITY}/{people.guard_b.id}"
    )
    assert missing.status_code == 404


async def test_a_mark_ending_in_the_past_is_refused(client, people):
    past = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    answer = await act(
        client, people.guard_a, None, "POST", AVAILABILITY, mark(people.guard_a, until=past)
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["pointer"] == "#/unavailable_until"
    naive = await act(
        client,
        people.guard_a,
        None,
        "POST",
        AVAILABILITY,
        {"user_id": people.guard_a.id, "reason": "x", "unavailable_until": "2030-01-01T00:00:00"},
    )
    assert naive.status_code == 422
