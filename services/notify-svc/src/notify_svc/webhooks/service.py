"""Subscriptions and their delivery log, as their owners keep them (rules: policy.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound, PreconditionFailed
from guanjia_shared.pagination import PageParams, fetch_page
from notify_svc.config import Settings
from notify_svc.webhooks import policy
from notify_svc.webhooks.models import (
    DeliveryStatus,
    SecretRotated,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
    SubscriptionStatus,
    SubscriptionUpdate,
    WebhookDelivery,
    WebhookSubscription,
)
from notify_svc.webhooks.signing import new_secret


def subscription_read(subscription: WebhookSubscription) -> SubscriptionRead:
    return SubscriptionRead.model_validate(subscription, from_attributes=True)


async def create_subscription(
    *, session: AsyncSession, data: SubscriptionCreate, actor: Principal
) -> SubscriptionCreated:
    unit = policy.subscriber_unit(actor)
    subscription = WebhookSubscription(
        name=data.name,
        callback_url=str(data.callback_url),
        event_types=[event_type.value for event_type in data.event_types],
        filter={field.value: value for field, value in data.filter.items()},
        status=SubscriptionStatus.active.value,
        owner_id=actor.id,
        owner_name=actor.display_name[:100],
        owner_unit_id=unit,
        secret=new_secret(),
    )
    session.add(subscription)
    await session.commit()
    return SubscriptionCreated(
        **subscription_read(subscription).model_dump(), secret=subscription.secret
    )


async def list_subscriptions(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    status: SubscriptionStatus | None = None,
) -> tuple[list[SubscriptionRead], int]:
    query = select(WebhookSubscription).where(policy.visible_subscriptions(viewer))
    if status is None:
        query = query.where(WebhookSubscription.status != SubscriptionStatus.deleted.value)
    else:
        query = query.where(WebhookSubscription.status == status.value)
    rows, total = await fetch_page(
        session, query.order_by(WebhookSubscription.created_at, WebhookSubscription.id), page
    )
    return [subscription_read(row) for row in rows], total


async def _visible_subscription(
    session: AsyncSession, subscription_id: str, viewer: Principal, *, lock: bool = False
) -> WebhookSubscription:
    query = select(WebhookSubscription).where(
        WebhookSubscription.id == subscription_id, policy.visible_subscriptions(viewer)
    )
    if lock:
        query = query.with_for_update()
    subscription = (await session.execute(query)).scalars().first()
    if subscription is None:
        raise NotFound(f"no subscription {subscription_id}")
    return subscription


async def get_subscription(
    *, session: AsyncSession, subscription_id: str, viewer: Principal
) -> SubscriptionRead:
    return subscription_read(await _visible_subscription(session, subscription_id, viewer))


async def _changeable_subscription(
    session: AsyncSession, subscription_id: str, actor: Principal, expected_version: int | None
) -> WebhookSubscription:
    subscription = await _visible_subscription(session, subscription_id, actor, lock=True)
    if subscription.status == SubscriptionStatus.deleted:
        raise Conflict(f"subscription {subscription_id} was deleted", rule="subscription-deleted")
    if expected_version is not None and expected_version != subscription.version:
        raise PreconditionFailed(
            f"subscription {subscription_id} is at version {subscription.version}, "
            f"not {expected_version}"
        )
    return subscription


async def update_subscription(
    *,
    session: AsyncSession,
    subscription_id: str,
    data: SubscriptionUpdate,
    actor: Principal,
    expected_version: int | None,
) -> SubscriptionRead:
    subscription = await _changeable_subscription(session, subscription_id, actor, expected_version)
    changes = data.model_dump(exclude_unset=True)
    if data.status == SubscriptionStatus.deleted:
        raise Conflict("a subscription is deleted with DELETE", rule="delete-with-delete")
    if "name" in changes:
        subscription.name = data.name
    if "callback_url" in changes:
        subscription.callback_url = str(data.callback_url)
    if "event_types" in changes:
        subscription.event_types = [event_type.value for event_type in data.event_types]
    if "filter" in changes:
        subscription.filter = {field.value: value for field, value in data.filter.items()}
    if "status" in changes:
        subscription.status = data.status.value
        # Resumed: what it owes goes out now, oldest first, rather than at its old retry time.
        subscription.paused_reason = None
        if data.status == SubscriptionStatus.active:
            await session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.subscription_id == subscription.id,
                    WebhookDelivery.status == DeliveryStatus.pending.value,
                )
                .values(next_attempt_at=now())
            )
    subscription.version += 1
    subscription.updated_at = now()
    await session.commit()
    return subscription_read(subscription)


async def rotate_secret(
    *,
    session: AsyncSession,
    subscription_id: str,
    actor: Principal,
    settings: Settings,
) -> SecretRotated:
    subscription = await _changeable_subscription(session, subscription_id, actor, None)
    moment = now()
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_expires_at = moment + dt.timedelta(
        hours=settings.previous_secret_hours
    )
    subscription.secret = new_secret()
    subscription.version += 1
    subscription.updated_at = moment
    await session.commit()
    return SecretRotated(
        secret=subscription.secret,
        previous_secret_expires_at=subscription.previous_secret_expires_at,
    )


async def delete_subscription(
    *, session: AsyncSession, subscription_id: str, actor: Principal, expected_version: int | None
) -> None:
    """The subscription stops, what it still owed is cancelled; its log stays readable."""
    subscription = await _changeable_subscription(session, subscription_id, actor, expected_version)
    subscription.status = SubscriptionStatus.deleted.value
    subscription.version += 1
    subscription.updated_at = now()
    await session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.subscription_id == subscription.id,
            WebhookDelivery.status == DeliveryStatus.pending.value,
        )
        .values(status=DeliveryStatus.cancelled.value, next_attempt_at=None)
    )
    await session.commit()


# --- the delivery log -------------------------------------------------------------------


def _visible_deliveries(viewer: Principal):
    return (
        select(WebhookDelivery)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(policy.visible_subscriptions(viewer))
    )


async def list_deliveries(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    subscription_id: str | None = None,
    status: DeliveryStatus | None = None,
    event_type: str | None = None,
    subject: str | None = None,
) -> tuple[list[WebhookDelivery], int]:
    """Newest first."""
    query = _visible_deliveries(viewer)
    if subscription_id is not None:
        query = query.where(WebhookDelivery.subscription_id == subscription_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status.value)
    if event_type is not None:
        query = query.where(WebhookDelivery.event_type == event_type)
    if subject is not None:
        query = query.where(WebhookDelivery.subject == subject)
    return await fetch_page(session, query.order_by(WebhookDelivery.seq.desc()), page)


async def _visible_delivery(
    session: AsyncSession, delivery_id: str, viewer: Principal, *, lock: bool = False
) -> WebhookDelivery:
    query = _visible_deliveries(viewer).where(WebhookDelivery.id == delivery_id)
    if lock:
        query = query.with_for_update(of=WebhookDelivery)
    delivery = (await session.execute(query)).scalars().first()
    if delivery is None:
        raise NotFound(f"no delivery {delivery_id}")
    return delivery


async def get_delivery(
    *, session: AsyncSession, delivery_id: str, viewer: Principal
) -> WebhookDelivery:
    return await _visible_delivery(session, delivery_id, viewer)


async def redeliver(
    *, session: AsyncSession, delivery_id: str, actor: Principal
) -> WebhookDelivery:
    """A delivered or dead delivery is sent again, as it was (same id and event), behind
    whatever of its subject is still owed before it."""
    delivery = await _visible_delivery(session, delivery_id, actor, lock=True)
    subscription = await session.get(WebhookSubscription, delivery.subscription_id)
    if subscription is None or subscription.status == SubscriptionStatus.deleted:
        raise Conflict("its subscription was deleted", rule="subscription-deleted")
    if delivery.status == DeliveryStatus.pending:
        raise Conflict(f"delivery {delivery_id} is still being sent", rule="delivery-pending")
    delivery.status = DeliveryStatus.pending.value
    delivery.next_attempt_at = now()
    delivery.first_failed_at = None
    await session.commit()
    return delivery
