"""Async SQLAlchemy engines and sessions: a SQLite file by default, PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Select, event
from sqlalchemy.dialects.postgresql import Insert as PostgresqlInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

SessionFactory = async_sessionmaker[AsyncSession]


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that is stored in UTC and always read back with its offset.

    SQLite keeps no offset, so without this a value written with +08:00 would come back
    naive and shifted, and comparisons in SQL would mix zones.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a stored time must carry its offset")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def ensure_sqlite_directory(url: str) -> None:
    """SQLite creates the file but not its folder (`.data/` on a fresh checkout)."""
    database = url.split("///", 1)[1] if is_sqlite(url) and "///" in url else ""
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def postgres_connect_args(connect_timeout_seconds: float) -> dict[str, Any]:
    return {
        # A server that does not answer at all (a host gone, packets dropped in a failover)
        # fails the connection attempt in seconds, so a request answers 503 and does not hang.
        "timeout": connect_timeout_seconds,
        # Our queries are short and indexed: JIT compiling them costs more than it saves
        # (seen as 130 ms of compile time on a 50 ms ticket list over a million rows).
        "server_settings": {"jit": "off"},
    }


def _replace_if_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """At checkout: a connection whose server hung up is given up, and the pool hands out
    a new one instead (asyncpg notices the hang-up as it happens, no round trip needed)."""
    is_closed = getattr(dbapi_connection.driver_connection, "is_closed", None)
    if is_closed is not None and is_closed():
        raise DisconnectionError("the database server closed this connection")


def create_engine(url: str, *, connect_timeout_seconds: float = 5.0, **options: Any) -> AsyncEngine:
    """An engine for `url`; SQLite gets WAL, foreign keys and serialised writers."""
    if not is_sqlite(url):
        # No pre-ping: on asyncpg it costs three round trips (BEGIN; SELECT; ROLLBACK) at
        # every checkout, a third of those of opening a ticket. A connection the server
        # closed (a restart, a failover) is recognised without asking it, and replaced.
        options.setdefault("pool_pre_ping", False)
        # Kept open up to pool_size: a connection beyond it is closed when returned, so a
        # steady load above it would connect (and prepare its statements) on every
        # request. 30 at most, as before, but 20 of them kept.
        options.setdefault("pool_size", 20)
        options.setdefault("max_overflow", 10)
        options.setdefault("connect_args", postgres_connect_args(connect_timeout_seconds))
        engine = create_async_engine(url, **options)
        event.listen(engine.sync_engine, "checkout", _replace_if_closed)
        return engine

    ensure_sqlite_directory(url)
    engine = create_async_engine(url, connect_args={"timeout": 30}, **options)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so that BEGIN below is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: a transaction that reads and then
        # writes can otherwise fail with SQLITE_BUSY when another writer got in between.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_session_factory(
    engine: AsyncEngine,
    *,
    service: str,
    on_outbox_commit: Callable[[], None] | None = None,
) -> SessionFactory:
    """Sessions that know their service (the source of the events they record) and whom to
    wake when a commit has recorded some."""
    return async_sessionmaker(
        engine,
        class_=AsyncSession,
        expire_on_commit=False,
        info={"service": service, "on_outbox_commit": on_outbox_commit},
    )


@event.listens_for(Session, "after_commit")
def _wake_relay_after_commit(session: Session) -> None:
    if session.info.pop("outbox_pending", False):
        wake = session.info.get("on_outbox_commit")
        if wake is not None:
            wake()


def claim_rows(session: AsyncSession, query: Select[Any], *, of: Any = None) -> Select[Any]:
    """`query` as a claim: on PostgreSQL its rows are locked FOR UPDATE SKIP LOCKED, so
    replicas ticking together take disjoint rows (each skips what another holds and takes
    the next ones); SQLite has a single writer and needs nothing. `of` narrows the lock to
    one table of a join."""
    if session.bind.dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True, of=of)
    return query


def dialect_insert(session: AsyncSession, table: Any) -> PostgresqlInsert | SqliteInsert:
    """INSERT for the session's database, with its ON CONFLICT clauses (both PostgreSQL
    and SQLite have them, each under its own dialect)."""
    if session.bind.dialect.name == "postgresql":
        return postgresql_insert(table)
    return sqlite_insert(table)


async def insert_new_rows(
    session: AsyncSession, table: Any, rows: list[dict[str, Any]], *, unique: list[str]
) -> None:
    """Inserts `rows` (each with the same keys), leaving out those whose `unique` columns
    match a row already there. One statement, compiled once and cached, sent with the rows
    as its parameter sets: SQLAlchemy packs them into as few multi-row INSERTs as the
    database's limit on parameters allows (PostgreSQL numbers them in 16 bits: an emergency
    told to a thousand people is some 34 000)."""
    if rows:
        statement = dialect_insert(session, table).on_conflict_do_nothing(index_elements=unique)
        await session.execute(statement, rows)
