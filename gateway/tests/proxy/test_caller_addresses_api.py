"""Caller addresses (issue 14, hole 3): the gateway decides who the caller is — believing
X-Forwarded-For only from the proxies in its own FORWARDED_ALLOW_IPS — and tells the
services exactly that one address; the services believe the gateway alone. Every
per-address limit counts an IPv6 caller by its /64.

The attack: 40 public ratings from one client, each with a forged X-Forwarded-For, all got
201, as ticket-svc took the caller-written entry for the rater's address."""

from gateway.testing.harness import RunningGateway

RATINGS = "/public/v1/ratings"
COMMITMENTS = "/api/v1/ticket/commitments"
DEPARTMENT = "后勤服务中心"
# ticket-svc's default ratings_per_address_per_day.
RATINGS_PER_ADDRESS = 5
# An ingress the gateway believes, elsewhere: the test's client is not it.
SOME_INGRESS = "192.0.2.254"


async def publish_commitment(gateway: RunningGateway) -> None:
    """A published commitment of DEPARTMENT, so that the public may rate it."""
    admin = await gateway.headers()
    created = await gateway.client.post(
        COMMITMENTS,
        json={
            "code": "C-REPAIR",
            "name": "水电维修",
            "category": "repair",
            "department": DEPARTMENT,
            "response_minutes": 30,
            "resolve_hours": 4,
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    published = await gateway.client.post(
        f"{COMMITMENTS}/{created.json()['id']}/publish", headers=admin
    )
    assert published.status_code == 200, published.text


async def rate(gateway: RunningGateway, forwarded_for: str) -> int:
    answer = await gateway.client.post(
        RATINGS,
        json={"department": DEPARTMENT, "score": 1},
        headers={"X-Forwarded-For": forwarded_for},
    )
    assert answer.status_code in (201, 429), answer.text
    return answer.status_code


async def test_forged_forwarded_addresses_do_not_escape_the_rating_limit(
    start_gateway, ticket_svc, gateway_port
):
    async with start_gateway(
        port=gateway_port, ticket_url=ticket_svc.url, forwarded_allow_ips=SOME_INGRESS
    ) as gateway:
        await publish_commitment(gateway)
        statuses = [await rate(gateway, f"198.51.100.{number}") for number in range(1, 41)]

    assert statuses == [201] * RATINGS_PER_ADDRESS + [429] * (40 - RATINGS_PER_ADDRESS)


async def test_behind_a_believed_proxy_the_address_it_adds_is_limited_by_its_64(
    start_gateway, ticket_svc, gateway_port
):
    # The test's client plays an ingress the gateway believes (127.0.0.1, the default): it
    # appends the address of whoever connected to it after the caller's own words.
    async with start_gateway(port=gateway_port, ticket_url=ticket_svc.url) as gateway:
        await publish_commitment(gateway)
        one_household = [
            await rate(gateway, f"203.0.113.{number}, 2001:db8:1:2::{number:x}")
            for number in range(1, 41)
        ]
        next_door = await rate(gateway, "203.0.113.1, 2001:db8:1:3::1")
        elsewhere = await rate(gateway, "2001:db8:1:2::1, 198.51.100.9")

    assert one_household == [201] * RATINGS_PER_ADDRESS + [429] * (40 - RATINGS_PER_ADDRESS)
    assert next_door == elsewhere == 201


async def test_the_gateways_public_limit_counts_an_ipv6_caller_by_its_64(
    start_gateway, fake_ticket
):
    async with start_gateway(
        ticket_url=fake_ticket.url, public_rate_limit_per_second=0.1, public_rate_limit_burst=2
    ) as gateway:
        statuses = [
            (
                await gateway.client.get(
                    "/public/v1/ticket/summary",
                    headers={"X-Forwarded-For": f"2001:db8:1:2::{number}"},
                )
            ).status_code
            for number in range(1, 4)
        ]
        next_door = await gateway.client.get(
            "/public/v1/ticket/summary", headers={"X-Forwarded-For": "2001:db8:1:3::1"}
        )

    assert statuses == [200, 200, 429]
    assert next_door.status_code == 200


async def test_login_failures_from_one_ipv6_64_lock_it_out(start_gateway):
    async with start_gateway(
        login_lockout_after_per_username=100,
        login_lockout_after_per_address=3,
    ) as gateway:
        user = await gateway.create_user(await gateway.headers(), "agent")

        async def log_in(username: str, password: str, address: str) -> int:
            answer = await gateway.client.post(
                "/api/v1/auth/token",
                data={"grant_type": "password", "username": username, "password": password},
                headers={"X-Forwarded-For": address},
            )
            return answer.status_code

        failures = [await log_in(f"guess-{n}", "x", f"2001:db8:1:2::{n}") for n in range(1, 4)]
        locked = await log_in(user["username"], user["password"], "2001:db8:1:2::99")
        next_door = await log_in(user["username"], user["password"], "2001:db8:1:3::1")

    assert failures == [401, 401, 401]
    assert locked == 429
    assert next_door == 200
