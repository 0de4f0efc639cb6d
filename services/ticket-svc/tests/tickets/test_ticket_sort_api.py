"""A ticket list ordered by the next open deadline (sort=due) on the server, across pages."""

from ..ticket_helpers import TICKETS, act, at, open_ticket, publish_commitment


async def _opened(client, agent, when, title):
    return (await open_ticket(client, agent, when, title=title))["id"]


async def test_the_next_open_deadline_orders_the_owners_list_across_pages(client, admin, agent):
    # 30 working minutes to respond, 4 working hours to resolve; work from 08:30.
    await publish_commitment(client, admin)
    responded = await _opened(client, agent, at(21, 8, 45), "responded")
    await act(client, agent, at(21, 8, 50), "POST", f"{TICKETS}/{responded}/start")
    first = await _opened(client, agent, at(21, 9), "first")
    same_moment = await _opened(client, agent, at(21, 9), "same moment")
    later = await _opened(client, agent, at(21, 10), "later")
    waiting = await _opened(client, agent, at(21, 9, 30), "waiting")
    await act(client, agent, at(21, 9, 35), "POST", f"{TICKETS}/{waiting}/start")
    await act(
        client, agent, at(21, 9, 40), "POST", f"{TICKETS}/{waiting}/wait", {"reason": "等配件"}
    )
    resolved = await _opened(client, agent, at(21, 9, 40), "resolved")
    await act(client, agent, at(21, 9, 45), "POST", f"{TICKETS}/{resolved}/start")
    await act(
        client,
        agent,
        at(21, 9, 50),
        "POST",
        f"{TICKETS}/{resolved}/resolve",
        {"resolution": "好了"},
    )

    pages = []
    for offset in (0, 2, 4):
        answer = await act(
            client,
            agent,
            at(21, 11),
            "GET",
            f"{TICKETS}?owner=me&sort=due&limit=2&offset={offset}",
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["total"] == 6
        pages.append([ticket["id"] for ticket in answer.json()["items"]])

    # Responses due 09:30 (two, by id) and 10:30; the responded one's resolution at 15:15
    # (08:45–12:00 and 14:30–15:15); the paused and the resolved ones have none, by id.
    assert pages == [
        sorted([first, same_moment]),
        [later, responded],
        sorted([waiting, resolved]),
    ]


async def test_the_newest_stay_first_unless_asked_and_an_unknown_order_is_refused(
    client, admin, agent
):
    await publish_commitment(client, admin)
    older = await _opened(client, agent, at(21, 9), "older")
    newer = await _opened(client, agent, at(21, 10), "newer")

    listed = await act(client, agent, at(21, 11), "GET", f"{TICKETS}?owner=me")
    assert [ticket["id"] for ticket in listed.json()["items"]] == [newer, older]
    refused = await act(client, agent, at(21, 11), "GET", f"{TICKETS}?sort=title")
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
