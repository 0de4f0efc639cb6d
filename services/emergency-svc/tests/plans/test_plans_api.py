async def test_an_authenticated_caller_gets_an_empty_plan_list(client, token_mint):
    response = await client.get("/api/v1/emergency/plans", headers=token_mint.headers("leader"))
    assert response.status_code == 200
    assert response.json() == {"items": [], "total": 0}


async def test_plans_need_a_token(client):
    response = await client.get("/api/v1/emergency/plans")
    assert response.status_code == 401
    assert response.json()["type"] == "urn:guanjia:problem:unauthorized"
