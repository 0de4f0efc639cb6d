"""The gateway in front of real service processes, over real HTTP: routing, headers,
streaming, tokens checked before proxying, limits, the breaker and timeouts."""

import asyncio
import time
import uuid

import httpx

from gateway.testing.harness import DroppingService, sign
from guanjia_shared.testing.clocks import HandClock

ECHO = "/api/v1/ticket/echo"


def request_id() -> str:
    return f"test-{uuid.uuid4().hex}"


def seen_by(service) -> list[str]:
    return httpx.get(service.url + "/seen", timeout=30).json()


async def test_a_request_reaches_its_service_with_path_and_query_unchanged(
    start_gateway, fake_ticket
):
    async with start_gateway(ticket_url=fake_ticket.url) as gateway:
        answer = await gateway.client.get(
            f"{ECHO}/a%2Fb/%E4%B8%AD?q=%E4%B8%AD%E6%96%87&x=1&x=2", headers=await gateway.headers()
        )
    assert answer.status_code == 200, answer.text
    echoed = answer.json()
    assert echoed["service"] == "ticket" and echoed["method"] == "GET"
    assert echoed["raw_path"] == f"{ECHO}/a%2Fb/%E4%B8%AD"
    assert echoed["query"] == "q=%E4%B8%AD%E6%96%87&x=1&x=2"


async def test_a_head_request_answers_the_headers_only(start_gateway, fake_ticket):
    async with start_gateway(ticket_url=fake_ticket.url) as gateway:
        answer = await gateway.client.head(f"{ECHO}/h", headers=await gateway.headers())
    assert answer.status_code == 200 and answer.content == b""
    assert answer.headers["content-type"] == "application/json"


async def test_the_request_id_is_passed_on_and_answered(start_gateway, fake_ticket):
    async with start_gateway(ticket_url=fake_ticket.url) as gateway:
        headers = await gateway.headers()
        mine = request_id()
        given = await gateway.client.get(f"{ECHO}/x", headers={**headers, "X-Request-ID": mine})
        fresh = await gateway.client.get(f"{ECHO}/y", headers=headers)
    assert given.headers["x-request-id"] == mine
    assert given.json()["headers"]["x-request-id"] == mine
    assert fresh.headers["x-request-id"] == fresh.json()["headers"]["x-request-id"]
    assert len(fresh.headers["x-request-id"]) == 32


async def test_hop_by_hop_headers_stay_here_and_forwarding_headers_are_added(
    start_gateway, fake_ticket
):
    async with start_gateway(ticket_url=fake_ticket.url) as gateway:
        headers = await gateway.headers()
        answer = await gateway.client.get(
            f"{ECHO}/h",
            headers={
                **headers,
                "Connection": "keep-alive, X-Private-Hop",
                "X-Private-Hop": "secret",
                "Proxy-Authorization": "Basic c2VjcmV0",
                "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            },
        )
    seen = answer.json()["headers"]
    assert seen["authorization"] == headers["Authorization"]
    assert seen["traceparent"] == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    assert "x-private-hop" not in seen and "proxy-authorization" not in seen
    assert seen["x-forwarded-for"] == "127.0.0.1" and seen["x-forwarded-proto"] == "http"
    assert answer.headers.get_list("date") and len(answer.headers.get_list("server")) == 1


async def test_bodies_stream_both_ways(start_gateway, fake_ticket):
    size = 6 * 1024 * 1024

    async def upload():
        for _ in range(size // 65536):
            yield b"y" * 65536

    async with start_gateway(ticket_url=fake_ticket.url) as gateway:
        headers = await gateway.headers()
        sent = await gateway.client.put(f"{ECHO}/upload", content=upload(), headers=headers)
        assert sent.status_code == 200 and sent.json()["body_bytes"] == size
        received = 0
        async with gateway.client.stream(
            "GET", "/api/v1/ticket/download", params={"size": size}, headers=headers
        ) as download:
            assert download.status_code == 200
            async for chunk in download.aiter_raw():
                received += len(chunk)
        assert received == size


async def test_a_redirect_is_passed_back_not_followed(start_gateway, fake_ticket):
    async with start_gateway(ticket_url=fake_ticket.url) as gateway:
        answer = await gateway.client.get(
            "/api/v1/ticket/redirect", headers=await gateway.headers()
        )
    assert answer.status_code == 307
    assert answer.headers["location"] == "/api/v1/ticket/echo/redirected"


async def test_paths_no_service_owns_are_a_404_problem(gateway, admin):
    for path in ("/api/v1/nothing/here", "/public/v1/nothing", "/nowhere"):
        answer = await gateway.client.get(path, headers=admin)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["x-request-id"]


async def test_a_public_path_needs_no_token(start_gateway, fake_ticket):
    async with start_gateway(ticket_url=fake_ticket.url) as gateway:
        answer = await gateway.client.get("/public/v1/ticket/summary")
    assert answer.status_code == 200 and answer.json() == {"service": "ticket", "public": True}


async def test_without_a_valid_token_the_service_is_never_asked(
    start_gateway, fake_ticket, signing_key
):
    async with start_gateway(ticket_url=fake_ticket.url) as gateway:
        expired = sign(signing_key, exp=1_000_000_000, iat=999_999_000)
        forged = sign(signing_key, aud="somebody-else")
        refused = {}
        for name, headers in {
            "none": {},
            "expired": {"Authorization": f"Bearer {expired}"},
            "forged": {"Authorization": f"Bearer {forged}"},
            "malformed": {"Authorization": "Bearer not.a.token"},
            "not bearer": {"Authorization": "Basic YWRtaW46YWRtaW4="},
        }.items():
            mine = request_id()
            refused[mine] = (
                name,
                await gateway.client.get(f"{ECHO}/x", headers={**headers, "X-Request-ID": mine}),
            )
    for mine, (name, answer) in refused.items():
        assert answer.status_code == 401, name
        assert answer.headers["content-type"] == "application/problem+json", name
        assert answer.headers["www-authenticate"] == "Bearer"
        assert answer.headers["x-request-id"] == mine
    assert not set(refused) & set(seen_by(fake_ticket))


async def test_the_rate_limit_answers_429_with_retry_after_per_caller(start_gateway, fake_ticket):
    async with start_gateway(
        ticket_url=fake_ticket.url, rate_limit_per_second=0.2, rate_limit_burst=3
    ) as gateway:
        admin = await gateway.headers()
        other = await gateway.create_user(admin, "agent")
        answers = [await gateway.client.get(f"{ECHO}/r", headers=admin) for _ in range(4)]
        assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
        limited = answers[-1]
        assert limited.headers["content-type"] == "application/problem+json"
        assert limited.json()["type"] == "urn:guanjia:problem:rate-limited"
        assert 1 <= int(limited.headers["retry-after"]) <= 5
        others = await gateway.headers(other["username"], other["password"])
        assert (await gateway.client.get(f"{ECHO}/r", headers=others)).status_code == 200


async def test_public_paths_have_their_own_stricter_limit(start_gateway, fake_ticket):
    async with start_gateway(
        ticket_url=fake_ticket.url, public_rate_limit_per_second=0.1, public_rate_limit_burst=2
    ) as gateway:
        answers = [await gateway.client.get("/public/v1/ticket/summary") for _ in range(3)]
        assert [answer.status_code for answer in answers] == [200, 200, 429]
        assert int(answers[-1].headers["retry-after"]) >= 1
        assert (
            await gateway.client.get(f"{ECHO}/p", headers=await gateway.headers())
        ).status_code == 200


async def test_a_hung_service_is_a_504_problem(start_gateway, fake_ticket):
    async with start_gateway(
        ticket_url=fake_ticket.url, upstream_read_timeout_seconds=0.5
    ) as gateway:
        started = time.monotonic()
        answer = await gateway.client.get(
            "/api/v1/ticket/slow", params={"seconds": 10}, headers=await gateway.headers()
        )
        waited = time.monotonic() - started
    assert answer.status_code == 504
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "urn:guanjia:problem:gateway-timeout"
    assert answer.json()["service"] == "ticket"
    assert waited < 5


async def test_a_service_that_is_down_opens_the_breaker_until_it_is_back(
    start_gateway, fake_emergency
):
    await asyncio.to_thread(fake_emergency.start)
    async with start_gateway(
        emergency_url=fake_emergency.url,
        breaker_failure_threshold=2,
        breaker_cooldown_seconds=30,
    ) as gateway:
        # The breaker's clock, moved by hand: the cool-down passes when the test says so.
        clock = HandClock()
        gateway.app.state.upstreams["emergency"].breaker.clock = clock.seconds
        headers = await gateway.headers()
        path = "/api/v1/emergency/echo/incidents"
        assert (await gateway.client.get(path, headers=headers)).status_code == 200

        await asyncio.to_thread(fake_emergency.stop)
        for _ in range(2):
            down = await gateway.client.get(path, headers=headers)
            assert down.status_code == 503
            assert down.json()["type"] == "urn:guanjia:problem:upstream-unavailable"
        started = time.monotonic()
        open_circuit = await gateway.client.get(path, headers=headers)
        assert time.monotonic() - started < 0.5
        assert open_circuit.status_code == 503
        assert open_circuit.headers["content-type"] == "application/problem+json"
        assert open_circuit.json()["type"] == "urn:guanjia:problem:circuit-open"
        assert int(open_circuit.headers["retry-after"]) == 30

        await asyncio.to_thread(fake_emergency.start)
        clock.advance(29)
        still_open = await gateway.client.get(path, headers=headers)
        assert still_open.json()["type"] == "urn:guanjia:problem:circuit-open"
        assert int(still_open.headers["retry-after"]) == 1
        clock.advance(1)
        back = await gateway.client.get(path, headers=headers)
        assert back.status_code == 200
        assert (await gateway.client.get(path, headers=headers)).status_code == 200


async def test_an_idempotent_request_is_tried_once_more_when_the_connection_drops(
    start_gateway,
):
    async with (
        DroppingService(drops=1) as service,
        start_gateway(ticket_url=service.url) as gateway,
    ):
        answer = await gateway.client.get(f"{ECHO}/again", headers=await gateway.headers())
        assert answer.status_code == 200 and answer.text == "ok"
        assert service.connections == 2


async def test_a_request_is_tried_at_most_twice(start_gateway):
    async with (
        DroppingService(drops=10) as service,
        start_gateway(ticket_url=service.url) as gateway,
    ):
        answer = await gateway.client.get(f"{ECHO}/again", headers=await gateway.headers())
        assert answer.status_code == 502
        assert answer.json()["type"] == "urn:guanjia:problem:bad-gateway"
        assert service.connections == 2


async def test_a_post_is_never_sent_twice(start_gateway):
    async with (
        DroppingService(drops=1) as service,
        start_gateway(ticket_url=service.url) as gateway,
    ):
        answer = await gateway.client.post(
            f"{ECHO}/once", json={"a": 1}, headers=await gateway.headers()
        )
        assert answer.status_code == 502
        assert answer.headers["content-type"] == "application/problem+json"
        assert service.connections == 1
