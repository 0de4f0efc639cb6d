"""The sender: each tick POSTs the deliveries that are due, signed, and records how each
endpoint answered.

A round goes in three steps, so that no database transaction waits on a slow endpoint:
1. claim the due deliveries (FOR UPDATE SKIP LOCKED on PostgreSQL, so replicas take
   disjoint rows): each is given a lease — its `next_attempt_at` moved past the time an
   attempt may take — and its attempt counted, then committed;
2. send them all at once, each with its own timeout, reading only the status line (an
   endpoint's body is neither read nor kept: nothing of it can be read back through the log);
3. record each outcome where the delivery is still the attempt this round made (a sender
   that outlived its lease must not overwrite a newer attempt).
A delivery is due when its subscription is active, its time has come, and no earlier
delivery of the same subscription and subject is still owed: each ticket's changes reach a
receiver in order. A tick runs rounds until nothing more is due, so a burst on one ticket
goes out one after another without waiting for the next tick.

A sender that dies between steps 1 and 3 leaves leases that run out: the deliveries are
sent again, with the same `Webhook-Id`, by which a receiver tells a repeat.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import exists, update
from sqlalchemy.orm import aliased
from sqlmodel import select

from guanjia_shared.clock import now
from guanjia_shared.db import SessionFactory, claim_rows
from guanjia_shared.logging import get_logger
from guanjia_shared.outbox import record_event
from guanjia_shared.periodic import PeriodicJob
from notify_svc.config import Settings
from notify_svc.events import NotifyEvent
from notify_svc.outbound import UNANSWERED, Outbound, outbound_session
from notify_svc.retries import doubling_delay
from notify_svc.webhooks.models import (
    DeliveryStatus,
    SubscriptionStatus,
    WebhookDelivery,
    WebhookSubscription,
)
from notify_svc.webhooks.signing import SIGNATURE_HEADER, signature_header

log = get_logger("notify.webhooks")

DELIVERIES_JOB = "notify-webhook-deliveries"
# Rounds one tick runs at most before leaving the rest to the next tick.
MAX_ROUNDS = 100
ERROR_MAX = 200


@dataclass(frozen=True)
class Attempt:
    delivery_id: str
    attempt: int
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Outcome:
    attempt: Attempt
    status_code: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def deliveries_job(settings: Settings) -> PeriodicJob:
    async def tick(session_factory: SessionFactory) -> int:
        return await run_deliveries(session_factory, settings)

    return PeriodicJob(
        name=DELIVERIES_JOB, interval_seconds=settings.delivery_interval_seconds, run=tick
    )


async def run_deliveries(session_factory: SessionFactory, settings: Settings) -> int:
    """Rounds of claim, send, record until nothing is due; answers how many were sent."""
    attempts = await claim_due_deliveries(session_factory, settings)
    if not attempts:
        return 0  # most ticks: no HTTP session made for nothing
    sent, rounds = 0, 0
    async with outbound_session(settings.delivery_timeout_seconds) as client:
        while attempts:
            outcomes = await asyncio.gather(*(send(client, attempt) for attempt in attempts))
            await record_outcomes(session_factory, settings, outcomes)
            sent, rounds = sent + len(attempts), rounds + 1
            if rounds == MAX_ROUNDS:
                break
            attempts = await claim_due_deliveries(session_factory, settings)
    return sent


def _due_query(at: dt.datetime, limit: int):
    earlier = aliased(WebhookDelivery)
    owed_before = exists().where(
        earlier.subscription_id == WebhookDelivery.subscription_id,
        earlier.subject == WebhookDelivery.subject,
        earlier.status == DeliveryStatus.pending.value,
        earlier.seq < WebhookDelivery.seq,
    )
    return (
        select(WebhookDelivery, WebhookSubscription)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(
            WebhookDelivery.status == DeliveryStatus.pending.value,
            WebhookDelivery.next_attempt_at <= at,
            WebhookSubscription.status == SubscriptionStatus.active.value,
            ~owed_before,
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.seq)
        .limit(limit)
    )


async def claim_due_deliveries(
    session_factory: SessionFactory, settings: Settings
) -> list[Attempt]:
    at = now()
    lease = dt.timedelta(seconds=settings.delivery_timeout_seconds + 30)
    attempts = []
    async with session_factory() as session:
        query = claim_rows(
            session, _due_query(at, settings.delivery_batch_size), of=WebhookDelivery
        )
        for delivery, subscription in (await session.execute(query)).all():
            delivery.attempts += 1
            delivery.last_attempt_at = at
            delivery.next_attempt_at = at + lease
            attempts.append(_attempt(delivery, subscription, at))
        await session.commit()
    return attempts


def _attempt(
    delivery: WebhookDelivery, subscription: WebhookSubscription, at: dt.datetime
) -> Attempt:
    body = json.dumps(delivery.event, ensure_ascii=False, separators=(",", ":")).encode()
    signing = [subscription.secret]
    if (
        subscription.previous_secret
        and subscription.previous_secret_expires_at
        and subscription.previous_secret_expires_at > at
    ):
        signing.append(subscription.previous_secret)
    timestamp = int(at.timestamp())
    return Attempt(
        delivery_id=delivery.id,
        attempt=delivery.attempts,
        url=subscription.callback_url,
        body=body,
        headers={
            "Content-Type": "application/cloudevents+json; charset=utf-8",
            "User-Agent": "Guanjia-Webhooks/1",
            "Webhook-Id": delivery.id,
            "Webhook-Attempt": str(delivery.attempts),
            SIGNATURE_HEADER: signature_header(signing, timestamp, body),
        },
    )


async def send(client: Outbound, attempt: Attempt) -> Outcome:
    try:
        async with client.post(attempt.url, data=attempt.body, headers=attempt.headers) as response:
            return Outcome(attempt, response.status, None)
    except UNANSWERED as exc:
        return Outcome(attempt, None, f"{type(exc).__name__}: {exc}"[:ERROR_MAX])


def retry_delay(settings: Settings, attempts: int) -> dt.timedelta:
    return doubling_delay(
        settings.delivery_first_retry_seconds, settings.delivery_max_retry_seconds, attempts
    )


async def record_outcomes(
    session_factory: SessionFactory, settings: Settings, outcomes: list[Outcome]
) -> None:
    at = now()
    give_up_after = dt.timedelta(hours=settings.delivery_give_up_hours)
    async with session_factory() as session:
        for outcome in outcomes:
            delivery = (
                (
                    await session.execute(
                        select(WebhookDelivery).where(
                            WebhookDelivery.id == outcome.attempt.delivery_id,
                            WebhookDelivery.status == DeliveryStatus.pending.value,
                            WebhookDelivery.attempts == outcome.attempt.attempt,
                        )
                    )
                )
                .scalars()
                .first()
            )
            if delivery is None:
                continue  # a newer attempt (after this one's lease ran out) owns it now
            delivery.last_status_code = outcome.status_code
            delivery.last_error = outcome.error
            if outcome.delivered:
                delivery.status = DeliveryStatus.delivered.value
                delivery.delivered_at = at
                delivery.next_attempt_at = None
                continue
            if delivery.last_error is None:
                delivery.last_error = f"the endpoint answered {outcome.status_code}"
            delivery.first_failed_at = delivery.first_failed_at or at
            if at - delivery.first_failed_at < give_up_after:
                delivery.next_attempt_at = at + retry_delay(settings, delivery.attempts)
                continue
            delivery.status = DeliveryStatus.dead.value
            delivery.next_attempt_at = None
            await _pause(session, delivery, at)
        await session.commit()


async def _pause(session, delivery: WebhookDelivery, at: dt.datetime) -> None:
    """The endpoint failed a whole retry window: its subscription waits for its owner."""
    paused = await session.execute(
        update(WebhookSubscription)
        .where(
            WebhookSubscription.id == delivery.subscription_id,
            WebhookSubscription.status == SubscriptionStatus.active.value,
        )
        .values(
            status=SubscriptionStatus.paused.value,
            paused_reason=f"delivery {delivery.id} failed for the whole retry window",
            version=WebhookSubscription.version + 1,
            updated_at=at,
        )
        .returning(WebhookSubscription.owner_id, WebhookSubscription.name)
    )
    row = paused.first()
    if row is None:
        return
    log.warning("webhook_subscription_paused", subscription_id=delivery.subscription_id)
    await record_event(
        session,
        NotifyEvent.subscription_paused,
        delivery.subscription_id,
        {
            "id": delivery.subscription_id,
            "name": row.name,
            "owner_id": row.owner_id,
            "dead_delivery_id": delivery.id,
            "last_error": delivery.last_error,
        },
    )
