"""Coordination (协办): the owner asks another department for its part, with that
department's own deadline; the owner stays the owner."""

from guanjia_shared.testing.tokens import Person

from ..ticket_helpers import (
    DEPARTMENT,
    OTHER_DEPARTMENT,
    TICKETS,
    act,
    at,
    moment,
    open_ticket,
    publish_commitment,
)


async def test_a_coordinating_department_sees_the_ticket_and_completes_its_part(
    client, admin, agent, other_agent, token_mint
):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"
    assert (await client.get(url, headers=other_agent.headers)).status_code == 404

    asked = await act(
        client,
        agent,
        at(21, 9, 10),
        "POST",
        f"{url}/coordinate",
        {"department": OTHER_DEPARTMENT, "note": "请财务处核定维修费用", "due_in_minutes": 60},
    )
    assert asked.status_code == 201, asked.text
    part = asked.json()
    assert part["department"] == OTHER_DEPARTMENT and part["status"] == "open"
    assert moment(part["due_at"]) == at(21, 10, 10)

    # The owner's first action met the response commitment; the owner is unchanged.
    seen = await client.get(url, headers=other_agent.headers)
    assert seen.status_code == 200
    assert seen.json()["owner"] == agent.id and seen.json()["status"] == "in_progress"
    listed = await client.get(TICKETS, headers=other_agent.headers)
    assert [t["id"] for t in listed.json()["items"]] == [ticket["id"]]

    blocked = await client.post(
        f"{url}/resolve", json={"resolution": "好了"}, headers=agent.headers
    )
    assert blocked.status_code == 409
    assert blocked.json()["rule"] == "finish-coordinations-first"

    outsider = Person(token_mint, "agent", department="保卫处")
    done_url = f"{url}/coordinations/{part['id']}/complete"
    refused = await client.post(done_url, json={"result": "x"}, headers=outsider.headers)
    assert refused.status_code == 404  # the ticket is out of the outsider's sight
    done = await act(client, other_agent, at(21, 10, 40), "POST", done_url, {"result": "已核定"})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed" and done.json()["completed_by"] == other_agent.id
    again = await client.post(done_url, json={"result": "再次"}, headers=other_agent.headers)
    assert again.status_code == 409 and again.json()["rule"] == "complete-once"

    history = (await client.get(f"{url}/events", headers=agent.headers)).json()["items"]
    completed = next(entry for entry in history if entry["kind"] == "coordination_completed")
    assert completed["data"]["late"] is True  # 10:40 is past the 10:10 deadline
    resolved = await client.post(
        f"{url}/resolve", json={"resolution": "好了"}, headers=agent.headers
    )
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"


async def test_without_a_deadline_the_part_is_due_with_the_ticket(client, admin, agent):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    part = await act(
        client,
        agent,
        at(21, 9, 10),
        "POST",
        f"{TICKETS}/{ticket['id']}/coordinate",
        {"department": OTHER_DEPARTMENT, "note": "协助"},
    )
    assert moment(part.json()["due_at"]) == moment(ticket["resolve_due_at"]) == at(21, 15, 30)


async def test_coordination_is_the_owners_call_and_goes_to_another_department(
    client, admin, agent, head
):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}/coordinate"
    body = {"department": OTHER_DEPARTMENT, "note": "协助"}
    assert (await client.post(url, json=body, headers=head.headers)).status_code == 403
    own = await client.post(
        url, json={"department": DEPARTMENT, "note": "协助"}, headers=agent.headers
    )
    assert own.status_code == 422
    assert own.json()["errors"][0]["pointer"] == "#/department"
    for bad in ({"department": OTHER_DEPARTMENT}, {**body, "due_in_minutes": 0}):
        assert (await client.post(url, json=bad, headers=agent.headers)).status_code == 422
    listed = await client.get(f"{TICKETS}/{ticket['id']}/coordinations", headers=agent.headers)
    assert listed.json() == []
    assert (await client.get(f"{TICKETS}/{ticket['id']}", headers=agent.headers)).json()[
        "status"
    ] == "new"
