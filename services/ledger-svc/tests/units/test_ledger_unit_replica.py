from guanjia_shared.testing.replica_checks import check_unit_replica_follows_asset_events


async def test_the_unit_replica_follows_asset_unit_events(
    client, token_mint, nats_server_url, event_namespace
):
    await check_unit_replica_follows_asset_events(
        client, token_mint.headers("agent"), nats_server_url, event_namespace, "/api/v1/ledger"
    )


async def test_an_unknown_unit_is_a_404(client, token_mint):
    response = await client.get("/api/v1/ledger/units/nope", headers=token_mint.headers("agent"))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
