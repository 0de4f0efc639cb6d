"""Rating codes (issue 14, hole 4): a resolved ticket's requester is handed an unguessable
code; with it, and only with it, the ticket is rated in public, once. The code is shown to
the requester's side alone, and what the code opens shows nothing personal."""

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events
from guanjia_shared.testing.tokens import Person

from ..ticket_helpers import DEPARTMENT, TICKETS, act, at, open_ticket, publish_commitment
from .rating_helpers import PUBLIC, app_sessions, stored_ratings

PROBLEM = "application/problem+json"
TITLE = "三楼卫生间漏水"


async def resolve(client, agent, ticket) -> dict:
    answer = await act(
        client,
        agent,
        at(21, 16),
        "POST",
        f"{TICKETS}/{ticket['id']}/resolve",
        {"resolution": "换了阀门"},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def resolved_ticket(client, admin, agent) -> dict:
    """A ticket the agent opened on Monday 21 September 2026 and resolved at 16:00."""
    await publish_commitment(client, admin)
    return await resolve(client, agent, await open_ticket(client, agent, at(21, 9)))


async def test_resolving_hands_the_owner_the_code_for_the_requesters_receipt(client, admin, agent):
    await publish_commitment(client, admin)
    opened = await open_ticket(client, agent, at(21, 9))

    resolved = await resolve(client, agent, opened)

    assert opened["rating_code"] is None  # nothing to rate yet
    assert isinstance(resolved["rating_code"], str) and len(resolved["rating_code"]) >= 22


async def test_only_the_requesters_side_is_shown_the_code(
    client, admin, agent, requester, token_mint
):
    ticket = await resolved_ticket(client, admin, agent)
    code = ticket["rating_code"]
    url = f"{TICKETS}/{ticket['id']}"

    async def code_seen_by(person) -> str | None:
        answer = await act(client, person, at(21, 17), "GET", url)
        assert answer.status_code == 200, answer.text
        listed = await act(client, person, at(21, 17), "GET", TICKETS)
        [item] = [item for item in listed.json()["items"] if item["id"] == ticket["id"]]
        assert item["rating_code"] == answer.json()["rating_code"]
        return answer.json()["rating_code"]

    assert await code_seen_by(requester) == code
    assert await code_seen_by(agent) == code  # the owner, for a requester without an account
    for role, fields in [
        ("agent", {"department": DEPARTMENT}),  # the department's other staff
        ("dept_head", {"department": DEPARTMENT}),
        ("admin", {}),
        ("leader", {}),
        ("auditor", {}),
    ]:
        assert await code_seen_by(Person(token_mint, role, **fields)) is None, role

    other_unit = Person(token_mint, "unit_staff", unit_id="unit-b")
    hidden = await act(client, other_unit, at(21, 17), "GET", url)
    listed = await act(client, other_unit, at(21, 17), "GET", TICKETS)
    assert hidden.status_code == 404
    assert code not in hidden.text and code not in listed.text


async def test_the_code_stays_out_of_the_history_and_the_events(
    client, admin, agent, nats_server_url, event_namespace
):
    ticket = await resolved_ticket(client, admin, agent)
    code = ticket["rating_code"]

    history = await act(client, agent, at(21, 17), "GET", f"{TICKETS}/{ticket['id']}/events")

    async def resolution_published():
        events = await published_events(nats_server_url, event_namespace, "ticket")
        assert "gov.guanjia.ticket.ticket.resolved.v1" in [event.type for event in events]
        return events

    events = await eventually(resolution_published)
    assert history.status_code == 200 and code not in history.text
    assert all(code not in event.model_dump_json() for event in events)


async def test_a_ticket_is_rated_with_its_code_only_and_once(client, admin, agent):
    ticket = await resolved_ticket(client, admin, agent)
    code = ticket["rating_code"]

    by_id = await client.post(
        PUBLIC, json={"ticket_id": ticket["id"], "department": DEPARTMENT, "score": 1}
    )
    guessed = await client.post(
        PUBLIC, json={"ticket_id": ticket["id"], "code": "A" * 22, "score": 1}
    )
    rated = await client.post(PUBLIC, json={"code": code, "score": 5, "comment": "及时"})
    again = await client.post(PUBLIC, json={"code": code, "score": 1})

    for refused in (by_id, guessed):
        assert refused.status_code == 422 and refused.headers["content-type"] == PROBLEM
        assert refused.json()["errors"][0]["pointer"] == "#/code"
    assert rated.status_code == 201, rated.text
    assert rated.json()["ticket_id"] == ticket["id"] and rated.json()["department"] == DEPARTMENT
    assert again.status_code == 409 and again.json()["rule"] == "one-rating-per-ticket"
    assert [(r.ticket_id, r.score) for r in await stored_ratings(app_sessions(client))] == [
        (ticket["id"], 5)
    ]


async def test_the_invitation_shows_the_service_and_nothing_personal(client, admin, agent):
    ticket = await resolved_ticket(client, admin, agent)
    invitation_url = f"{PUBLIC}/invitations/{ticket['rating_code']}"

    before = await client.get(invitation_url)
    await client.post(PUBLIC, json={"code": ticket["rating_code"], "score": 4})
    after = await client.get(invitation_url)

    assert before.status_code == 200, before.text
    assert before.json() == {
        "title": TITLE,
        "department": DEPARTMENT,
        "resolved_on": "2026-09-21",
        "rated": False,
        "can_rate": True,
    }
    for personal in ("张三", "13800000000", "unit-a", "302 室外走廊", agent.id, ticket["id"]):
        assert personal not in before.text
    assert (after.json()["rated"], after.json()["can_rate"]) == (True, False)


async def test_an_unknown_code_opens_nothing(client):
    missing = await client.get(f"{PUBLIC}/invitations/no-such-code")

    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
