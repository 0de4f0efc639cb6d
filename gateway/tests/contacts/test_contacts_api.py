"""How a person is reached: their contact points at /api/v1/auth/me/contacts (an address is
used only once the code sent to it, by the `auth.contact.verification_requested` event for
notify-svc to deliver, has come back) and their message preferences at
/api/v1/auth/me/preferences. Every change a replica needs, an admin's too, is an `auth.user.*`
event on real NATS."""

import asyncio
from collections import Counter

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.clocks import HandClock

CONTACTS = "/api/v1/auth/me/contacts"
PREFERENCES = "/api/v1/auth/me/preferences"


async def sent_codes(gateway, user_id: str, count: int) -> list[dict]:
    """The verification requests published for the user, once `count` of them are out."""

    async def check() -> list[dict]:
        found = await gateway.published("auth.contact.verification_requested", user_id)
        assert len(found) == count
        return found

    return await eventually(check)


async def last_snapshot(gateway, user_id: str, version: int) -> dict:
    """The user as the `auth.user.*` events last told it, once `version` is out."""

    async def check() -> dict:
        found = await gateway.published("auth.user.updated", user_id)
        found += await gateway.published("auth.user.created", user_id)
        assert found, "no auth.user event yet"
        latest = max(found, key=lambda data: data["version"])
        assert latest["version"] == version
        return latest

    return await eventually(check)


@pytest.fixture
async def person(gateway, admin):
    user = await gateway.create_user(admin, "agent", department="后勤服务中心")
    return {**user, "headers": await gateway.headers(user["username"], user["password"])}


async def test_a_mobile_number_is_used_once_the_code_sent_to_it_comes_back(gateway, person):
    set_answer = await gateway.client.put(
        f"{CONTACTS}/mobile", json={"address": "+86 138-0013-8000"}, headers=person["headers"]
    )
    assert set_answer.status_code == 202, set_answer.text
    pending = set_answer.json()
    assert pending["address"] is None and pending["verified_at"] is None
    assert pending["pending_address"] == "13800138000" and pending["code_expires_at"]
    [request] = await sent_codes(gateway, person["id"], 1)
    assert request["channel"] == "mobile" and request["address"] == "13800138000"
    assert request["user_id"] == person["id"] and len(request["code"]) == 6
    # Not yet in use: the replicas still know the person without it.
    created = await last_snapshot(gateway, person["id"], 1)
    assert created["contacts"] == [] and created["department"] == "后勤服务中心"

    verified = await gateway.client.post(
        f"{CONTACTS}/mobile/verify", json={"code": request["code"]}, headers=person["headers"]
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["address"] == "13800138000" and verified.json()["verified_at"]
    assert verified.json()["pending_address"] is None
    updated = await last_snapshot(gateway, person["id"], 2)
    assert updated["contacts"] == [{"channel": "mobile", "address": "13800138000"}]
    assert "password" not in repr(updated).lower()

    listed = await gateway.client.get(CONTACTS, headers=person["headers"])
    assert [(c["channel"], c["address"]) for c in listed.json()] == [("mobile", "13800138000")]


async def test_the_verified_address_stays_in_use_while_a_new_one_is_verified(
    start_gateway,
):
    with HandClock().as_now() as clock:
        async with start_gateway() as gateway:
            admin = await gateway.headers()
            user = await gateway.create_user(admin, "agent")
            headers = await gateway.headers(user["username"], user["password"])
            await gateway.client.put(
                f"{CONTACTS}/email", json={"address": "Li.Si@Example.GOV.cn"}, headers=headers
            )
            [first] = await sent_codes(gateway, user["id"], 1)
            assert first["address"] == "Li.Si@example.gov.cn"  # the mailbox kept as typed
            await gateway.client.post(
                f"{CONTACTS}/email/verify", json={"code": first["code"]}, headers=headers
            )
            clock.advance(60)
            moving = await gateway.client.put(
                f"{CONTACTS}/email", json={"address": "lisi@example.gov.cn"}, headers=headers
            )
            assert moving.status_code == 202
            assert moving.json()["address"] == "Li.Si@example.gov.cn"
            assert moving.json()["pending_address"] == "lisi@example.gov.cn"
            # Typed again as it is, the verified address needs no code, and the move is off.
            clock.advance(60)
            again = await gateway.client.put(
                f"{CONTACTS}/email", json={"address": "Li.Si@example.gov.cn"}, headers=headers
            )
            assert again.status_code == 200 and again.json()["pending_address"] is None
            [_, second] = await sent_codes(gateway, user["id"], 2)
            late = await gateway.client.post(
                f"{CONTACTS}/email/verify", json={"code": second["code"]}, headers=headers
            )
            assert late.status_code == 409 and late.json()["rule"] == "no-code-out"
            snapshot = await last_snapshot(gateway, user["id"], 2)
            assert snapshot["contacts"] == [{"channel": "email", "address": "Li.Si@example.gov.cn"}]


async def test_a_code_expires_and_a_new_one_waits_a_minute(start_gateway):
    with HandClock().as_now() as clock:
        async with start_gateway() as gateway:
            admin = await gateway.headers()
            user = await gateway.create_user(admin, "agent")
            headers = await gateway.headers(user["username"], user["password"])
            body = {"address": "13900139000"}
            assert (
                await gateway.client.put(f"{CONTACTS}/mobile", json=body, headers=headers)
            ).status_code == 202
            clock.advance(59)
            too_soon = await gateway.client.put(f"{CONTACTS}/mobile", json=body, headers=headers)
            assert too_soon.status_code == 429 and too_soon.headers["retry-after"] == "2"
            assert too_soon.headers["content-type"] == "application/problem+json"
            [code] = await sent_codes(gateway, user["id"], 1)  # no second code went out
            clock.advance(10 * 60 - 59)
            expired = await gateway.client.post(
                f"{CONTACTS}/mobile/verify", json={"code": code["code"]}, headers=headers
            )
            assert expired.status_code == 409 and expired.json()["rule"] == "code-spent"

            resent = await gateway.client.put(f"{CONTACTS}/mobile", json=body, headers=headers)
            assert resent.status_code == 202
            [old, new] = await sent_codes(gateway, user["id"], 2)
            if old["code"] != new["code"]:
                stale = await gateway.client.post(
                    f"{CONTACTS}/mobile/verify", json={"code": old["code"]}, headers=headers
                )
                assert stale.status_code == 422
            fresh = await gateway.client.post(
                f"{CONTACTS}/mobile/verify", json={"code": new["code"]}, headers=headers
            )
            assert fresh.status_code == 200 and fresh.json()["address"] == "13900139000"


async def test_a_person_has_ten_codes_sent_a_day_whatever_the_numbers(start_gateway):
    with HandClock().as_now() as clock:
        async with start_gateway() as gateway:
            admin = await gateway.headers()
            user = await gateway.create_user(admin, "agent")
            headers = await gateway.headers(user["username"], user["password"])

            async def ask(number: int):
                return await gateway.client.put(
                    f"{CONTACTS}/mobile", json={"address": f"1380013{number:04d}"}, headers=headers
                )

            for number in range(10):
                assert (await ask(number)).status_code == 202
                clock.advance(60)
            refused = await ask(10)
            assert refused.status_code == 429
            # The first code was sent 600 s ago: it is a day old 86 400 - 600 s from now.
            assert refused.headers["retry-after"] == str(86_400 - 600 + 1)
            assert "10 codes" in refused.json()["detail"]
            clock.advance(86_400 - 600)
            assert (await ask(10)).status_code == 202
            assert len(await sent_codes(gateway, user["id"], 11)) == 11


async def test_guesses_sent_at_once_get_five_tries_between_them(gateway, person):
    headers = person["headers"]
    await gateway.client.put(f"{CONTACTS}/wecom", json={"address": "LiSi_01"}, headers=headers)
    [request] = await sent_codes(gateway, person["id"], 1)
    wrong = [f"{(int(request['code']) + step) % 10**6:06d}" for step in range(1, 31)]
    answers = await asyncio.gather(
        *(
            gateway.client.post(f"{CONTACTS}/wecom/verify", json={"code": code}, headers=headers)
            for code in wrong
        )
    )
    assert Counter(answer.status_code for answer in answers) == {422: 5, 409: 25}
    right = await gateway.client.post(
        f"{CONTACTS}/wecom/verify", json={"code": request["code"]}, headers=headers
    )
    assert right.status_code == 409 and right.json()["rule"] == "code-spent"
    listed = await gateway.client.get(CONTACTS, headers=headers)
    assert listed.json()[0]["address"] is None


@pytest.mark.parametrize(
    ("channel", "address"),
    [
        ("mobile", "12800138000"),
        ("mobile", "1380013800"),
        ("mobile", '=HYPERLINK("http://x")'),
        ("email", "no-at-sign.example.cn"),
        ("email", "a@b"),
        ("email", "li si@example.cn"),
        ("wecom", "李四"),
        ("wecom", "a\x00b"),
        ("wecom", "x" * 65),
    ],
)
async def test_an_address_its_channel_cannot_take_is_refused_and_nothing_is_sent(
    gateway, person, channel, address
):
    answer = await gateway.client.put(
        f"{CONTACTS}/{channel}", json={"address": address}, headers=person["headers"]
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["pointer"] == "#/address"
    assert (await gateway.client.get(CONTACTS, headers=person["headers"])).json() == []
    assert await gateway.published("auth.contact.verification_requested", person["id"]) == []


async def test_an_unknown_channel_and_a_huge_address_are_refused(gateway, person):
    unknown = await gateway.client.put(
        f"{CONTACTS}/fax", json={"address": "010-1234"}, headers=person["headers"]
    )
    assert unknown.status_code == 422
    huge = await gateway.client.put(
        f"{CONTACTS}/email", json={"address": "a" * 10_000_000}, headers=person["headers"]
    )
    assert huge.status_code in (413, 422)
    assert (await gateway.client.get(CONTACTS, headers=person["headers"])).json() == []


async def test_removing_a_verified_contact_point_tells_the_replicas(gateway, person):
    headers = person["headers"]
    await gateway.client.put(f"{CONTACTS}/mobile", json={"address": "13800138001"}, headers=headers)
    [request] = await sent_codes(gateway, person["id"], 1)
    await gateway.client.post(
        f"{CONTACTS}/mobile/verify", json={"code": request["code"]}, headers=headers
    )
    removed = await gateway.client.delete(f"{CONTACTS}/mobile", headers=headers)
    assert removed.status_code == 204
    assert (await last_snapshot(gateway, person["id"], 3))["contacts"] == []
    again = await gateway.client.delete(f"{CONTACTS}/mobile", headers=headers)
    assert again.status_code == 404


async def test_an_api_client_has_no_contact_points(gateway, admin):
    headers = await gateway.client_headers(admin, name="12345 热线", roles=["integration"])
    for answer in (
        await gateway.client.get(CONTACTS, headers=headers),
        await gateway.client.put(f"{CONTACTS}/email", json={"address": "a@b.cn"}, headers=headers),
        await gateway.client.get("/api/v1/auth/me/preferences", headers=headers),
    ):
        assert answer.status_code == 403


async def test_each_person_sees_and_changes_only_their_own(gateway, admin, person):
    other = await gateway.create_user(admin, "agent")
    other_headers = await gateway.headers(other["username"], other["password"])
    await gateway.client.put(
        f"{CONTACTS}/mobile", json={"address": "13800138002"}, headers=person["headers"]
    )
    [request] = await sent_codes(gateway, person["id"], 1)
    assert (await gateway.client.get(CONTACTS, headers=other_headers)).json() == []
    stolen = await gateway.client.post(
        f"{CONTACTS}/mobile/verify", json={"code": request["code"]}, headers=other_headers
    )
    assert stolen.status_code == 409
    listed = await gateway.client.get(CONTACTS, headers=person["headers"])
    assert listed.json()[0]["pending_address"] == "13800138002"


async def test_preferences_are_saved_whole_and_reach_the_replicas(gateway, admin):
    user = await gateway.create_user(admin, "dept_head", department="物业科")
    headers = await gateway.headers(user["username"], user["password"])
    assert (await gateway.client.get(PREFERENCES, headers=headers)).json() == {"topics": []}
    chosen = {
        "topics": [
            {"topic": "ticket.escalation", "channels": ["mobile", "wecom", "mobile"]},
            {"topic": "ledger.digest", "channels": []},
        ]
    }
    saved = await gateway.client.put(PREFERENCES, json=chosen, headers=headers)
    assert saved.status_code == 200, saved.text
    expected = [
        {"topic": "ticket.escalation", "channels": ["mobile", "wecom"]},
        {"topic": "ledger.digest", "channels": []},
    ]
    assert saved.json() == {"topics": expected}
    assert (await gateway.client.get(PREFERENCES, headers=headers)).json() == {"topics": expected}
    snapshot = await last_snapshot(gateway, user["id"], 2)
    assert snapshot["message_preferences"] == expected and snapshot["roles"] == ["dept_head"]


async def test_wrong_preferences_are_refused_and_change_nothing(gateway, admin):
    user = await gateway.create_user(admin, "agent")
    headers = await gateway.headers(user["username"], user["password"])
    for wrong in (
        {"topics": [{"topic": "a.b", "channels": ["fax"]}]},
        {"topics": [{"topic": "Ticket Escalation", "channels": []}]},
        {"topics": [{"topic": "=cmd|' /C calc'!A0", "channels": []}]},
        {"topics": [{"topic": "a.b", "channels": []}, {"topic": "a.b", "channels": ["email"]}]},
        {"topics": [{"topic": f"t{n}", "channels": []} for n in range(101)]},
        {"topics": [{"topic": "a.b"}]},
        {"topics": [], "extra": 1},
    ):
        answer = await gateway.client.put(PREFERENCES, json=wrong, headers=headers)
        assert answer.status_code == 422, wrong
        assert answer.headers["content-type"] == "application/problem+json"
    assert (await gateway.client.get(PREFERENCES, headers=headers)).json() == {"topics": []}
    assert (await last_snapshot(gateway, user["id"], 1))["message_preferences"] == []


async def test_an_admins_changes_to_a_person_reach_the_replicas_in_order(gateway, admin):
    user = await gateway.create_user(admin, "agent", unit_id="unit-1")
    created = await last_snapshot(gateway, user["id"], 1)
    assert created["username"] == user["username"] and created["active"] is True
    users = "/api/v1/auth/users"
    await gateway.client.patch(
        f"{users}/{user['id']}",
        json={"roles": ["dept_head"], "department": "物业科"},
        headers=admin,
    )
    await gateway.client.patch(f"{users}/{user['id']}", json={"active": False}, headers=admin)
    latest = await last_snapshot(gateway, user["id"], 3)
    assert latest["active"] is False and latest["roles"] == ["dept_head"]
    assert latest["department"] == "物业科" and latest["unit_id"] == "unit-1"
