"""The token endpoint's own refusals are in the gateway's OpenAPI document, as schemathesis
found they were not (tests/api_fuzz/test_gateway_api.py)."""

TOKEN = "/api/v1/auth/token"
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


async def test_wrong_credentials_and_a_lockout_are_documented_problems(start_gateway):
    async with start_gateway(login_lockout_after_per_username=1) as gateway:
        form = {"grant_type": "password", "username": "admin", "password": "wrong-guess"}
        wrong = await gateway.client.post(TOKEN, data=form)
        locked = await gateway.client.post(TOKEN, data=form)
        document = (await gateway.client.get("/openapi.json")).json()
    assert (wrong.status_code, locked.status_code) == (401, 429)
    documented = document["paths"][TOKEN]["post"]["responses"]
    for answer in (wrong, locked):
        assert answer.headers["content-type"] == "application/problem+json"
        assert documented[str(answer.status_code)]["content"] == PROBLEM
