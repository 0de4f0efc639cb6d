"""Webhooks (回调): another system subscribes to events with a callback URL, and each
matching event is delivered to it, signed, in order, until its endpoint says it has it.

- A subscription names the event types it follows and, optionally, a filter on the event's
  fields (e.g. tickets of channel `hotline`). Its owner is the API client or admin who
  made it; a client bound to a unit is sent only events about its unit (policy.py).
- Its secret signs every delivery (signing.py); it is shown once, when made or rotated.
  After a rotation the previous secret signs too for `previous_secret_hours`.
- A delivery is one event for one subscription (made once: the pair is unique), kept with
  every attempt's outcome. It is `pending` until an endpoint answers 2xx (`delivered`);
  a failure is tried again with a growing wait, and after `delivery_give_up_hours` it is
  `dead` and the subscription `paused`. Deleting a subscription `cancels` what it still
  owed. A delivery is sent only after every earlier one of the same subscription and
  subject (one ticket) has been: a receiver sees each ticket's changes in order.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field, HttpUrl, UrlConstraints, field_validator
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlmodel import Field as TableField

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import SingleLineText
from notify_svc.database import NotifyTable
from notify_svc.events import ConsumedEvent

CALLBACK_URL_MAX = 2000

CallbackUrl = Annotated[HttpUrl, UrlConstraints(max_length=CALLBACK_URL_MAX)]
Name = Annotated[SingleLineText, Field(min_length=1, max_length=100)]
FilterValue = Annotated[SingleLineText, Field(min_length=1, max_length=200)]


class SubscriptionStatus(StrEnum):
    active = "active"
    paused = "paused"  # by its owner, or after its endpoint failed a whole retry window
    deleted = "deleted"  # kept for its delivery log; owes nothing more

    @property
    def label(self) -> str:
        return {"active": "启用", "paused": "暂停", "deleted": "已删除"}[self.value]


class DeliveryStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    dead = "dead"  # failed for the whole retry window
    cancelled = "cancelled"  # its subscription was deleted first

    @property
    def label(self) -> str:
        return {
            "pending": "待投递",
            "delivered": "已送达",
            "dead": "投递失败",
            "cancelled": "已取消",
        }[self.value]


class FilterField(StrEnum):
    """The fields of a ticket event a subscription may filter on (exact match)."""

    channel = "channel"
    department = "department"
    status = "status"
    commitment = "commitment"
    building_id = "building_id"
    room_id = "room_id"
    requester_unit_id = "requester_unit_id"
    external_ref = "external_ref"


# --- tables ---------------------------------------------------------------------------


class WebhookSubscription(NotifyTable, table=True):
    __tablename__ = "webhook_subscriptions"

    id: str = TableField(default_factory=new_id, sa_column=Column(String(36), primary_key=True))
    name: str = TableField(sa_column=Column(String(100), nullable=False))
    callback_url: str = TableField(sa_column=Column(String(CALLBACK_URL_MAX), nullable=False))
    event_types: list[str] = TableField(sa_column=Column(JSON, nullable=False))
    filter: dict[str, str] = TableField(sa_column=Column(JSON, nullable=False))
    status: str = TableField(sa_column=Column(String(16), nullable=False))
    owner_id: str = TableField(sa_column=Column(String(64), nullable=False, index=True))
    owner_name: str = TableField(sa_column=Column(String(100), nullable=False))
    # None: the owner reads every event (an admin); else only events about this unit.
    owner_unit_id: str | None = TableField(
        default=None, sa_column=Column(String(64), nullable=True)
    )
    secret: str = TableField(sa_column=Column(String(100), nullable=False))
    previous_secret: str | None = TableField(
        default=None, sa_column=Column(String(100), nullable=True)
    )
    previous_secret_expires_at: datetime | None = TableField(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    paused_reason: str | None = TableField(
        default=None, sa_column=Column(String(200), nullable=True)
    )
    version: int = TableField(default=1, sa_column=Column(Integer, nullable=False))
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime(), nullable=False)
    )
    updated_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime(), nullable=False)
    )


_sequence_type = BigInteger().with_variant(Integer(), "sqlite")


class WebhookDelivery(NotifyTable, table=True):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id", name="uq_delivery_once"),
        # The sender's look for due rows, and its check that nothing earlier of the same
        # subject is still owed.
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_subject", "subscription_id", "subject", "seq"),
    )

    # The order events were taken in: a subject's deliveries go out in this order.
    seq: int | None = TableField(
        default=None, sa_column=Column(_sequence_type, primary_key=True, autoincrement=True)
    )
    id: str = TableField(
        default_factory=new_id, sa_column=Column(String(36), nullable=False, unique=True)
    )
    subscription_id: str = TableField(
        sa_column=Column(String(36), ForeignKey("webhook_subscriptions.id"), nullable=False)
    )
    event_id: str = TableField(sa_column=Column(String(64), nullable=False))
    event_type: str = TableField(sa_column=Column(String(100), nullable=False))
    subject: str = TableField(sa_column=Column(String(64), nullable=False))
    event: dict[str, Any] = TableField(sa_column=Column(JSON, nullable=False))
    status: str = TableField(sa_column=Column(String(16), nullable=False))
    attempts: int = TableField(default=0, sa_column=Column(Integer, nullable=False))
    # When the sender may next take it (null unless pending). While an attempt is under way
    # it is the attempt's lease: a sender that died mid-attempt is replaced after it.
    next_attempt_at: datetime | None = TableField(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    first_failed_at: datetime | None = TableField(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    last_attempt_at: datetime | None = TableField(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    last_status_code: int | None = TableField(
        default=None, sa_column=Column(Integer, nullable=True)
    )
    last_error: str | None = TableField(default=None, sa_column=Column(String(200), nullable=True))
    delivered_at: datetime | None = TableField(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime(), nullable=False)
    )


# --- API shapes -------------------------------------------------------------------------


def _distinct(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


class SubscriptionCreate(StrictInput):
    name: Name
    callback_url: CallbackUrl = Field(
        description="where deliveries are POSTed (http or https); answered 2xx, one counts"
    )
    event_types: list[ConsumedEvent] = Field(min_length=1, max_length=len(ConsumedEvent))
    filter: dict[FilterField, FilterValue] = Field(
        default_factory=dict,
        description="exact matches on the event's fields, all of which must hold",
    )

    _distinct_types = field_validator("event_types")(_distinct)


class SubscriptionUpdate(StrictInput):
    """What the owner may change; a field left out stays as it is. `status` pauses or
    resumes (a resumed subscription sends what it owes, oldest first)."""

    name: Name = None
    callback_url: CallbackUrl = None
    event_types: list[ConsumedEvent] = Field(
        default=None, min_length=1, max_length=len(ConsumedEvent)
    )
    filter: dict[FilterField, FilterValue] = None
    status: SubscriptionStatus = None

    _distinct_types = field_validator("event_types")(_distinct)


class SubscriptionRead(BaseModel):
    id: str
    name: str
    callback_url: str
    event_types: list[str]
    filter: dict[str, str]
    status: SubscriptionStatus
    owner_id: str
    owner_name: str
    owner_unit_id: str | None = Field(description="null: every event; else its unit's only")
    previous_secret_expires_at: datetime | None = Field(
        description="until when the secret before the last rotation still signs"
    )
    paused_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class SubscriptionCreated(SubscriptionRead):
    secret: str = Field(description="signs every delivery; shown this once")


class SecretRotated(BaseModel):
    secret: str = Field(description="the new secret; shown this once")
    previous_secret_expires_at: datetime


class DeliveryRead(BaseModel):
    id: str
    subscription_id: str
    event_id: str
    event_type: str
    subject: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None = Field(description="the endpoint's HTTP status, last try")
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    event: dict[str, Any] = Field(description="the CloudEvent delivered, as sent")


class EventTypeRead(BaseModel):
    type: str
    label: str
