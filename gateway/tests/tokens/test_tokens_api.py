"""The token endpoint, the JWKS and /me, over real HTTP against a real database."""

import base64

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.testing.harness import bearer, sign
from guanjia_shared.auth import principal_from_claims

TOKEN = "/api/v1/auth/token"
ME = "/api/v1/auth/me"


def password_grant(username: str, password: str) -> dict:
    return {"grant_type": "password", "username": username, "password": password}


async def verified_claims(gateway, token: str) -> dict:
    """The claims, checked as a service would: against the published JWKS."""
    keys = (await gateway.client.get("/.well-known/jwks.json")).json()["keys"]
    kid = jwt.get_unverified_header(token)["kid"]
    (jwk,) = [key for key in keys if key["kid"] == kid]
    return jwt.decode(
        token, jwt.PyJWK(jwk), algorithms=["EdDSA"], audience="guanjia", issuer="guanjia-gateway"
    )


async def create_client(gateway, admin, **fields) -> dict:
    body = {"name": "市政务服务平台", "roles": ["integration"], **fields}
    answer = await gateway.client.post("/api/v1/auth/clients", json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_the_password_grant_answers_a_short_lived_bearer_token(gateway, admin):
    user = await gateway.create_user(admin, "agent", unit_id="unit-1", department="后勤处")
    answer = await gateway.client.post(
        TOKEN, data=password_grant(user["username"], "a-long-password")
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 15 * 60
    claims = await verified_claims(gateway, body["access_token"])
    assert claims["sub"] == user["id"] and claims["username"] == user["username"]
    assert claims["roles"] == ["agent"] and claims["kind"] == "user"
    assert claims["unit_id"] == "unit-1" and claims["department"] == "后勤处"
    assert claims["exp"] - claims["iat"] == 15 * 60 and claims["jti"]
    principal = principal_from_claims(claims)
    assert principal.has_any("agent") and principal.id == user["id"]


async def test_the_client_credentials_grant_answers_a_token_for_the_client(gateway, admin):
    client = await create_client(gateway, admin, roles=["integration", "auditor"], unit_id="u-9")
    answer = await gateway.client.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
        },
    )
    assert answer.status_code == 200, answer.text
    claims = await verified_claims(gateway, answer.json()["access_token"])
    assert claims["kind"] == "client" and claims["sub"] == client["id"]
    assert claims["username"] == "市政务服务平台"
    assert claims["roles"] == ["integration", "auditor"] and claims["unit_id"] == "u-9"


async def test_client_credentials_may_come_as_http_basic(gateway, admin):
    client = await create_client(gateway, admin)
    pair = f"{client['client_id']}:{client['client_secret']}".encode()
    answer = await gateway.client.post(
        TOKEN,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic " + base64.b64encode(pair).decode()},
    )
    assert answer.status_code == 200, answer.text


async def test_wrong_credentials_get_one_answer_whether_or_not_the_user_exists(gateway, admin):
    user = await gateway.create_user(admin, "agent")
    known = await gateway.client.post(TOKEN, data=password_grant(user["username"], "wrong-one"))
    unknown = await gateway.client.post(TOKEN, data=password_grant("nobody-here", "wrong-one"))
    for answer in (known, unknown):
        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["www-authenticate"] == "Bearer"
    assert known.content == unknown.content
    assert known.json()["error"] == "invalid_grant"


async def test_a_deactivated_user_gets_the_answer_of_a_wrong_password(gateway, admin):
    user = await gateway.create_user(admin, "agent")
    await gateway.client.patch(
        f"/api/v1/auth/users/{user['id']}", json={"active": False}, headers=admin
    )
    refused = await gateway.client.post(
        TOKEN, data=password_grant(user["username"], user["password"])
    )
    wrong = await gateway.client.post(TOKEN, data=password_grant(user["username"], "wrong-one"))
    assert refused.status_code == 401 and refused.content == wrong.content


async def test_a_wrong_client_secret_gets_the_answer_of_an_unknown_client(gateway, admin):
    client = await create_client(gateway, admin)
    answers = [
        await gateway.client.post(
            TOKEN,
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": "x"},
        )
        for client_id in (client["client_id"], "gj-no-such-client")
    ]
    assert [answer.status_code for answer in answers] == [401, 401]
    assert answers[0].content == answers[1].content
    assert answers[0].json()["error"] == "invalid_client"


async def test_an_unsupported_grant_type_is_a_400_problem(gateway):
    answer = await gateway.client.post(TOKEN, data={"grant_type": "authorization_code"})
    assert answer.status_code == 400
    assert answer.json()["type"] == "urn:guanjia:problem:unsupported-grant-type"
    assert answer.json()["error"] == "unsupported_grant_type"


async def test_a_password_grant_without_a_password_names_the_missing_field(gateway):
    answer = await gateway.client.post(TOKEN, data={"grant_type": "password", "username": "a"})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"detail": "required", "parameter": "password"}]


async def test_me_answers_the_caller(gateway, admin):
    user = await gateway.create_user(admin, "dept_head", unit_id="unit-2", department="办公室")
    answer = await gateway.client.get(
        ME, headers=await gateway.headers(user["username"], user["password"])
    )
    assert answer.status_code == 200
    assert answer.json() == {
        "id": user["id"],
        "username": user["username"],
        "display_name": "张三",
        "roles": ["dept_head"],
        "unit_id": "unit-2",
        "department": "办公室",
        "kind": "user",
    }


async def test_me_answers_an_api_client(gateway, admin):
    client = await create_client(gateway, admin)
    token = (
        await gateway.client.post(
            TOKEN,
            data={
                "grant_type": "client_credentials",
                "client_id": client["client_id"],
                "client_secret": client["client_secret"],
            },
        )
    ).json()["access_token"]
    me = (await gateway.client.get(ME, headers=bearer(token))).json()
    assert me["id"] == client["id"] and me["kind"] == "client"
    assert me["display_name"] == "市政务服务平台" and me["roles"] == ["integration"]


async def test_an_expired_token_is_refused_at_me(gateway, admin, signing_key):
    admin_id = (await gateway.client.get(ME, headers=admin)).json()["id"]
    expired = sign(signing_key, sub=admin_id, exp=1_000_000_000, iat=999_999_000)
    answer = await gateway.client.get(ME, headers=bearer(expired))
    assert answer.status_code == 401
    assert answer.json()["detail"] == "the token has expired"


async def test_forged_tokens_are_refused_at_me(gateway, admin, signing_key):
    admin_id = (await gateway.client.get(ME, headers=admin)).json()["id"]
    forger = Ed25519PrivateKey.generate()
    our_kid = jwt.get_unverified_header(admin["Authorization"].split()[1])["kid"]
    forged = [
        sign(forger, sub=admin_id),  # a key of its own
        sign(forger, sub=admin_id, kid=our_kid),  # posing as ours
        sign(signing_key, sub=admin_id, aud="another-audience"),
        sign(signing_key, sub=admin_id, iss="another-issuer"),
        "not-a-token",
    ]
    for token in forged:
        answer = await gateway.client.get(ME, headers=bearer(token))
        assert answer.status_code == 401, token
        assert answer.headers["content-type"] == "application/problem+json"


async def test_the_token_of_a_deactivated_user_no_longer_answers_me(gateway, admin):
    user = await gateway.create_user(admin, "agent")
    headers = await gateway.headers(user["username"], user["password"])
    await gateway.client.patch(
        f"/api/v1/auth/users/{user['id']}", json={"active": False}, headers=admin
    )
    assert (await gateway.client.get(ME, headers=headers)).status_code == 401


async def test_during_a_rotation_the_jwks_carries_both_keys_and_both_verify(
    start_gateway, tmp_path, signing_key
):
    previous = Ed25519PrivateKey.generate()
    previous_file = tmp_path / "previous.pub.pem"
    previous_file.write_bytes(
        previous.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    async with start_gateway(previous_public_key_file=previous_file) as gateway:
        keys = (await gateway.client.get("/.well-known/jwks.json")).json()["keys"]
        assert len(keys) == 2 and all(key["alg"] == "EdDSA" for key in keys)
        admin_id = (await gateway.client.get(ME, headers=await gateway.headers())).json()["id"]
        old_token = sign(previous, sub=admin_id)
        assert (await gateway.client.get(ME, headers=bearer(old_token))).status_code == 200
        new_token = await gateway.token()
        assert (
            jwt.get_unverified_header(new_token)["kid"]
            != jwt.get_unverified_header(old_token)["kid"]
        )
