"""Deactivated users and revoked clients are turned away with the tokens they already hold:
at once by the gateway replica that made the change, and by every other replica within its
refresh interval (each reads the shared database)."""

import asyncio
import time

from gateway.testing.harness import bearer, running_gateway
from guanjia_shared.errors import PROBLEM_MEDIA_TYPE

REFRESH_SECONDS = 1.0
# How late past the refresh interval a busy test machine may be.
SLACK_SECONDS = 3.0
ECHO = "/api/v1/ticket/echo/x"
USERS = "/api/v1/auth/users"


def assert_turned_away(answer) -> None:
    assert answer.status_code == 401, answer.text
    assert answer.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert answer.json()["detail"] == "the account this token was issued to is no longer active"


async def answers_within(gateway, paths: list[str], headers: dict, seconds: float) -> list:
    """The answers to `paths` once none is a 200 any more, or at the deadline."""
    deadline = time.monotonic() + seconds
    while True:
        answers = [await gateway.client.get(path, headers=headers) for path in paths]
        if all(answer.status_code != 200 for answer in answers) or time.monotonic() > deadline:
            return answers
        await asyncio.sleep(REFRESH_SECONDS / 10)


async def test_a_deactivated_users_token_is_refused_by_every_replica(
    start_gateway, gateway_settings, fake_ticket
):
    options = {"ticket_url": fake_ticket.url, "revocation_refresh_seconds": REFRESH_SECONDS}
    async with start_gateway(**options) as first:
        second_settings = await gateway_settings(
            database_url=first.settings.database_url, **options
        )
        async with running_gateway(second_settings) as second:
            admin = await first.headers()
            user = await first.create_user(admin, "admin")
            held = await first.headers(user["username"], user["password"])
            for gateway in (first, second):
                for path in (ECHO, USERS):
                    assert (await gateway.client.get(path, headers=held)).status_code == 200

            deactivated = await first.client.patch(
                f"{USERS}/{user['id']}", json={"active": False}, headers=admin
            )
            assert deactivated.status_code == 200, deactivated.text
            for path in (ECHO, USERS):
                assert_turned_away(await first.client.get(path, headers=held))
            for answer in await answers_within(
                second, [ECHO, USERS], held, REFRESH_SECONDS + SLACK_SECONDS
            ):
                assert_turned_away(answer)
            assert (await second.client.get(USERS, headers=admin)).status_code == 200


async def test_a_revoked_clients_token_is_refused_by_every_replica(
    start_gateway, gateway_settings, fake_ticket
):
    options = {"ticket_url": fake_ticket.url, "revocation_refresh_seconds": REFRESH_SECONDS}
    async with start_gateway(**options) as first:
        second_settings = await gateway_settings(
            database_url=first.settings.database_url, **options
        )
        async with running_gateway(second_settings) as second:
            admin = await first.headers()
            created = await first.client.post(
                "/api/v1/auth/clients",
                json={"name": "市政务服务平台", "roles": ["integration"]},
                headers=admin,
            )
            client = created.json()
            issued = await first.client.post(
                "/api/v1/auth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": client["client_id"],
                    "client_secret": client["client_secret"],
                },
            )
            held = bearer(issued.json()["access_token"])
            for gateway in (first, second):
                assert (await gateway.client.get(ECHO, headers=held)).status_code == 200

            revoked = await first.client.delete(
                f"/api/v1/auth/clients/{client['id']}", headers=admin
            )
            assert revoked.status_code == 204
            assert_turned_away(await first.client.get(ECHO, headers=held))
            for answer in await answers_within(
                second, [ECHO], held, REFRESH_SECONDS + SLACK_SECONDS
            ):
                assert_turned_away(answer)


async def test_a_reactivated_user_is_let_in_again_at_once(start_gateway, fake_ticket):
    async with start_gateway(ticket_url=fake_ticket.url) as gateway:
        admin = await gateway.headers()
        user = await gateway.create_user(admin, "agent")
        held = await gateway.headers(user["username"], user["password"])
        for active in (False, True):
            changed = await gateway.client.patch(
                f"{USERS}/{user['id']}", json={"active": active}, headers=admin
            )
            assert changed.status_code == 200, changed.text
        assert (await gateway.client.get(ECHO, headers=held)).status_code == 200
