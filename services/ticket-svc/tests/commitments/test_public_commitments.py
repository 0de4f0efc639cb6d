async def test_published_commitments_are_public_without_a_token(client):
    response = await client.get("/public/v1/commitments")
    assert response.status_code == 200
    assert response.json() == {"items": [], "total": 0}


async def test_the_full_commitment_list_needs_a_token(client):
    assert (await client.get("/api/v1/ticket/commitments")).status_code == 401
