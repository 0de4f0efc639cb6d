"""Property-based tests of a service's OpenAPI document with schemathesis: the service runs
for real (uvicorn, its lifespan, a migrated SQLite file or PostgreSQL database, a NATS
server), holds real rows, and is called with the cases schemathesis draws from its own
document."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from guanjia_shared.nats_server import free_port
from guanjia_shared.settings import BaseServiceSettings
from guanjia_shared.spreadsheets import XLSX_MEDIA_TYPE
from guanjia_shared.testing.plugin import POSTGRES_URL_ENV
from guanjia_shared.testing.tokens import TokenMint

# The same cases on every run and every machine: a fixed seed, no example database.
SEED = 20_260_921
FUZZ_SETTINGS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    # One running service answers every case of an operation (that is the point: it holds
    # real rows), so its fixture outlives a case by design; drawing large request bodies
    # is slow, and more so on a busy machine.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)

# Seconds. A call takes milliseconds; on a machine loaded past its cores (CI beside other
# work) one took over 5 s, and a timeout here would fail the case for the machine's speed,
# which the benchmarks measure, not these tests.
REQUEST_TIMEOUT = 30

# Each operation is fuzzed on SQLite and on PostgreSQL (where integer widths, text lengths
# and NUL bytes differ). PostgreSQL's run draws fewer cases per operation (10 where SQLite's
# draws 25, 3 where it draws 5): all of them would double the fuzzers' time, about two
# minutes of the suite on two cores.
ON_SQLITE = pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True)
ON_POSTGRES = pytest.mark.parametrize(
    "database_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"database": "none", "deterministic": True},
        # The coverage phase builds its boundary cases for every operation while pytest
        # collects, in every xdist worker: about 25 s a service here, more than the time
        # this whole suite has. The fuzzing phase draws schema-valid and schema-violating
        # cases instead (both generation modes stay on).
        "phases": {"coverage": {"enabled": False}},
        "checks": {
            # Rules across fields and against recorded data (a rank of the unit's own level,
            # a room of an existing building, a text that is blank once trimmed) cannot be
            # written in a JSON schema; refusing such schema-valid input with a 4xx
            # problem is right, and every other check still holds for those answers.
            "positive_data_acceptance": {"enabled": False},
            # Schemathesis's refusals, 412: a malformed If-Match is refused with it
            # (RFC 9110 §13.1.1), before the body is read, and 413: a body past the size
            # limit (too many items, drawn long) is refused before it is read.
            "negative_data_rejection": {
                "expected-statuses": [
                    *("400", "401", "403", "404", "405", "406", "409", "412", "413", "415"),
                    *("422", "428", "429", "5xx"),
                ]
            },
        },
    }
)


# A workbook upload is raw bytes on the wire, as any binary body: what the cases send is
# mostly not a workbook at all, which the import must refuse as bad input.
schemathesis.serializer.alias(XLSX_MEDIA_TYPE, "application/octet-stream")


def load_schema(document: dict[str, Any]) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_dict(document, config=CONFIG)


@contextlib.contextmanager
def serving(app: FastAPI, timeout: float = 30.0) -> Iterator[str]:
    """`app` served by uvicorn on a loopback port in a thread of its own (its lifespan
    included); answers its base URL."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"{app.title} did not start serving")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)


class Seeder:
    """Lays down real rows through the service's own API and keeps their ids, by the name
    of the path parameter that names such a row (`unit_id`, `ticket_id`, ...)."""

    def __init__(self, client: httpx.Client, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers
        self.ids: dict[str, list[str]] = defaultdict(list)

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        keep_as: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        answer = self.client.request(
            method, path, json=body, headers={**self.headers, **(headers or {})}
        )
        assert answer.is_success, f"seeding {method} {path}: {answer.status_code} {answer.text}"
        record = answer.json() if answer.content else None
        if keep_as is not None:
            self.ids[keep_as].append(str(record["id"]))
        return record

    def post(
        self,
        path: str,
        body: Any = None,
        *,
        keep_as: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        return self.call("POST", path, body, keep_as=keep_as, headers=headers)

    def first(self, name: str) -> str:
        return self.ids[name][0]


@dataclass
class FuzzedService:
    """A service under test: how to build it, and how to give it rows worth hitting."""

    name: str
    create_app: Callable[[BaseServiceSettings], FastAPI]
    settings_class: type[BaseServiceSettings]
    seed: Callable[[Seeder], None]
    # Its settings beside the fuzz's own.
    settings: dict[str, Any] = field(default_factory=dict)
    # The ids of the rows seeded in the database the test at hand runs on, by path-parameter
    # name: filled as that test's service is handed to it.
    known_ids: dict[str, list[str]] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        """Its OpenAPI document (building the app touches neither database nor broker)."""
        return self.create_app(self.settings_class(environment="test", log_json=False)).openapi()

    def schema(self) -> schemathesis.BaseSchema:
        """The schemathesis schema of its document, drawing path parameters from the seeded
        rows half of the time."""
        return drawing_known_ids(load_schema(self.document()), lambda: self.known_ids)


def drawing_known_ids(
    schema: schemathesis.BaseSchema, known_ids: Callable[[], Mapping[str, Sequence[str]]]
) -> schemathesis.BaseSchema:
    """`schema`, drawing each path parameter half of the time from `known_ids()` (ids of
    seeded rows by parameter name, read as each case is drawn, so filled once the app
    runs), so that cases reach real records and not only 404s."""

    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
        if not path_parameters:
            return st.just(path_parameters)
        known = {name: known_ids().get(name) for name in path_parameters}
        return st.fixed_dictionaries(
            {
                name: st.one_of(st.just(value), st.sampled_from(known[name]))
                if known[name]
                else st.just(value)
                for name, value in path_parameters.items()
            }
        )

    schema.hook(flatmap_path_parameters)
    return schema


BUREAU_LEAD_ROLES = ("admin", "leader", "commander")
# The tokens outlive the whole run: an expired one would turn every later case into a 401.
TOKEN_LIFETIME = timedelta(hours=2)


@dataclass(kw_only=True)
class LiveService:
    url: str
    bureau_lead: dict[str, str]
    unit_staff: dict[str, str]
    # The ids of the rows seeded in its database, by path-parameter name.
    known_ids: dict[str, list[str]] = field(default_factory=dict)

    def call_and_validate(self, case: schemathesis.Case, headers: dict[str, str]) -> None:
        """Send `case` with `headers` and apply every check; no call waits for ever."""
        case.call_and_validate(base_url=self.url, headers=headers, timeout=REQUEST_TIMEOUT)


@contextlib.contextmanager
def empty_database(backend: str, name: str, directory: Path) -> Iterator[str]:
    """The URL of an empty database called `name` on `backend` (SQLite: a file in
    `directory`; PostgreSQL: on the GUANJIA_TEST_POSTGRES_URL server, dropped afterwards)."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{directory / f'{name}.db'}"
        return
    server = make_url(os.environ[POSTGRES_URL_ENV])

    async def run(statement: str) -> None:
        admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as connection:
                await connection.execute(text(statement))
        finally:
            await admin.dispose()

    database = f"guanjia_fuzz_{uuid.uuid4().hex[:8]}_{name}"
    asyncio.run(run(f'CREATE DATABASE "{database}"'))
    try:
        yield server.set(database=database).render_as_string(hide_password=False)
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@contextlib.contextmanager
def live_service(
    service: FuzzedService, *, database_url: str, nats_url: str, token_mint: TokenMint
) -> Iterator[LiveService]:
    """`service` serving real HTTP on the empty database at `database_url` (migrated as it
    starts), seeded by a bureau lead."""
    settings_ = service.settings_class(
        environment="test",
        database_url=database_url,
        migrate_on_start=True,
        nats_url=nats_url,
        event_namespace=f"fuzz{uuid.uuid4().hex[:10]}",
        jwks_url=token_mint.jwks_url,
        log_json=False,
        log_level="WARNING",
        **service.settings,
    )
    # The bureau's top roles together: each route's role check lets this caller through,
    # so its cases reach the rules and the database behind it.
    bureau_lead = token_mint.headers(*BUREAU_LEAD_ROLES, expires_in=TOKEN_LIFETIME)
    with (
        serving(service.create_app(settings_)) as url,
        httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as client,
    ):
        seeder = Seeder(client, bureau_lead)
        service.seed(seeder)
        units = seeder.ids.get("unit_id") or ["unit-without-rows"]
        yield LiveService(
            url=url,
            bureau_lead=bureau_lead,
            unit_staff=token_mint.headers(
                "unit_staff", unit_id=units[0], expires_in=TOKEN_LIFETIME
            ),
            known_ids=dict(seeder.ids),
        )
