"""The replica of the bureau's people, from the gateway's `auth.user.*` events: each carries
the whole person and a version, so the newest seen wins whatever order they arrive in."""

from __future__ import annotations

from typing import Any

from guanjia_shared.clock import now
from guanjia_shared.consumer import PoisonEvent, Subscription
from guanjia_shared.events import CloudEvent
from guanjia_shared.replicas import upsert_newer
from notify_svc.events import ConsumedAuthEvent
from notify_svc.recipients.models import Recipient

REPLICATED_FIELDS = (
    "username",
    "display_name",
    "roles",
    "unit_id",
    "department",
    "active",
    "contacts",
    "message_preferences",
    "version",
)


def _recipient_values(data: dict[str, Any]) -> dict[str, Any]:
    try:
        values = {"id": str(data["id"]), **{field: data[field] for field in REPLICATED_FIELDS}}
    except KeyError as missing:
        raise PoisonEvent(f"a user event without {missing}") from missing
    if not isinstance(values["version"], int) or not isinstance(values["contacts"], list):
        raise PoisonEvent("a user event whose version or contacts are malformed")
    return {**values, "replicated_at": now()}


async def apply_user_event(session, event: CloudEvent) -> None:
    """Upsert the person the event carries, unless a newer version is already here."""
    await upsert_newer(session, Recipient.__table__, _recipient_values(event.data))


def recipients_subscription() -> Subscription:
    return Subscription(
        name="recipients",
        filter="auth.user.>",
        handlers={
            ConsumedAuthEvent.user_created: apply_user_event,
            ConsumedAuthEvent.user_updated: apply_user_event,
        },
    )
