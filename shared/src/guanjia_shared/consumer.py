"""Durable pull consumers with explicit ack and an inbox, so each event applies once.

A handler runs in its own transaction, together with the inbox row of the event it
applies: a redelivered event (a crash between commit and ack) finds its inbox row and is
only acknowledged. A transient failure is nak'ed with a growing delay; an event that cannot
ever apply (malformed, or failing past `max_deliver`) is kept as a dead letter and termed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from guanjia_shared.broker import Broker
from guanjia_shared.clock import now
from guanjia_shared.db import SessionFactory
from guanjia_shared.events import (
    CloudEvent,
    ensure_stream,
    service_of,
    stream_name,
    wait_for_stream,
)
from guanjia_shared.logging import get_logger
from guanjia_shared.metrics import ServiceMetrics
from guanjia_shared.platform_tables import dead_letter, inbox
from guanjia_shared.tasks import finish_or_cancel

log = get_logger("guanjia.consumer")

EventHandler = Callable[[AsyncSession, CloudEvent], Awaitable[None]]
EventsHandler = Callable[[AsyncSession, list[CloudEvent]], Awaitable[None]]


class PoisonEvent(Exception):
    """Raised by a handler for an event that can never apply: dead-lettered, not retried."""


@dataclass(frozen=True)
class Subscription:
    """What a service consumes: the events matching `filter` (short form, `asset.unit.>`),
    each handled by the handler registered for its type; other types are acknowledged."""

    name: str
    filter: str
    handlers: Mapping[str, EventHandler]
    max_deliver: int = 8
    ack_wait_seconds: float = 30.0
    retry_delays: tuple[float, ...] = field(default=(0.5, 1, 2, 5, 10, 30, 60))
    # The service's periodic jobs (by name) to wake once events applied here are committed:
    # those whose work the handlers make.
    wakes: tuple[str, ...] = ()
    # Applies several events (each of a type in `handlers`, in order) in one go, as its
    # handlers would one by one, for a consumer whose reads and writes for a fetch are
    # cheaper done together; the handlers still apply an event settled on its own.
    handle_together: EventsHandler | None = None


class EventConsumer:
    def __init__(
        self,
        *,
        subscription: Subscription,
        service: str,
        broker: Broker,
        session_factory: SessionFactory,
        namespace: str,
        metrics: ServiceMetrics | None = None,
        batch_size: int = 50,
        stream_replicas: int = 1,
        on_applied: Callable[[], None] | None = None,
    ) -> None:
        self.subscription = subscription
        # Called once what this consumer applied is committed (not for a repeat).
        self.on_applied = on_applied
        self.service = service
        self.broker = broker
        self.session_factory = session_factory
        self.namespace = namespace
        self.metrics = metrics
        self.batch_size = batch_size
        self.stream_replicas = stream_replicas
        # The durable name is also the inbox key: one per (service, subscription).
        self.durable = f"{service}-{subscription.name}".replace(".", "-")
        self._stopping = False
        # True while waiting for messages (or for NATS): nothing is in hand to finish.
        self._idle = True
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=self.durable)

    async def stop(self) -> None:
        """Stop at once when idle; else let the batch in hand finish first."""
        self._stopping = True
        if self._idle and self._task is not None:
            self._task.cancel()
        await finish_or_cancel(self._task)

    def consumer_config(self) -> ConsumerConfig:
        return ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            max_deliver=self.subscription.max_deliver,
            ack_wait=self.subscription.ack_wait_seconds,
            filter_subject=f"{self.namespace}.{self.subscription.filter}",
        )

    async def run(self) -> None:
        delay = 0.2
        while not self._stopping:
            try:
                await self.broker.wait_connected()
                source = service_of(self.subscription.filter)
                js = self.broker.jetstream
                if source == self.service:
                    await ensure_stream(js, self.namespace, source, replicas=self.stream_replicas)
                else:
                    # Another service's stream is that service's to make: our NATS user may
                    # read it, not create or change it.
                    await wait_for_stream(js, self.namespace, source)
                pull = await js.pull_subscribe(
                    f"{self.namespace}.{self.subscription.filter}",
                    durable=self.durable,
                    stream=stream_name(self.namespace, source),
                    config=self.consumer_config(),
                )
                delay = 0.2
                while not self._stopping:
                    self._idle = True
                    try:
                        messages = await pull.fetch(self.batch_size, timeout=1)
                    except (NatsTimeoutError, TimeoutError):
                        continue
                    self._idle = False
                    await self.handle_batch(messages)
            except (NatsError, OSError, ConnectionError, SQLAlchemyError) as exc:
                log.warning("consumer_failed", consumer=self.durable, error=str(exc))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def handle_batch(self, messages: list[Msg]) -> None:
        """Settle what one fetch brought, in order. Several messages are first tried in one
        transaction (one commit instead of one each, so a consumer that fell behind catches
        up); if any of them does not apply cleanly, nothing of that try is kept and each is
        settled on its own, with retries and dead letters."""
        if self.metrics is not None:
            for message in messages:
                if message.metadata.num_delivered > 1:
                    self.metrics.consumer_redeliveries(self.durable).inc()
        if len(messages) > 1:
            try:
                await self.apply_all_once(
                    [CloudEvent.model_validate_json(message.data) for message in messages]
                )
            except Exception as exc:
                log.info(
                    "consumer_batch_settled_one_by_one", consumer=self.durable, error=repr(exc)
                )
            else:
                for message in messages:
                    await message.ack()
                return
        for message in messages:
            await self.handle(message)

    async def handle(self, message: Msg) -> None:
        deliveries = message.metadata.num_delivered
        try:
            event = CloudEvent.model_validate_json(message.data)
        except ValidationError as exc:
            await self._dead_letter(message, None, f"not a CloudEvent: {exc}", deliveries)
            return
        handler = self.subscription.handlers.get(event.short_type)
        if handler is None:
            await message.ack()
            return
        try:
            await self.apply_once(event, handler)
        except PoisonEvent as exc:
            await self._dead_letter(message, event, str(exc), deliveries)
            return
        except Exception as exc:
            if deliveries >= self.subscription.max_deliver:
                await self._dead_letter(message, event, repr(exc), deliveries)
                return
            delays = self.subscription.retry_delays
            retry_in = delays[min(deliveries - 1, len(delays) - 1)]
            log.warning(
                "event_handler_failed",
                consumer=self.durable,
                event_id=event.id,
                error=repr(exc),
                retry_in=retry_in,
            )
            await message.nak(delay=retry_in)
            return
        await message.ack()

    async def apply_once(self, event: CloudEvent, handler: EventHandler) -> bool:
        """Apply `event` unless this consumer already has; answers whether it applied."""
        async with self.session_factory() as session:
            already = await session.scalar(
                select(inbox.c.event_id).where(
                    inbox.c.consumer == self.durable, inbox.c.event_id == event.id
                )
            )
            if already is not None:
                await session.rollback()
                return False
            await handler(session, event)
            await session.execute(insert(inbox).values(**self._inbox_row(event)))
            try:
                await session.commit()
            except IntegrityError:
                # Another delivery of the same event committed first.
                await session.rollback()
                return False
        self._applied()
        return True

    async def apply_all_once(self, events: list[CloudEvent]) -> None:
        """Apply each of `events` that has a handler, unless this consumer already has, in
        one transaction with their inbox rows; raises, having kept nothing, if any fails."""
        async with self.session_factory() as session:
            done = set(
                await session.scalars(
                    select(inbox.c.event_id).where(
                        inbox.c.consumer == self.durable,
                        inbox.c.event_id.in_({event.id for event in events}),
                    )
                )
            )
            to_apply = []
            for event in events:
                if event.short_type in self.subscription.handlers and event.id not in done:
                    to_apply.append(event)
                    done.add(event.id)
            if self.subscription.handle_together is not None and to_apply:
                await self.subscription.handle_together(session, to_apply)
            else:
                for event in to_apply:
                    await self.subscription.handlers[event.short_type](session, event)
            inbox_rows = [self._inbox_row(event) for event in to_apply]
            if inbox_rows:
                await session.execute(insert(inbox), inbox_rows)
            await session.commit()
        if inbox_rows:
            self._applied()

    def _applied(self) -> None:
        if self.on_applied is not None:
            self.on_applied()

    def _inbox_row(self, event: CloudEvent) -> dict[str, Any]:
        return {
            "consumer": self.durable,
            "event_id": event.id,
            "event_type": event.short_type,
            "processed_at": now(),
        }

    async def _dead_letter(
        self, message: Msg, event: CloudEvent | None, error: str, deliveries: int
    ) -> None:
        log.error(
            "event_dead_lettered",
            consumer=self.durable,
            event_id=event.id if event else None,
            error=error,
        )
        async with self.session_factory() as session:
            await session.execute(
                insert(dead_letter).values(
                    consumer=self.durable,
                    event_id=event.id if event else None,
                    event_type=event.short_type if event else None,
                    nats_subject=message.subject,
                    payload=message.data.decode("utf-8", errors="replace"),
                    error=error[:4000],
                    deliveries=deliveries,
                    recorded_at=now(),
                )
            )
            await session.commit()
        if self.metrics is not None:
            self.metrics.dead_letters(self.durable).inc()
        await message.term()
