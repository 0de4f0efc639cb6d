async def test_an_agent_gets_an_empty_ticket_list(client, token_mint):
    response = await client.get("/api/v1/ticket/tickets", headers=token_mint.headers("agent"))
    assert response.status_code == 200
    assert response.json() == {"items": [], "total": 0}


async def test_tickets_need_a_token(client):
    response = await client.get("/api/v1/ticket/tickets")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
