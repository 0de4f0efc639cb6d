"""A database that cannot be reached is the service's temporary trouble, not a bug: the
caller gets a 503 problem+json saying when to retry, at once, never a 500. A real fault
of a query stays a 500; text the database refuses to store is the caller's 422."""

import pytest
from fastapi import APIRouter
from sqlalchemy import text

from guanjia_shared.app import create_service_app
from guanjia_shared.deps import SessionDep
from guanjia_shared.errors import PROBLEM_MEDIA_TYPE
from guanjia_shared.nats_server import free_port
from guanjia_shared.settings import BaseServiceSettings
from guanjia_shared.testing.apps import running_app
from guanjia_shared.testing.effects import MIGRATIONS

router = APIRouter(prefix="/api/v1/asset/probe")


@router.get("/select")
async def select_one(session: SessionDep) -> dict[str, int]:
    return {"one": await session.scalar(text("SELECT 1"))}


@router.get("/terminated")
async def terminated(session: SessionDep) -> None:
    # The server ends this very session, as a restart or failover does (SQLSTATE 57P01).
    await session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))


@router.get("/stored")
async def stored(session: SessionDep, value: str) -> dict[str, str]:
    return {"value": await session.scalar(text("SELECT CAST(:value AS text)"), {"value": value})}


@router.get("/division")
async def division(session: SessionDep) -> None:
    await session.execute(text("SELECT 1 / 0"))


def probe_app(database_url: str, nats_url: str, namespace: str):
    settings = BaseServiceSettings(
        service_name="asset",
        environment="test",
        database_url=database_url,
        migrate_on_start=False,
        nats_url=nats_url,
        event_namespace=namespace,
        log_json=False,
    )
    return create_service_app(
        settings=settings, title="probe", routers=[router], migrations=MIGRATIONS
    )


def assert_database_unavailable(answer) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert answer.json()["type"] == "urn:guanjia:problem:database-unavailable"
    assert int(answer.headers["retry-after"]) >= 1


async def test_a_request_while_postgresql_refuses_connections_is_a_503(
    nats_server_url, event_namespace
):
    nowhere = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nothing"
    async with running_app(probe_app(nowhere, nats_server_url, event_namespace)) as client:
        assert_database_unavailable(await client.get("/api/v1/asset/probe/select"))


@pytest.mark.parametrize("database_backend", ["postgres"], indirect=True)
async def test_a_session_the_server_terminates_is_a_503_and_the_next_request_succeeds(
    database_url, nats_server_url, event_namespace
):
    async with running_app(probe_app(database_url, nats_server_url, event_namespace)) as client:
        assert_database_unavailable(await client.get("/api/v1/asset/probe/terminated"))
        again = await client.get("/api/v1/asset/probe/select")
        assert again.status_code == 200 and again.json() == {"one": 1}


@pytest.mark.parametrize("database_backend", ["postgres"], indirect=True)
async def test_a_faulty_query_is_still_a_500(database_url, nats_server_url, event_namespace):
    async with running_app(probe_app(database_url, nats_server_url, event_namespace)) as client:
        answer = await client.get("/api/v1/asset/probe/division")
    assert answer.status_code == 500
    assert answer.json()["type"] == "urn:guanjia:problem:internal-error"


@pytest.mark.parametrize("database_backend", ["postgres"], indirect=True)
async def test_text_the_database_cannot_store_is_the_callers_422(
    database_url, nats_server_url, event_namespace
):
    async with running_app(probe_app(database_url, nats_server_url, event_namespace)) as client:
        answer = await client.get("/api/v1/asset/probe/stored", params={"value": "a\x00b"})
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == PROBLEM_MEDIA_TYPE
        assert answer.json()["type"] == "urn:guanjia:problem:unstorable-text"
        plain = await client.get("/api/v1/asset/probe/stored", params={"value": "ab"})
        assert plain.json() == {"value": "ab"}
