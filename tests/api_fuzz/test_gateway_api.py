"""The gateway's own routes (tokens, /me, users, API clients, JWKS, health) against the
document it serves: no 5xx, and every answer (status, content type, body) as documented,
for schema-valid and schema-violating cases alike. The routes it proxies to the services are
left out: each service's own module fuzzes them."""

import asyncio
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import settings
from hypothesis import strategies as st

from gateway.config import Settings
from gateway.main import create_app
from gateway.openapi.merge import merge_documents
from gateway.proxy.routing import SERVICES, destination_of
from gateway.testing import fake_service
from gateway.testing.harness import (
    ADMIN_PASSWORD,
    TEST_HASHING_COST,
    bearer,
    write_signing_key,
)
from guanjia_shared.testing.streams import delete_namespace_streams
from tests.api_fuzz.fuzzing import (
    FUZZ_SETTINGS,
    ON_POSTGRES,
    ON_SQLITE,
    REQUEST_TIMEOUT,
    TOKEN_LIFETIME,
    LiveService,
    Seeder,
    drawing_known_ids,
    empty_database,
    load_schema,
    serving,
)

AUTH = "/api/v1/auth"
TOKEN = f"{AUTH}/token"
USER_PASSWORD = "a-long-password"


def owner_of(path: str) -> str | None:
    destination = destination_of(path)
    return destination.service if destination else None


def proxied(context: Any) -> bool:
    return owner_of(context.operation.path) is not None


def served_document() -> dict[str, Any]:
    """The document the gateway serves at /openapi.json while no service answers: its own
    routes, with the token flows declared (building the app touches no database; its
    signing key goes to a directory of its own)."""
    with tempfile.TemporaryDirectory() as directory:
        app = create_app(
            Settings(
                environment="test", log_json=False, log_level="WARNING", data_dir=Path(directory)
            )
        )
        own = app.openapi()
    return merge_documents(own, {}, owner_of=owner_of)


# Ids of the seeded rows by path-parameter name, and the forms that log in as someone real;
# filled once the gateway runs.
known_ids: dict[str, list[str]] = {}
known_logins: list[dict[str, str]] = []

# Drawn up without asking the services; any route of theirs that the gateway's document came
# to hold would be left out all the same.
schema = drawing_known_ids(load_schema(served_document()).exclude(func=proxied), lambda: known_ids)


@schema.hook
def flatmap_body(context: Any, body: Any) -> Any:
    """Half of the token endpoint's cases log in as someone real, rightly or with a wrong
    secret, so that they reach the tokens and the failed-login counters and not only the
    refusal of an unknown grant. (Schemathesis checks a form as sent: a negative case made
    valid so is not held against the server.)"""
    if context.operation.path != TOKEN or not isinstance(body, dict) or not known_logins:
        return st.just(body)
    return st.one_of(
        st.just(body),
        st.sampled_from(known_logins).map(lambda login: {**body, **login}),
        st.sampled_from(known_logins).map(lambda login: {**body, **wrong_secret(login, body)}),
    )


def wrong_secret(login: dict[str, str], body: dict[str, Any]) -> dict[str, str]:
    """`login` with the secret the case drew (or some other) instead of the right one."""
    field = "password" if "password" in login else "client_secret"
    drawn = body.get(field)
    return {**login, field: drawn if isinstance(drawn, str) and drawn else "a-wrong-secret"}


@dataclass
class LiveGateway(LiveService):
    """`bureau_lead` is the bureau's admin, `unit_staff` a plain user of a unit; and
    another system, logged in as an API client."""

    api_client: dict[str, str]


def log_in(client: httpx.Client, form: dict[str, str]) -> dict[str, str]:
    answer = client.post(TOKEN, data=form)
    assert answer.status_code == 200, f"logging in: {answer.status_code} {answer.text}"
    return bearer(answer.json()["access_token"])


def seed(api: Seeder) -> tuple[dict[str, str], dict[str, str]]:
    """A plain user of a unit, a department head and an API client beside the first admin;
    answers the plain user's login form and the client's."""
    api.ids["user_id"].append(api.call("GET", f"{AUTH}/me")["id"])
    staff = api.post(
        f"{AUTH}/users",
        {
            "username": "zhang.san",
            "password": USER_PASSWORD,
            "display_name": "张三",
            "roles": ["unit_staff"],
            "unit_id": "unit-1",
        },
        keep_as="user_id",
    )
    api.post(
        f"{AUTH}/users",
        {
            "username": "li.si",
            "password": USER_PASSWORD,
            "display_name": "李四",
            "roles": ["dept_head", "agent"],
            "department": "综合处",
        },
        keep_as="user_id",
    )
    client = api.post(
        f"{AUTH}/clients",
        {"name": "市政务服务平台", "roles": ["integration"], "unit_id": "unit-1"},
        keep_as="client_pk",
    )
    return (
        {"grant_type": "password", "username": staff["username"], "password": USER_PASSWORD},
        {
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
        },
    )


@pytest.fixture(scope="module")
def gateway(
    tmp_path_factory: pytest.TempPathFactory, database_backend: str, nats_server_url: str
) -> Iterator[LiveGateway]:
    """The gateway serving real HTTP on a fresh database of the test's backend, in the
    middle of a key rotation (its JWKS holds the previous key too), with a stand-in that
    answers as every service behind it (so that it is ready, and its schema holds proxied
    routes)."""
    directory = tmp_path_factory.mktemp("gateway-fuzzing")
    namespace = f"fuzz{uuid.uuid4().hex[:12]}"
    write_signing_key(directory / "signing-key.pem")
    previous = write_signing_key(directory / "previous-key.pem").public_key()
    (directory / "previous-key.pub").write_bytes(
        previous.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    try:
        with (
            empty_database(database_backend, "gateway", directory) as database_url,
            serving(fake_service.app) as service_url,
        ):
            settings_ = Settings(
                environment="test",
                database_url=database_url,
                migrate_on_start=True,
                nats_url=nats_server_url,
                event_namespace=namespace,
                data_dir=directory,
                signing_key_file=directory / "signing-key.pem",
                previous_public_key_file=directory / "previous-key.pub",
                GUANJIA_ADMIN_PASSWORD=ADMIN_PASSWORD,
                **TEST_HASHING_COST,
                # The tokens outlive the whole run: an expired one would turn every later case
                # into a 401.
                token_lifetime_seconds=int(TOKEN_LIFETIME.total_seconds()),
                # Failed logins still earn their delay and their lockout, only quicker.
                login_slowdown_step_seconds=0.01,
                login_slowdown_max_seconds=0.05,
                log_json=False,
                log_level="WARNING",
                **{f"{name}_url": service_url for name in SERVICES},
            )
            with (
                serving(create_app(settings_)) as url,
                httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as client,
            ):
                admin_login = {"grant_type": "password", "username": "admin"}
                admin = log_in(client, {**admin_login, "password": ADMIN_PASSWORD})
                seeder = Seeder(client, admin)
                staff_login, client_login = seed(seeder)
                live = LiveGateway(
                    url=url,
                    bureau_lead=admin,
                    unit_staff=log_in(client, staff_login),
                    api_client=log_in(client, client_login),
                )
                known_ids.update(seeder.ids)
                known_logins.extend(
                    [{**admin_login, "password": ADMIN_PASSWORD}, staff_login, client_login]
                )
                try:
                    yield live
                finally:
                    known_ids.clear()
                    known_logins.clear()
    finally:
        asyncio.run(delete_namespace_streams(nats_server_url, namespace))


# The stand-in's echo route answers several methods under one name: FastAPI says so as the
# gateway merges its schema.
@pytest.mark.filterwarnings("ignore:Duplicate Operation ID:UserWarning")
def test_the_fuzzed_operations_are_those_the_gateway_serves_as_its_own(gateway):
    served = httpx.get(f"{gateway.url}/openapi.json", timeout=REQUEST_TIMEOUT).json()
    assert any(owner_of(path) for path in served["paths"]), "no service route to leave out"
    own = {path: item for path, item in served["paths"].items() if owner_of(path) is None}
    assert own == {
        path: item for path, item in served_document()["paths"].items() if not owner_of(path)
    }
    fuzzed = {result.ok().path for result in schema.get_all_operations()}
    assert fuzzed == set(own)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=25)
@ON_SQLITE
def test_gateway_api_as_admin(case, gateway):
    gateway.call_and_validate(case, gateway.bureau_lead)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=10)
@ON_POSTGRES
def test_gateway_api_as_admin_on_postgres(case, gateway):
    gateway.call_and_validate(case, gateway.bureau_lead)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=5)
@ON_SQLITE
def test_gateway_api_as_unit_staff(case, gateway):
    gateway.call_and_validate(case, gateway.unit_staff)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=3)
@ON_POSTGRES
def test_gateway_api_as_unit_staff_on_postgres(case, gateway):
    gateway.call_and_validate(case, gateway.unit_staff)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=5)
@ON_SQLITE
def test_gateway_api_as_api_client(case, gateway):
    gateway.call_and_validate(case, gateway.api_client)


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=3)
@ON_POSTGRES
def test_gateway_api_as_api_client_on_postgres(case, gateway):
    gateway.call_and_validate(case, gateway.api_client)
