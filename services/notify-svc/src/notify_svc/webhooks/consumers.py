"""The events webhooks follow: each one consumed is written as a delivery for every
subscription that follows its type, whose filter it meets, and whose owner may read it;
the sender (jobs.py) takes it from there. The consumer's inbox applies each event once,
and the (subscription, event) pair is unique besides."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.clock import now
from guanjia_shared.consumer import Subscription
from guanjia_shared.db import insert_new_rows
from guanjia_shared.events import CloudEvent
from guanjia_shared.ids import new_id
from notify_svc.events import ConsumedEvent
from notify_svc.webhooks import policy
from notify_svc.webhooks.jobs import DELIVERIES_JOB
from notify_svc.webhooks.models import (
    DeliveryStatus,
    SubscriptionStatus,
    WebhookDelivery,
    WebhookSubscription,
)


def meets_filter(subscription: WebhookSubscription, data: dict) -> bool:
    return all(str(data.get(field)) == value for field, value in subscription.filter.items())


async def record_deliveries(session: AsyncSession, event: CloudEvent) -> None:
    """A delivery of the event for each subscription it is owed to. A paused subscription
    is owed it too, sent when resumed; a deleted one is not."""
    event_type = event.short_type
    subscriptions = (
        (
            await session.execute(
                select(WebhookSubscription).where(
                    WebhookSubscription.status != SubscriptionStatus.deleted.value
                )
            )
        )
        .scalars()
        .all()
    )
    moment = now()
    rows = [
        {
            "id": new_id(),
            "subscription_id": subscription.id,
            "event_id": event.id,
            "event_type": event_type,
            "subject": (event.subject or "")[:64],
            "event": event.model_dump(mode="json"),
            "status": DeliveryStatus.pending.value,
            "attempts": 0,
            "next_attempt_at": moment,
            "created_at": moment,
        }
        for subscription in subscriptions
        if event_type in subscription.event_types
        and meets_filter(subscription, event.data)
        and policy.may_be_sent(subscription, event_type, event.data)
    ]
    await insert_new_rows(
        session, WebhookDelivery.__table__, rows, unique=["subscription_id", "event_id"]
    )


def webhook_subscription() -> Subscription:
    return Subscription(
        name="webhooks-tickets",
        filter="ticket.ticket.>",
        handlers={event_type.value: record_deliveries for event_type in ConsumedEvent},
        wakes=(DELIVERIES_JOB,),
    )
