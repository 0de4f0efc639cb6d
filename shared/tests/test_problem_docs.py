"""The OpenAPI document says which problem+json answers each route gives, in the shape they
have; a 405 names every method of its path; a page offset the database cannot take is
refused, not a 500. (Each found by the property-based tests in tests/api_fuzz.)"""

from typing import Annotated

import pytest
from fastapi import APIRouter, Body, Depends
from sqlalchemy import select

from guanjia_shared.app import create_service_app
from guanjia_shared.auth import Principal, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.errors import NotFound
from guanjia_shared.etags import IfMatchVersion
from guanjia_shared.pagination import MAX_OFFSET, Page, PageQuery, fetch_page
from guanjia_shared.platform_tables import inbox
from guanjia_shared.problem_docs import PROBLEM_SCHEMA
from guanjia_shared.settings import BaseServiceSettings
from guanjia_shared.testing.apps import running_app
from guanjia_shared.testing.effects import MIGRATIONS

PROBES = "/api/v1/asset/probes"
Admin = Annotated[Principal, Depends(require_roles("admin"))]
router = APIRouter(prefix=PROBES)


@router.get("", response_model=Page[str])
async def list_probes(session: SessionDep, page: PageQuery, _: Admin):
    items, total = await fetch_page(session, select(inbox.c.event_id), page)
    return Page(items=items, total=total)


@router.post("", status_code=201)
async def create_probe(name: Annotated[str, Body(embed=True)], _: Admin) -> dict[str, str]:
    return {"name": name}


@router.get("/{probe_id}")
async def get_probe(probe_id: str, _: Admin) -> dict[str, str]:
    raise NotFound(f"no probe {probe_id}")


@router.patch("/{probe_id}")
async def edit_probe(
    probe_id: str, name: Annotated[str, Body(embed=True)], version: IfMatchVersion, _: Admin
) -> dict[str, str]:
    return {"id": probe_id, "name": name}


@router.get("/public/count")
async def public_count() -> dict[str, int]:
    return {"count": 0}


class ProbeSettings(BaseServiceSettings):
    service_name: str = "asset"


def probe_app(**settings: object):
    return create_service_app(
        settings=ProbeSettings(
            **{"environment": "test", "jwks_url": "file:///nowhere", **settings}
        ),
        title="probe",
        routers=[router],
        migrations=MIGRATIONS,
    )


@pytest.fixture
async def client(fresh_database, nats_server_url, event_namespace, token_mint):
    app = probe_app(
        database_url=await fresh_database(MIGRATIONS),
        nats_url=nats_server_url,
        event_namespace=event_namespace,
        jwks_url=token_mint.jwks_url,
        migrate_on_start=False,
    )
    async with running_app(app) as client:
        client.headers.update(token_mint.headers("admin"))
        yield client


def problem_statuses(operation: dict) -> set[int]:
    return {
        int(status)
        for status, response in operation["responses"].items()
        if response.get("content", {}).get("application/problem+json", {}).get("schema")
        == {"$ref": "#/components/schemas/Problem"}
    }


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        # A list: authentication and roles, its query, the database.
        ("get", PROBES, {401, 403, 422, 503}),
        # A creation: a body that may be malformed, too large or invalid, and a conflict.
        ("post", PROBES, {400, 401, 403, 409, 413, 422}),
        ("get", f"{PROBES}/{{probe_id}}", {401, 403, 404, 422}),
        # A guarded edit: a stale or malformed If-Match too.
        ("patch", f"{PROBES}/{{probe_id}}", {400, 401, 403, 404, 409, 412, 413, 422}),
        # Public, without input: nothing to refuse.
        ("get", f"{PROBES}/public/count", set()),
        ("get", "/readyz", {503}),
    ],
)
def test_each_operation_documents_the_problems_it_answers(method, path, statuses):
    document = probe_app().openapi()
    operation = document["paths"][path][method]
    assert problem_statuses(operation) == statuses
    assert set(operation["responses"]) - {str(status) for status in statuses} <= {"200", "201"}
    assert document["components"]["schemas"]["Problem"] == PROBLEM_SCHEMA
    assert "HTTPValidationError" not in document["components"]["schemas"]


def conforms(body: dict, schema: dict) -> bool:
    """`body` has the required members, and each documented one of its documented type."""
    kinds = {"string": str, "integer": int, "array": list, "object": dict}
    properties = schema.get("properties", {})
    return set(schema.get("required", ())) <= set(body) and all(
        isinstance(value, kinds[properties[name]["type"]])
        and (
            properties[name]["type"] != "array"
            or all(conforms(item, properties[name]["items"]) for item in value)
        )
        for name, value in body.items()
        if name in properties
    )


async def test_the_problems_answered_have_the_documented_shape(client):
    invalid = await client.post(PROBES, json={"name": 7})
    missing = await client.get(f"{PROBES}/p-1")
    for answer, status in ((invalid, 422), (missing, 404)):
        assert answer.status_code == status
        assert answer.headers["content-type"] == "application/problem+json"
        assert conforms(answer.json(), PROBLEM_SCHEMA), answer.text
    assert invalid.json()["errors"][0]["pointer"] == "#/name"


async def test_a_405_names_every_method_its_path_answers(client):
    answer = await client.delete(f"{PROBES}/p-1")
    assert answer.status_code == 405
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["allow"] == "GET, PATCH"
    collection = await client.put(PROBES)
    assert collection.headers["allow"] == "GET, POST"


async def test_an_offset_past_what_the_database_takes_is_refused_as_invalid(client):
    answer = await client.get(PROBES, params={"offset": MAX_OFFSET + 1})
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["parameter"] == "offset"
    farthest = await client.get(PROBES, params={"offset": MAX_OFFSET})
    assert farthest.status_code == 200, farthest.text
    assert farthest.json() == {"items": [], "total": 0}
