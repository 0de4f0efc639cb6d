"""The machinery of the authorization matrix: how a row of an expected table is written, who
the callers are, and how one role's calls are made and judged.

A row names a route (method and OpenAPI path template) and who may call it. Everyone else
is refused: 403 problem+json (404 for the roles in `hidden_from`, where the service hides
what a caller may not see rather than admit it exists), and 401 without a token unless the
route is public. "May" means the call succeeds: a 2xx, or the one status the row names in
`expect` (a made-up id's 404, a refused upload's 422), never a 401, a 403 or a 500. A list
row names, in `sees`, the things of the world each caller's answer holds: exactly those, and
a `total` that counts them. A refused write must leave the database exactly as it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from guanjia_shared.auth import BUREAU_ROLES, Role
from guanjia_shared.errors import PROBLEM_MEDIA_TYPE
from guanjia_shared.testing.tokens import TokenMint

ANONYMOUS = "anonymous"
ROLES = tuple(str(role) for role in Role)
CALLERS = (*ROLES, ANONYMOUS)

# Shorthands for the tables.
SIGNED_IN = frozenset(ROLES)
PUBLIC = frozenset(CALLERS)
BUREAU = frozenset(str(role) for role in BUREAU_ROLES)
NOBODY: frozenset[str] = frozenset()


def roles(*names: Role) -> frozenset[str]:
    return frozenset(str(name) for name in names)


# The department every department-bound caller works in, and the unit the unit-bound ones
# (unit staff, an integration client) belong to; the worlds put the things a caller may
# see in these, and other things elsewhere.
OWN_DEPARTMENT = "物业管理处"
OTHER_DEPARTMENT = "综合处"
UNIT_BOUND = roles(Role.unit_staff, Role.integration)


@dataclass(frozen=True)
class Caller:
    """One role's person (or no token at all), with a fixed id so the worlds can make
    things that are theirs."""

    role: str
    id: str
    unit_id: str | None
    department: str | None

    def headers(self, mint: TokenMint) -> dict[str, str]:
        if self.role == ANONYMOUS:
            return {}
        return mint.headers(
            self.role, sub=self.id, unit_id=self.unit_id, department=self.department
        )


def caller_for(role: str, own_unit_id: str | None) -> Caller:
    unit_bound = role in UNIT_BOUND
    return Caller(
        role=role,
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"guanjia-authz-{role}")),
        unit_id=own_unit_id if unit_bound else None,
        department=None if unit_bound or role == ANONYMOUS else OWN_DEPARTMENT,
    )


# What the world holds, by key: an id (or any value a row's path names), a list of ids (the
# migrations' reference data), or None for what this caller could not make.
World = dict[str, Any]
Body = Callable[[World], Any] | dict | list | None
# Who sees what in a list: groups of callers, each with the keys of the world's things its
# members' answer holds.
Sees = Mapping[frozenset[str], Sequence[str]]


@dataclass(frozen=True)
class Row:
    """One line of an expected table: `method path` may be called by `allowed`."""

    method: str
    path: str
    allowed: frozenset[str]
    # Which thing of the world each path parameter names; one not given is a made-up id.
    at: dict[str, str] = field(default_factory=dict)
    body: Body = None
    query: dict[str, str] = field(default_factory=dict)
    content: Callable[[World], str] | bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # Refused with 404 (hidden) instead of 403.
    hidden_from: frozenset[str] = NOBODY
    # What an allowed caller gets, when not a 2xx (the request's own fault, alike for all).
    expect: int | None = None
    # The world key under which an allowed write's answer's `keep_field` (the new thing's
    # id) is kept, to be named in the lists that follow (None when the write was refused).
    keep_as: str | None = None
    keep_field: str = "id"
    # A list: what each allowed caller's answer holds (see `Sees`), each thing known by its
    # `id_field` (or the fields of a tuple, joined by "/"); the things are the answer itself,
    # its page's `items` or, for a list inside an object, its field `list_field`.
    sees: Sees | None = None
    id_field: str | tuple[str, ...] = "id"
    list_field: str = "items"
    note: str = ""

    @property
    def route(self) -> tuple[str, str]:
        return self.method, self.path

    @property
    def writes(self) -> bool:
        return self.method != "GET"

    def expectation(self, caller: str) -> str:
        if caller in self.allowed:
            return "may"
        if caller == ANONYMOUS:
            return "401"
        return "404" if caller in self.hidden_from else "403"

    def seen_by(self, caller: str) -> Sequence[str]:
        for group, keys in (self.sees or {}).items():
            if caller in group:
                return keys
        raise LookupError(f"{self.method} {self.path}: the table says not what {caller} sees")

    def url(self, world: World) -> str:
        values = {}
        for name in _parameters(self.path):
            key = self.at.get(name)
            values[name] = world[key] if key else str(uuid.uuid4())
        return self.path.format(**values)


def row(method: str, path: str, allowed: Iterable[str], **details: Any) -> Row:
    return Row(method, path, frozenset(allowed), **details)


# Every service's probes: for the orchestrator, no token (issue 2; /metrics is kept off the
# Ingress by the deployment, and is outside the OpenAPI schema).
HEALTH = [row("GET", "/healthz", PUBLIC), row("GET", "/readyz", PUBLIC)]


def _parameters(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def openapi_routes(schema: dict) -> set[tuple[str, str]]:
    methods = {"get", "post", "put", "patch", "delete"}
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in methods
    }


def classification_gaps(table: list[Row], schema: dict) -> list[str]:
    """Routes the app has and the table does not classify, and rows naming no route."""
    served = openapi_routes(schema)
    classified = {entry.route for entry in table}
    return [
        f"not in the table: {method} {path}" for method, path in sorted(served - classified)
    ] + [
        f"in the table, not served: {method} {path}" for method, path in sorted(classified - served)
    ]


class DatabaseSnapshot:
    """Every row of a service's database (SQLite or PostgreSQL), to show that a refused
    write changed nothing. The outbox counts by event id only: the relay marks rows
    published in the background. On PostgreSQL each table is taken as its row count and a
    digest of its rows in order, computed by the server in one query: the rows themselves,
    table by table, cost most of the matrix's time."""

    def __init__(self, database_url: str) -> None:
        # One connection for all the test's snapshots, opened by the first (each snapshot
        # ends its transaction, so nothing is held between them).
        self.engine = create_async_engine(database_url, poolclass=NullPool)
        self.connection: AsyncConnection | None = None
        self.tables: list[str] = []

    async def take(self) -> dict[str, Any]:
        if self.connection is None:
            self.connection = await self.engine.connect()
            self.tables = await self.connection.run_sync(
                lambda sync: inspect(sync).get_table_names()
            )
        connection = self.connection
        if connection.dialect.name == "postgresql":
            digests = " UNION ALL ".join(
                f"SELECT '{table}', count(*), md5(coalesce(string_agg({_row_text(table)}, "
                f"'|' ORDER BY {_row_text(table)}), '')) FROM \"{table}\" t"
                for table in self.tables
            )
            rows = (await connection.execute(text(digests))).all()
            await connection.rollback()  # no snapshot of a transaction started long ago
            return {name: (count, digest) for name, count, digest in rows}
        snapshot = {}
        for table in self.tables:
            columns = "event_id" if table == "outbox" else "*"
            rows = (await connection.execute(text(f'SELECT {columns} FROM "{table}"'))).all()
            snapshot[table] = sorted(repr(tuple(row)) for row in rows)
        await connection.rollback()
        return snapshot

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()
        await self.engine.dispose()


def _row_text(table: str) -> str:
    return "t.event_id" if table == "outbox" else "t::text"


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )


async def mismatches(
    client: httpx.AsyncClient,
    table: list[Row],
    caller: Caller,
    headers: dict[str, str],
    world: World,
    snapshot: DatabaseSnapshot | None,
) -> list[str]:
    """Every row called as `caller`, in the table's order; answers what went against it."""
    found = []
    for entry in table:
        expected = entry.expectation(caller.role)
        refused = expected != "may"
        before = await snapshot.take() if refused and entry.writes and snapshot else None
        body = entry.body(world) if callable(entry.body) else entry.body
        content = entry.content(world) if callable(entry.content) else entry.content
        answer = await client.request(
            entry.method,
            entry.url(world),
            params=entry.query,
            json=body if content is None else None,
            content=content,
            headers={**entry.headers, **headers},
        )
        status = answer.status_code
        label = f"{entry.method} {entry.path}"
        if entry.keep_as is not None:
            world[entry.keep_as] = answer.json()[entry.keep_field] if 200 <= status < 300 else None
        if not refused:
            succeeded = status == entry.expect if entry.expect else 200 <= status < 300
            if not succeeded:
                wanted = entry.expect or "a 2xx"
                found.append(f"{label}: may, expected {wanted}, got {status}: {answer.text[:200]}")
            elif entry.sees is not None:
                found += listing_mismatches(label, entry, caller.role, answer.json(), world)
            elif entry.method == "GET" and is_json(answer) and is_list(answer.json()):
                found.append(f"{label}: a list, and the row says not what each caller sees")
            continue
        if status != int(expected):
            found.append(f"{label}: expected {expected}, got {status}: {answer.text[:200]}")
            continue
        if answer.headers.get("content-type", "").split(";")[0] != PROBLEM_MEDIA_TYPE:
            found.append(f"{label}: refused without problem+json")
        if before is not None:
            changed = changed_tables(before, await snapshot.take())
            if changed:
                found.append(f"{label}: refused ({status}) but changed {changed}")
    return found


def is_json(answer: httpx.Response) -> bool:
    return answer.headers.get("content-type", "").split(";")[0] == "application/json"


def identity(thing: dict, id_field: str | tuple[str, ...]) -> str:
    fields = id_field if isinstance(id_field, tuple) else (id_field,)
    return "/".join(str(thing.get(name, f"<no {name}>")) for name in fields)


def is_list(body: Any) -> bool:
    """A page (`{items, total}`) or a bare array: what a list route answers."""
    return isinstance(body, list) or (isinstance(body, dict) and {"items", "total"} <= body.keys())


def listing_mismatches(label: str, entry: Row, caller: str, body: Any, world: World) -> list[str]:
    """What a list answered against what the row says `caller` sees: the same things, each
    once, and (for a page) a total that counts them."""
    expected = things_of(world, entry.seen_by(caller))
    items = body[entry.list_field] if isinstance(body, dict) else body
    listed = [identity(item, entry.id_field) for item in items]
    found = []
    if sorted(listed) != sorted(expected):
        # Named by their keys in the world where it has them, to read what leaked.
        names = things_of(world, [key for key in world if key not in expected.values()])
        names.update(expected)
        shown = sorted(names.get(thing, f"unknown {thing}") for thing in listed)
        found.append(f"{label}: lists {shown}, expected {sorted(expected.values())}")
    if isinstance(body, dict) and "total" in body and body["total"] != len(expected):
        found.append(f"{label}: total {body['total']}, expected {len(expected)}")
    return found


def things_of(world: World, keys: Iterable[str]) -> dict[str, str]:
    """The ids the world holds under `keys` (none for a key that is None), each with its key."""
    things = {}
    for key in keys:
        value = world[key]
        for thing in value if isinstance(value, list) else [value]:
            if isinstance(thing, str | int):
                things[str(thing)] = key
    return things
