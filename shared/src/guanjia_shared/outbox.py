"""The transactional outbox: an event is a row written in the same transaction as the
change it reports; the relay publishes pending rows to JetStream and marks them published
only after the PubAck. NATS down means events wait, never vanish."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from typing import Any

from nats.errors import Error as NatsError
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from guanjia_shared.broker import Broker
from guanjia_shared.clock import now
from guanjia_shared.db import SessionFactory, claim_rows, create_session_factory
from guanjia_shared.events import build_event, ensure_stream, nats_subject
from guanjia_shared.logging import get_logger
from guanjia_shared.metrics import ServiceMetrics
from guanjia_shared.platform_tables import outbox
from guanjia_shared.settings import BaseServiceSettings
from guanjia_shared.tasks import finish_or_cancel

log = get_logger("guanjia.outbox")


_INSERT_OUTBOX = insert(outbox)


async def record_event(
    session: AsyncSession, type: str, subject: str | None, data: dict[str, Any]
) -> str:
    """Write event `type` (short form, `asset.unit.created`) into the caller's transaction.

    It is published only if that transaction commits. Answers the event id.
    """
    [event_id] = await record_events(session, [(type, subject, data)])
    return event_id


async def record_events(
    session: AsyncSession, events: Sequence[tuple[str, str | None, dict[str, Any]]]
) -> list[str]:
    """`record_event` for several events (type, subject, data) in one statement, in order:
    a batch's events (the escalation scheduler's) cost one round trip, not one each."""
    if not events:
        return []
    service = session.info["service"]
    built = [
        build_event(service=service, short_type=type, subject=subject, data=data, time=now())
        for type, subject, data in events
    ]
    # On the transaction's connection: a plain insert needs none of the ORM's execution
    # layer, and the busiest writes record an event each.
    connection = await session.connection()
    await connection.execute(
        _INSERT_OUTBOX,
        [
            {
                "event_id": event.id,
                "event_type": type,
                "envelope": event.model_dump_json(),
                "created_at": event.time,
            }
            for event, (type, _, _) in zip(built, events, strict=True)
        ],
    )
    session.info["outbox_pending"] = True
    return [event.id for event in built]


class OutboxRelay:
    """Publishes pending outbox rows in order, with server-side de-duplication by id.

    On PostgreSQL the batch is claimed with FOR UPDATE SKIP LOCKED and held until marked,
    so several replicas can relay together. SQLite has one writer process, so there the
    batch is read and marked in two short transactions, leaving the file unlocked while
    publishing.
    """

    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        broker: Broker,
        namespace: str,
        service: str,
        metrics: ServiceMetrics | None = None,
        batch_size: int = 200,
        idle_poll_seconds: float = 1.0,
        max_backoff: float = 5.0,
        publish_timeout: float = 5.0,
        stream_replicas: int = 1,
    ) -> None:
        self.session_factory = session_factory
        self.broker = broker
        self.namespace = namespace
        self.service = service
        self.metrics = metrics
        self.batch_size = batch_size
        self.idle_poll_seconds = idle_poll_seconds
        self.max_backoff = max_backoff
        self.publish_timeout = publish_timeout
        self.stream_replicas = stream_replicas
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._stream_ready = False
        self._backlog_due = 0.0

    def wake(self) -> None:
        """Called after a commit that recorded events: publish now, not at the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=f"{self.service}-outbox-relay")

    async def stop(self) -> None:
        """Let the batch in flight finish, then stop."""
        self._stopping = True
        self._wake.set()
        await finish_or_cancel(self._task)

    async def run(self) -> None:
        delay = 0.1
        while not self._stopping:
            if not self.broker.is_connected:
                self._stream_ready = False
                await self._sleep(0.2)
                continue
            try:
                published = await self.publish_pending_batch()
                if published < self.batch_size:
                    await self._update_backlog()
            except (NatsError, TimeoutError, OSError, ConnectionError, SQLAlchemyError) as exc:
                self._stream_ready = False
                log.warning("outbox_publish_failed", error=str(exc), retry_in=delay)
                await self._sleep(delay)
                delay = min(delay * 2, self.max_backoff)
                continue
            delay = 0.1
            if published < self.batch_size:
                await self._sleep(self.idle_poll_seconds)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        self._wake.clear()

    async def _update_backlog(self) -> None:
        """Refresh the backlog gauge, at most once per idle poll: a count after every
        small batch (one per commit under steady load) costs as much as the batch."""
        if self.metrics is None or time.monotonic() < self._backlog_due:
            return
        self._backlog_due = time.monotonic() + self.idle_poll_seconds
        async with self.session_factory() as session:
            pending = await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            )
        self.metrics.outbox_backlog.set(pending or 0)

    async def publish_pending_batch(self) -> int:
        """Publish up to one batch; answers how many rows were published."""
        if not self._stream_ready:
            await ensure_stream(
                self.broker.jetstream, self.namespace, self.service, replicas=self.stream_replicas
            )
            self._stream_ready = True
        async with self.session_factory() as session:
            holds_lock = session.bind.dialect.name == "postgresql"
            query = claim_rows(
                session,
                select(outbox.c.seq, outbox.c.event_id, outbox.c.event_type, outbox.c.envelope)
                .where(outbox.c.published_at.is_(None))
                .order_by(outbox.c.seq)
                .limit(self.batch_size),
            )
            rows = (await session.execute(query)).all()
            if not rows:
                await session.rollback()
                return 0
            if not holds_lock:
                await session.rollback()
            published, failure = await self._publish_rows(rows)
            if published:
                await session.execute(
                    update(outbox).where(outbox.c.seq.in_(published)).values(published_at=now())
                )
            if failure is not None:
                failed_seq = next(row.seq for row in rows if row.seq not in set(published))
                await session.execute(
                    update(outbox)
                    .where(outbox.c.seq == failed_seq)
                    .values(attempts=outbox.c.attempts + 1, last_error=str(failure)[:2000])
                )
            await session.commit()
        if self.metrics is not None:
            self.metrics.events_published.inc(len(published))
        if failure is not None:
            raise failure
        return len(published)

    async def _publish_rows(self, rows: list[Any]) -> tuple[list[int], Exception | None]:
        """Publish rows pipelined on the one connection (so the stream keeps their order);
        answers the seqs acknowledged before the first failure, and that failure."""
        js = self.broker.jetstream
        acks = await asyncio.gather(
            *(
                js.publish(
                    nats_subject(self.namespace, row.event_type),
                    row.envelope.encode(),
                    timeout=self.publish_timeout,
                    headers={"Nats-Msg-Id": row.event_id},
                )
                for row in rows
            ),
            return_exceptions=True,
        )
        published: list[int] = []
        for row, ack in zip(rows, acks, strict=True):
            if isinstance(ack, BaseException):
                if not isinstance(ack, Exception):
                    raise ack
                return published, ack
            published.append(row.seq)
        return published, None


class Publishing:
    """A process's events' way out: the broker connection, the sessions whose commits wake
    the relay, and the relay. `source` is the first word of the events' types (the
    service's name; the gateway's is `auth`)."""

    def __init__(
        self,
        settings: BaseServiceSettings,
        engine: AsyncEngine,
        *,
        source: str,
        metrics: ServiceMetrics,
    ) -> None:
        self.broker = Broker(
            settings.nats_url,
            name=settings.service_name,
            user=settings.nats_user,
            password=settings.nats_password,
        )
        self.session_factory = create_session_factory(
            engine, service=source, on_outbox_commit=lambda: self.relay.wake()
        )
        self.relay = OutboxRelay(
            session_factory=self.session_factory,
            broker=self.broker,
            namespace=settings.event_namespace,
            service=source,
            metrics=metrics,
            batch_size=settings.relay_batch_size,
            stream_replicas=settings.stream_replicas,
        )

    def start(self) -> None:
        self.broker.start()
        self.relay.start()

    async def stop(self) -> None:
        """The relay finishes the batch in flight, then the connection closes."""
        await self.relay.stop()
        await self.broker.close()
