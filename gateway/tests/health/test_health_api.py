"""/healthz, /readyz, /metrics and CORS at the gateway."""

from gateway.testing.harness import dead_url
from guanjia_shared.testing.apps import eventually

ECHO = "/api/v1/ticket/echo"


async def test_healthz_answers_even_while_the_services_are_down(gateway):
    answer = await gateway.client.get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


async def test_readyz_is_ready_when_the_database_and_every_service_are(start_gateway, fake_ticket):
    urls = {
        f"{name}_url": fake_ticket.url
        for name in ("asset", "ticket", "ledger", "emergency", "notify")
    }
    async with start_gateway(**urls) as gateway:

        async def ready():
            answer = await gateway.client.get("/readyz")
            assert answer.status_code == 200, answer.json()  # NATS connected
            return answer

        answer = await eventually(ready)
    assert answer.json()["checks"] == {
        "database": "ok",
        "nats": "ok",
        "asset": "ok",
        "ticket": "ok",
        "ledger": "ok",
        "emergency": "ok",
        "notify": "ok",
    }


async def test_readyz_names_what_is_not_ready(start_gateway, fake_ticket):
    urls = {f"{name}_url": fake_ticket.url for name in ("asset", "ticket", "ledger", "notify")}
    async with start_gateway(**urls, emergency_url=dead_url()) as gateway:

        async def nats_connected():
            answer = await gateway.client.get("/readyz")
            assert answer.json()["checks"]["nats"] == "ok"
            return answer

        answer = await eventually(nats_connected)
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == "urn:guanjia:problem:not-ready"
    assert problem["detail"] == "not ready: emergency"
    assert problem["checks"]["emergency"].startswith("unavailable")
    assert problem["checks"]["ticket"] == "ok"


async def test_the_gateway_alone_is_ready_while_a_service_behind_it_is_down(
    start_gateway, fake_ticket
):
    # What its readiness probe asks: one service down must not take the others' routes
    # out of the Ingress with the gateway.
    async with start_gateway(ticket_url=fake_ticket.url, emergency_url=dead_url()) as gateway:
        platform = await gateway.client.get("/readyz")
        itself = await gateway.client.get("/readyz/gateway")
        served = await gateway.client.get(f"{ECHO}/x", headers=await gateway.headers())
    assert platform.status_code == 503
    assert itself.status_code == 200
    assert itself.json() == {"status": "ready", "checks": {"database": "ok"}}
    assert served.status_code == 200


async def test_metrics_count_proxied_requests_by_service(start_gateway, fake_ticket):
    async with start_gateway(ticket_url=fake_ticket.url) as gateway:
        await gateway.client.get(f"{ECHO}/m", headers=await gateway.headers())
        metrics = (await gateway.client.get("/metrics")).text
    assert (
        'guanjia_http_requests_total{method="GET",route="proxy:ticket",status="200"} 1.0' in metrics
    )
    assert 'route="/api/v1/auth/token"' in metrics


async def test_cors_allows_the_listed_origins_only(start_gateway, fake_ticket):
    async with start_gateway(
        ticket_url=fake_ticket.url, cors_allow_origins=["https://app.example.gov.cn"]
    ) as gateway:
        preflight = {
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        }
        allowed = await gateway.client.options(
            f"{ECHO}/c", headers={**preflight, "Origin": "https://app.example.gov.cn"}
        )
        refused = await gateway.client.options(
            f"{ECHO}/c", headers={**preflight, "Origin": "https://evil.example"}
        )
        simple = await gateway.client.get(
            f"{ECHO}/c",
            headers={**await gateway.headers(), "Origin": "https://app.example.gov.cn"},
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.gov.cn"
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    assert "access-control-allow-origin" not in refused.headers
    assert simple.status_code == 200
    assert simple.headers["access-control-allow-origin"] == "https://app.example.gov.cn"
    assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()
    assert refused.headers["x-request-id"] and allowed.headers["x-request-id"]
