"""GET /openapi.json and /docs at the gateway, with real services behind it."""

import asyncio


async def test_the_merged_schema_holds_the_gateways_and_the_services_paths(
    start_gateway, asset_svc, gateway_port, fake_ticket
):
    async with start_gateway(
        port=gateway_port, asset_url=asset_svc.url, ticket_url=fake_ticket.url
    ) as gateway:
        answer = await gateway.client.get("/openapi.json")
        docs = await gateway.client.get("/docs")
    assert answer.status_code == 200
    document = answer.json()
    paths = document["paths"]
    assert {"/api/v1/auth/token", "/api/v1/auth/users", "/.well-known/jwks.json"} <= set(paths)
    assert {"/api/v1/asset/units", "/api/v1/asset/units/{unit_id}"} <= set(paths)
    assert "/api/v1/ticket/echo/{rest}" in paths and "/seen" not in paths
    schemas = document["components"]["schemas"]
    assert "id" in schemas["UnitRead"]["properties"] and "code" in schemas["UnitRead"]["properties"]
    assert set(schemas["ticket_UnitRead"]["properties"]) == {"id", "label"}
    fake_unit = paths["/api/v1/ticket/units/{unit_id}"]["get"]["responses"]["200"]
    assert fake_unit["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ticket_UnitRead"
    }
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    # The gateway's own refusals and the services' are documented as what they are.
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    create_user = paths["/api/v1/auth/users"]["post"]["responses"]
    assert create_user["422"]["content"] == create_user["401"]["content"] == problem
    assert paths["/api/v1/asset/units/{unit_id}"]["get"]["responses"]["404"]["content"] == problem


async def test_a_service_that_was_down_joins_the_schema_when_it_comes_back(
    start_gateway, fake_emergency
):
    async with start_gateway(emergency_url=fake_emergency.url) as gateway:
        before = (await gateway.client.get("/openapi.json")).json()["paths"]
        assert not any(path.startswith("/api/v1/emergency/") for path in before)
        await asyncio.to_thread(fake_emergency.start)
        after = (await gateway.client.get("/openapi.json")).json()["paths"]
        assert "/api/v1/emergency/echo/{rest}" in after
        assert "/api/v1/auth/token" in after
