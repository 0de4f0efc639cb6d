"""Who may do what with webhooks, and which events a subscription may be sent: the one
place these rules are written (the service enforces them; routes name the same roles).

- An admin subscribes for any system and reads every event; an integration client bound
  to a unit subscribes for itself and is sent only events about its unit (a ticket's
  requester unit), as ticket-svc would show it those tickets. A client bound to no unit
  reads no tickets, so it may not subscribe.
- Each sees and changes its own subscriptions and their deliveries; an admin sees all.
A subscription out of sight answers 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, true

from guanjia_shared.auth import Principal, Role
from guanjia_shared.errors import Forbidden
from notify_svc.webhooks.models import WebhookSubscription

SUBSCRIBERS = (Role.admin, Role.integration)

# Which field of an event's data names the unit it is about, by the event's family.
UNIT_FIELD_BY_FAMILY = {"ticket.ticket": "requester_unit_id"}


def subscriber_unit(actor: Principal) -> str | None:
    """The unit whose events the actor's new subscription is limited to (None: every
    event); refused for whoever may not subscribe."""
    if actor.has_any(Role.admin):
        return None
    if actor.has_any(Role.integration) and actor.unit_id:
        return actor.unit_id
    raise Forbidden("only an admin, or an API client bound to a unit, subscribes to events")


def visible_subscriptions(viewer: Principal) -> ColumnElement[bool]:
    """The condition on subscriptions the viewer sees (and changes)."""
    if viewer.has_any(Role.admin):
        return true()
    return WebhookSubscription.owner_id == viewer.id


def may_be_sent(subscription: WebhookSubscription, event_type: str, data: dict[str, Any]) -> bool:
    """Whether the event is one the subscription's owner may read."""
    if subscription.owner_unit_id is None:
        return True
    family = event_type.rsplit(".", 1)[0]
    unit_field = UNIT_FIELD_BY_FAMILY.get(family)
    return unit_field is not None and data.get(unit_field) == subscription.owner_unit_id
