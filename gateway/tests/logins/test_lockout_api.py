"""Brute-force protection at the token endpoint: failures slow the answers down, then lock
the username (or the address) out with 429 — alike for users that exist and that do not."""

import asyncio
from collections import Counter
from datetime import timedelta

from gateway.logins import service as logins_service
from gateway.testing.harness import ADMIN_PASSWORD, running_gateway
from guanjia_shared.testing.clocks import HandClock

TOKEN = "/api/v1/auth/token"
STRICT = {
    "login_lockout_after_per_username": 3,
    "login_lockout_after_per_address": 100,
    "login_lockout_seconds": 600,
}


async def log_in(gateway, username: str, password: str, **options):
    return await gateway.client.post(
        TOKEN,
        data={"grant_type": "password", "username": username, "password": password},
        **options,
    )


async def test_repeated_failures_lock_the_username_out_with_retry_after(start_gateway):
    # The gateway's clock stands still, and moves only when the test moves it.
    with HandClock().as_now() as clock:
        async with start_gateway(**STRICT) as gateway:
            admin = await gateway.headers()
            user = await gateway.create_user(admin, "agent")
            failures = [await log_in(gateway, user["username"], "wrong-guess") for _ in range(3)]
            assert [answer.status_code for answer in failures] == [401, 401, 401]
            locked = await log_in(gateway, user["username"], user["password"])
            assert locked.status_code == 429
            assert locked.headers["content-type"] == "application/problem+json"
            assert locked.json()["type"] == "urn:guanjia:problem:rate-limited"
            assert int(locked.headers["retry-after"]) == 600
            other = await gateway.create_user(admin, "agent")
            assert (await log_in(gateway, other["username"], other["password"])).status_code == 200

            clock.advance(599)
            still = await log_in(gateway, user["username"], user["password"])
            assert still.status_code == 429 and int(still.headers["retry-after"]) == 1
            clock.advance(1)
            assert (await log_in(gateway, user["username"], user["password"])).status_code == 200


async def test_an_unknown_username_is_locked_out_alike(start_gateway):
    async with start_gateway(**STRICT) as gateway:
        user = await gateway.create_user(await gateway.headers(), "agent")
        for username in (user["username"], "nobody-at-all"):
            for _ in range(3):
                await log_in(gateway, username, "wrong-guess")
        known = await log_in(gateway, user["username"], "wrong-guess")
        unknown = await log_in(gateway, "nobody-at-all", "wrong-guess")
        assert known.status_code == unknown.status_code == 429
        assert known.content == unknown.content


async def test_a_successful_login_clears_the_usernames_count(start_gateway):
    async with start_gateway(**STRICT) as gateway:
        user = await gateway.create_user(await gateway.headers(), "agent")
        for _ in range(2):
            await log_in(gateway, user["username"], "wrong-guess")
        assert (await log_in(gateway, user["username"], user["password"])).status_code == 200
        for _ in range(2):
            assert (await log_in(gateway, user["username"], "wrong-guess")).status_code == 401
        assert (await log_in(gateway, user["username"], user["password"])).status_code == 200


async def test_failures_from_one_address_lock_it_out_for_every_username(start_gateway):
    async with start_gateway(
        login_lockout_after_per_username=100, login_lockout_after_per_address=4
    ) as gateway:
        user = await gateway.create_user(await gateway.headers(), "agent")
        for number in range(4):
            assert (await log_in(gateway, f"guess-{number}", "x")).status_code == 401
        locked = await log_in(gateway, user["username"], user["password"])
        assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0


async def test_repeated_client_secret_failures_lock_the_client_out(start_gateway):
    async with start_gateway(**STRICT) as gateway:
        created = await gateway.client.post(
            "/api/v1/auth/clients",
            json={"name": "外部系统", "roles": ["integration"]},
            headers=await gateway.headers(),
        )
        client = created.json()
        grant = {"grant_type": "client_credentials", "client_id": client["client_id"]}
        for _ in range(3):
            await gateway.client.post(TOKEN, data={**grant, "client_secret": "wrong"})
        right = await gateway.client.post(
            TOKEN, data={**grant, "client_secret": client["client_secret"]}
        )
        assert right.status_code == 429


async def test_failures_are_answered_more_and_more_slowly(start_gateway, monkeypatch):
    waits: list[tuple[int, timedelta]] = []

    async def record_wait(delay: timedelta) -> None:
        waits.append((attempt, delay))

    monkeypatch.setattr(logins_service, "wait_before_check", record_wait)
    async with start_gateway(
        login_slowdown_after=1, login_slowdown_step_seconds=0.4, login_slowdown_max_seconds=1
    ) as gateway:
        for attempt in range(1, 5):  # noqa: B007 - record_wait reads it
            assert (await log_in(gateway, "someone", "wrong-guess")).status_code == 401
    # No wait before the first; 0.4 s once one failure is on record, 0.8 s after two, then
    # the 1 s ceiling.
    assert waits == [
        (2, timedelta(seconds=0.4)),
        (3, timedelta(seconds=0.8)),
        (4, timedelta(seconds=1)),
    ]


async def test_every_gateway_replica_sees_the_same_counts(start_gateway, gateway_settings):
    async with start_gateway(**STRICT) as first:
        user = await first.create_user(await first.headers(), "agent")
        second_settings = await gateway_settings(database_url=first.settings.database_url, **STRICT)
        async with running_gateway(second_settings) as second:
            for gateway in (first, second, first):
                await log_in(gateway, user["username"], "wrong-guess")
            assert (await log_in(second, user["username"], user["password"])).status_code == 429


async def test_parallel_guesses_get_no_more_checks_than_the_lockout_allows(start_gateway):
    # The attack: every guess sent at once, so that all of them pass the check of the
    # failures on record before any is recorded. Each 401 is a guess that was checked
    # (the long timeout lets the hole show as a count, not as guesses waiting their hash).
    async with start_gateway(
        login_lockout_after_per_username=10, login_lockout_after_per_address=1000
    ) as gateway:
        answers = await asyncio.gather(
            *(log_in(gateway, "admin", f"guess-{n}", timeout=80) for n in range(60))
        )
        statuses = Counter(answer.status_code for answer in answers)
        assert statuses == {401: 10, 429: 50}
        assert (await log_in(gateway, "admin", ADMIN_PASSWORD)).status_code == 429


async def test_one_address_gets_its_burst_of_logins_then_429_before_any_check(start_gateway):
    async with start_gateway(
        login_rate_limit_per_second=0.1,
        login_rate_limit_burst=5,
        login_lockout_after_per_address=1000,
    ) as gateway:
        answers = await asyncio.gather(
            *(log_in(gateway, f"nobody-{number}", "wrong-guess") for number in range(30))
        )
        assert Counter(answer.status_code for answer in answers) == {401: 5, 429: 25}
        refused = next(answer for answer in answers if answer.status_code == 429)
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"] == "urn:guanjia:problem:rate-limited"
        assert int(refused.headers["retry-after"]) >= 1
