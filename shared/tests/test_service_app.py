"""What every service gets from the shared app factory: problem+json for every error
class, request ids, health and readiness, metrics, and the production guard."""

from typing import Annotated

import pytest
from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import text

from guanjia_shared.app import BODY_LIMIT_KEY, create_service_app
from guanjia_shared.auth import Principal, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.errors import Conflict, NotFound, PreconditionFailed, RateLimited
from guanjia_shared.settings import BaseServiceSettings, InsecureDefaultError
from guanjia_shared.testing.apps import running_app
from guanjia_shared.testing.effects import MIGRATIONS


class Probe(BaseModel):
    name: str
    count: int


class Step(BaseModel):
    title: str
    hours: int = 1


class Plan(BaseModel):
    steps: list[str | Step]


router = APIRouter(prefix="/api/v1/asset/probe")


@router.post("")
async def accept(probe: Probe) -> Probe:
    return probe


@router.post("/plans")
async def accept_plan(plan: Plan) -> Plan:
    return plan


@router.post("/large", openapi_extra={BODY_LIMIT_KEY: 4 * 1024 * 1024})
async def accept_large(probe: Probe) -> dict[str, int]:
    return {"length": len(probe.name)}


@router.get("/missing")
async def missing():
    raise NotFound("no such probe")


@router.get("/conflict")
async def conflict():
    raise Conflict("the room is occupied", rule="no-double-allocation")


@router.get("/stale")
async def stale():
    raise PreconditionFailed("version 3 is not 2")


@router.get("/busy")
async def busy():
    raise RateLimited("slow down", retry_after=7)


@router.get("/duplicate")
async def duplicate(session: SessionDep):
    for _ in range(2):
        await session.execute(
            text(
                "INSERT INTO inbox (consumer, event_id, event_type, processed_at) "
                "VALUES ('c', 'same', 't', CURRENT_TIMESTAMP)"
            )
        )


@router.get("/crash")
async def crash():
    raise RuntimeError("password=hunter2 in a stack trace")


@router.get("/admin")
async def admin_only(_: Annotated[Principal, Depends(require_roles("admin"))]):
    return {"ok": True}


class ProbeSettings(BaseServiceSettings):
    service_name: str = "asset"


@pytest.fixture
async def client(fresh_database, nats_server_url, event_namespace, token_mint):
    settings = ProbeSettings(
        environment="test",
        database_url=await fresh_database(MIGRATIONS),
        nats_url=nats_server_url,
        event_namespace=event_namespace,
        jwks_url=token_mint.jwks_url,
        migrate_on_start=False,
    )
    app = create_service_app(
        settings=settings, title="probe", routers=[router], migrations=MIGRATIONS
    )
    async with running_app(app) as client:
        yield client


def assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == f"urn:guanjia:problem:{slug}"
    assert body["status"] == status and body["title"] and body["detail"]
    return body


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "slug"),
    [
        ("post", "/api/v1/asset/probe", b"{broken", 400, "malformed-body"),
        ("post", "/api/v1/asset/probe", b'{"name": "x", "count": "many"}', 422, "validation-error"),
        ("post", "/api/v1/asset/probe", b'["not", "an", "object"]', 422, "validation-error"),
        ("get", "/api/v1/asset/probe/missing", None, 404, "not-found"),
        ("get", "/api/v1/asset/nowhere", None, 404, "not-found"),
        ("delete", "/api/v1/asset/probe", None, 405, "method-not-allowed"),
        ("get", "/api/v1/asset/probe/conflict", None, 409, "conflict"),
        ("get", "/api/v1/asset/probe/duplicate", None, 409, "integrity-conflict"),
        ("get", "/api/v1/asset/probe/stale", None, 412, "precondition-failed"),
        ("get", "/api/v1/asset/probe/busy", None, 429, "rate-limited"),
        ("get", "/api/v1/asset/probe/admin", None, 401, "unauthorized"),
    ],
)
async def test_every_error_class_answers_problem_json(client, method, path, body, status, slug):
    headers = {"content-type": "application/json"} if body is not None else {}
    response = await client.request(method, path, content=body, headers=headers)
    assert_problem(response, status, slug)


async def test_a_validation_problem_points_at_the_field(client):
    response = await client.post("/api/v1/asset/probe", json={"name": "x", "count": "many"})
    errors = assert_problem(response, 422, "validation-error")["errors"]
    assert [error["pointer"] for error in errors] == ["#/count"]


async def test_a_pointer_names_a_place_in_the_body_never_a_branch_of_a_union(client):
    body = {"steps": ["survey", {"hours": "many"}, {"title": "fix", "hours": "few"}]}
    response = await client.post("/api/v1/asset/probe/plans", json=body)
    errors = assert_problem(response, 422, "validation-error")["errors"]
    # Pydantic locates these at steps.1.str, steps.1.Step.title, steps.1.Step.hours, …
    assert {error["pointer"] for error in errors} == {
        "#/steps/1",
        "#/steps/1/title",
        "#/steps/1/hours",
        "#/steps/2",
        "#/steps/2/hours",
    }


async def test_a_conflict_names_the_rule_it_breaks(client):
    body = assert_problem(await client.get("/api/v1/asset/probe/conflict"), 409, "conflict")
    assert body["rule"] == "no-double-allocation"


async def test_rate_limiting_says_when_to_retry(client):
    response = await client.get("/api/v1/asset/probe/busy")
    assert response.headers["retry-after"] == "7"


async def test_a_role_refusal_is_a_403(client, token_mint):
    response = await client.get("/api/v1/asset/probe/admin", headers=token_mint.headers("agent"))
    assert_problem(response, 403, "forbidden")
    allowed = await client.get("/api/v1/asset/probe/admin", headers=token_mint.headers("admin"))
    assert allowed.status_code == 200


async def test_an_unexpected_error_is_a_500_problem_with_the_request_id_and_no_internals(client):
    response = await client.get("/api/v1/asset/probe/crash", headers={"X-Request-ID": "trace-me"})
    body = assert_problem(response, 500, "internal-error")
    assert body["request_id"] == "trace-me"
    assert response.headers["x-request-id"] == "trace-me"
    assert "hunter2" not in response.text and "RuntimeError" not in response.text


async def test_a_body_over_the_default_cap_is_a_413(client):
    big = b'{"name": "' + b"x" * (1024 * 1024) + b'", "count": 1}'
    response = await client.post(
        "/api/v1/asset/probe", content=big, headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "payload-too-large")


async def test_a_streamed_body_over_the_cap_is_a_413_too(client):
    async def chunks():
        yield b'{"name": "'
        for _ in range(20):
            yield b"x" * 65536
        yield b'", "count": 1}'

    response = await client.post(
        "/api/v1/asset/probe", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "payload-too-large")


async def test_a_route_may_allow_a_larger_body(client):
    big = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'", "count": 1}'
    response = await client.post(
        "/api/v1/asset/probe/large", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json() == {"length": 2 * 1024 * 1024}


async def test_health_readiness_and_metrics(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    await client.post("/api/v1/asset/probe", json={"name": "x", "count": 1})

    async def ready():
        response = await client.get("/readyz")
        assert response.status_code == 200, response.text
        return response.json()

    from guanjia_shared.testing.apps import eventually

    assert (await eventually(ready))["checks"] == {"database": "ok", "nats": "ok"}
    metrics = (await client.get("/metrics")).text
    assert (
        'guanjia_http_requests_total{method="POST",route="/api/v1/asset/probe",status="200"} 1.0'
        in metrics
    )
    assert "guanjia_outbox_backlog" in metrics


async def test_readiness_fails_while_nats_is_unreachable(
    fresh_database, event_namespace, token_mint
):
    from guanjia_shared.nats_server import free_port

    settings = ProbeSettings(
        environment="test",
        database_url=await fresh_database(MIGRATIONS),
        nats_url=f"nats://127.0.0.1:{free_port()}",
        event_namespace=event_namespace,
        jwks_url=token_mint.jwks_url,
        migrate_on_start=False,
    )
    app = create_service_app(settings=settings, title="probe", routers=[], migrations=MIGRATIONS)
    async with running_app(app) as client:
        response = await client.get("/readyz")
        body = assert_problem(response, 503, "not-ready")
        assert body["checks"] == {"database": "ok", "nats": "unavailable"}
        assert (await client.get("/healthz")).status_code == 200


def test_production_refuses_the_embedded_database_default():
    with pytest.raises(InsecureDefaultError):
        ProbeSettings(environment="production")
    assert (
        ProbeSettings(
            environment="production", database_url="postgresql+asyncpg://db/asset"
        ).should_migrate_on_start
        is False
    )
