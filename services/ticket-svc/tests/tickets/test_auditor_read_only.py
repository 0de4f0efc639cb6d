"""An auditor reads every ticket and changes none (ARCHITECTURE.md: read-only everything)."""

from guanjia_shared.testing.tokens import Person

from ..ticket_helpers import TICKETS, act, at, open_ticket, publish_commitment


async def test_an_auditor_may_read_a_ticket_but_not_comment_on_it(client, admin, agent, token_mint):
    auditor = Person(token_mint, "auditor")
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"
    assert (await client.get(url, headers=auditor.headers)).status_code == 200

    refused = await act(client, auditor, at(21, 9, 5), "POST", f"{url}/comments", {"body": "x"})

    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    history = (await client.get(f"{url}/events", headers=agent.headers)).json()
    assert [event["kind"] for event in history["items"]] == ["created"]
