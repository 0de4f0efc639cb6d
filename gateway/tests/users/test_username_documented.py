"""The username's rule is in the gateway's OpenAPI document, and takes what the gateway
takes: schemathesis drew no username it would accept while the rule was left out."""

import re

USERS = "/api/v1/auth/users"
USERNAMES = ("li.si", "  Li.Si@Bureau-1 ", "\tzhao_6\n", "x" * 64)
REFUSED = ("x" * 65, "-li", ".li", "李四", "a b", "", " ")


async def test_the_documented_username_pattern_is_what_is_accepted(gateway, admin):
    document = (await gateway.client.get("/openapi.json")).json()
    pattern = document["components"]["schemas"]["UserCreate"]["properties"]["username"]["pattern"]
    for username in USERNAMES + REFUSED:
        answer = await gateway.client.post(
            USERS,
            json={"username": username, "password": "a-long-password", "display_name": "李四"},
            headers=admin,
        )
        accepted = username in USERNAMES
        assert answer.status_code == (201 if accepted else 422), (username, answer.text)
        assert bool(re.search(pattern, username)) == accepted, username
        if accepted:
            assert answer.json()["username"] == username.strip().lower()
