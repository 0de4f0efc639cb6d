"""The gateway in front of the real asset-svc: the service checks the gateway's tokens
against the gateway's JWKS, and its own refusals come back unchanged."""

ASSET_UNITS = "/api/v1/asset/units"


async def test_asset_svc_answers_through_the_gateway_with_the_gateways_tokens(
    start_gateway, asset_svc, gateway_port
):
    async with start_gateway(port=gateway_port, asset_url=asset_svc.url) as gateway:
        admin = await gateway.headers()
        created = await gateway.client.post(
            ASSET_UNITS,
            json={"code": "U001", "name": "市财政局", "level": "municipal"},
            headers={**admin, "X-Request-ID": "made-through-the-gateway"},
        )
        assert created.status_code == 201, created.text
        assert created.headers["x-request-id"] == "made-through-the-gateway"
        assert created.headers["etag"] == '"1"'
        listed = await gateway.client.get(ASSET_UNITS, headers=admin)
        assert listed.json()["total"] == 1
        staff = await gateway.create_user(admin, "unit_staff")
        refused = await gateway.client.post(
            ASSET_UNITS,
            json={"code": "U002", "name": "x", "level": "municipal"},
            headers=await gateway.headers(staff["username"], staff["password"]),
        )
        assert refused.status_code == 403
        assert refused.json()["type"] == "urn:guanjia:problem:forbidden"


async def test_an_oversize_body_gets_asset_svcs_own_413(start_gateway, asset_svc, gateway_port):
    async with start_gateway(port=gateway_port, asset_url=asset_svc.url) as gateway:
        answer = await gateway.client.post(
            ASSET_UNITS,
            content=b'{"code": "' + b"x" * (2 * 1024 * 1024) + b'"}',
            headers={**await gateway.headers(), "content-type": "application/json"},
        )
        assert answer.status_code == 413
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"] == "urn:guanjia:problem:payload-too-large"
        assert (await gateway.client.get(ASSET_UNITS, headers=await gateway.headers())).json()[
            "total"
        ] == 0
