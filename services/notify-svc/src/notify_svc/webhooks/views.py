from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from guanjia_shared.auth import Principal, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.etags import IfMatchVersion, etag_of
from guanjia_shared.pagination import Page, PageQuery
from notify_svc.config import ServiceSettings
from notify_svc.events import ConsumedEvent
from notify_svc.webhooks import policy, service
from notify_svc.webhooks.models import (
    DeliveryRead,
    DeliveryStatus,
    EventTypeRead,
    SecretRotated,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
    SubscriptionStatus,
    SubscriptionUpdate,
)

# Who subscribes, and what each sees: webhooks/policy.py (the service checks it).
Subscriber = Annotated[Principal, Depends(require_roles(*policy.SUBSCRIBERS))]

router = APIRouter(prefix="/api/v1/notify/subscriptions", tags=["webhooks"])
deliveries_router = APIRouter(prefix="/api/v1/notify/deliveries", tags=["webhooks"])
event_types_router = APIRouter(prefix="/api/v1/notify/event-types", tags=["webhooks"])


@event_types_router.get("", response_model=list[EventTypeRead])
async def list_event_types(_: Subscriber):
    """The events a subscription may follow."""
    return [{"type": event_type.value, "label": event_type.label} for event_type in ConsumedEvent]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SubscriptionCreated)
async def create_subscription(
    data: SubscriptionCreate, session: SessionDep, actor: Subscriber, response: Response
):
    created = await service.create_subscription(session=session, data=data, actor=actor)
    response.headers["Location"] = f"{router.prefix}/{created.id}"
    response.headers["ETag"] = etag_of(created.version)
    return created


@router.get("", response_model=Page[SubscriptionRead])
async def list_subscriptions(
    session: SessionDep,
    actor: Subscriber,
    page: PageQuery,
    status: SubscriptionStatus | None = Query(
        default=None, description="without it, every subscription not deleted"
    ),
):
    items, total = await service.list_subscriptions(
        session=session, viewer=actor, page=page, status=status
    )
    return {"items": items, "total": total}


@router.get("/{subscription_id}", response_model=SubscriptionRead)
async def get_subscription(
    subscription_id: str, session: SessionDep, actor: Subscriber, response: Response
):
    subscription = await service.get_subscription(
        session=session, subscription_id=subscription_id, viewer=actor
    )
    response.headers["ETag"] = etag_of(subscription.version)
    return subscription


@router.patch("/{subscription_id}", response_model=SubscriptionRead)
async def update_subscription(
    subscription_id: str,
    data: SubscriptionUpdate,
    session: SessionDep,
    actor: Subscriber,
    expected_version: IfMatchVersion,
    response: Response,
):
    subscription = await service.update_subscription(
        session=session,
        subscription_id=subscription_id,
        data=data,
        actor=actor,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(subscription.version)
    return subscription


@router.post("/{subscription_id}/rotate-secret", response_model=SecretRotated)
async def rotate_secret(
    subscription_id: str, session: SessionDep, actor: Subscriber, settings: ServiceSettings
):
    return await service.rotate_secret(
        session=session, subscription_id=subscription_id, actor=actor, settings=settings
    )


@router.delete("/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_subscription(
    subscription_id: str, session: SessionDep, actor: Subscriber, expected_version: IfMatchVersion
):
    await service.delete_subscription(
        session=session,
        subscription_id=subscription_id,
        actor=actor,
        expected_version=expected_version,
    )


@deliveries_router.get("", response_model=Page[DeliveryRead])
async def list_deliveries(
    session: SessionDep,
    actor: Subscriber,
    page: PageQuery,
    subscription_id: Annotated[str | None, Query(max_length=36)] = None,
    status: DeliveryStatus | None = None,
    event_type: Annotated[str | None, Query(max_length=100)] = None,
    subject: Annotated[str | None, Query(max_length=64)] = None,
):
    """The delivery log, newest first: what was sent to whom, when, and how it went."""
    items, total = await service.list_deliveries(
        session=session,
        viewer=actor,
        page=page,
        subscription_id=subscription_id,
        status=status,
        event_type=event_type,
        subject=subject,
    )
    return {"items": items, "total": total}


@deliveries_router.get("/{delivery_id}", response_model=DeliveryRead)
async def get_delivery(delivery_id: str, session: SessionDep, actor: Subscriber):
    return await service.get_delivery(session=session, delivery_id=delivery_id, viewer=actor)


@deliveries_router.post("/{delivery_id}/redeliver", response_model=DeliveryRead)
async def redeliver(delivery_id: str, session: SessionDep, actor: Subscriber):
    return await service.redeliver(session=session, delivery_id=delivery_id, actor=actor)
