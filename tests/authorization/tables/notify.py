"""notify-svc: who may call what, and the world the calls are made in.

From issue 17: webhooks are for other systems; an admin subscribes for any of them, an API
client (integration) bound to a unit for itself. Each keeps its own subscriptions and reads
its own deliveries, an admin all of them; another's answer 404. Whom notifications reach
(the recipients, with their verified contact points) and the message rules are the admin's
to read; only the admin writes a rule. Each person reads and marks their own inbox.
Deliveries and messages need events over NATS, which the matrix's worlds do not publish:
their lists are empty here, and who reads which is proven in
services/notify-svc/tests/webhooks/test_deliveries.py and tests/rules/.
"""

from __future__ import annotations

from dataclasses import replace

import httpx

from guanjia_shared.auth import Role
from guanjia_shared.testing.tokens import TokenMint
from notify_svc.events import ConsumedEvent, FollowedEvent
from tests.authorization.matrix import HEALTH, SIGNED_IN, UNIT_BOUND, Caller, World, roles, row

API = "/api/v1/notify"
# The inbox's event stream ends at once, so that a call of it is answered like any other.
SETTINGS = {"inbox_stream_minutes": 0.001, "inbox_poll_seconds": 0.01}
SUBSCRIBERS = roles(Role.admin, Role.integration)
ADMIN = roles(Role.admin)
CLIENT = roles(Role.integration)
OWN_UNIT = "unit-own"
HOTLINE = {
    "name": "12345 热线平台",
    "callback_url": "https://hotline.example.gov.cn/guanjia/callback",
    "event_types": ["ticket.ticket.created", "ticket.ticket.closed"],
    "filter": {"channel": "hotline"},
}
RULE = {
    "name": "工单受理：告知部门负责人",
    "event_type": "ticket.ticket.created",
    "recipients": [{"role": "dept_head", "department_field": "department"}],
    "channels": ["wecom"],
    "topic": "ticket.created",
    "subject": "新工单：{title}",
    "text": "【管家】{department}受理新工单「{title}」。",
    "link": "/tickets/{id}",
}


async def build_world(client: httpx.AsyncClient, mint: TokenMint, caller: Caller) -> World:
    """A subscription of another unit's client, and one of the caller's own when the caller
    may subscribe."""

    async def subscribe(headers: dict[str, str]) -> str:
        answer = await client.post(f"{API}/subscriptions", json=HOTLINE, headers=headers)
        assert answer.status_code == 201, answer.text
        return answer.json()["id"]

    others = await subscribe(mint.headers("integration", sub="other-client", unit_id="unit-x"))
    admin = mint.headers("admin")
    first_rules = await client.get(f"{API}/rules", params={"limit": 100}, headers=admin)
    a_rule = await client.post(f"{API}/rules", json=RULE, headers=admin)
    assert a_rule.status_code == 201, a_rule.text
    # The caller as the matrix will call: a unit-bound caller bound to the world's own unit.
    me = replace(caller, unit_id=OWN_UNIT) if caller.role in UNIT_BOUND else caller
    mine = await subscribe(me.headers(mint)) if caller.role in SUBSCRIBERS else None
    return {
        "own_unit": OWN_UNIT,
        "others_subscription": others,
        "my_subscription": mine,
        "event_types": [event_type.value for event_type in ConsumedEvent],
        "followed_event_types": [event_type.value for event_type in FollowedEvent],
        "first_rules": [rule["id"] for rule in first_rules.json()["items"]],
        "a_rule": a_rule.json()["id"],
    }


SUBSCRIPTION = f"{API}/subscriptions/{{subscription_id}}"
OTHERS = {"subscription_id": "others_subscription"}
MINE = {"subscription_id": "my_subscription"}
RULES = f"{API}/rules"
A_RULE = {"rule_id": "a_rule"}

TABLE = [
    *HEALTH,
    row(
        "GET",
        f"{API}/event-types",
        SUBSCRIBERS,
        sees={SUBSCRIBERS: ["event_types"]},
        id_field="type",
    ),
    row(
        "POST",
        f"{API}/subscriptions",
        SUBSCRIBERS,
        body=HOTLINE,
        keep_as="new_subscription",
    ),
    row(
        "GET",
        f"{API}/subscriptions",
        SUBSCRIBERS,
        sees={
            ADMIN: ["others_subscription", "my_subscription", "new_subscription"],
            CLIENT: ["my_subscription", "new_subscription"],
        },
    ),
    row("GET", SUBSCRIPTION, ADMIN, at=OTHERS, hidden_from=CLIENT),
    row("GET", SUBSCRIPTION, SUBSCRIBERS, at=MINE),
    row("PATCH", SUBSCRIPTION, ADMIN, at=OTHERS, body={"name": "改名"}, hidden_from=CLIENT),
    row("PATCH", SUBSCRIPTION, SUBSCRIBERS, at=MINE, body={"status": "paused"}),
    row("POST", f"{SUBSCRIPTION}/rotate-secret", ADMIN, at=OTHERS, hidden_from=CLIENT),
    row("POST", f"{SUBSCRIPTION}/rotate-secret", SUBSCRIBERS, at=MINE),
    row("GET", f"{API}/deliveries", SUBSCRIBERS, sees={SUBSCRIBERS: []}),
    row(
        "GET",
        f"{API}/deliveries/{{delivery_id}}",
        SUBSCRIBERS,
        expect=404,
        note="a made-up id: see the module's docstring",
    ),
    row(
        "POST",
        f"{API}/deliveries/{{delivery_id}}/redeliver",
        SUBSCRIBERS,
        expect=404,
        note="a made-up id: see the module's docstring",
    ),
    row("DELETE", SUBSCRIPTION, SUBSCRIBERS, at=MINE),
    row("DELETE", SUBSCRIPTION, ADMIN, at=OTHERS, hidden_from=CLIENT),
    row(
        "GET",
        f"{API}/recipients",
        ADMIN,
        sees={ADMIN: []},
        note="every person's verified numbers: the admin only. The replica fills from the "
        "gateway's events, which the matrix's worlds do not publish (who is listed: "
        "services/notify-svc/tests/recipients/test_recipients_replica.py)",
    ),
    row(
        "GET",
        f"{API}/messages",
        SIGNED_IN,
        sees={SIGNED_IN: []},
        note="a person their own messages, the admin all: none here, as messages come from "
        "events (who reads which: services/notify-svc/tests/messages/"
        "test_verification_codes.py)",
    ),
    row(
        "GET",
        f"{API}/inbox",
        SIGNED_IN,
        sees={SIGNED_IN: []},
        note="each person their own: none here (whose is whose: services/notify-svc/tests/"
        "rules/test_messages_from_rules.py)",
    ),
    row("GET", f"{API}/inbox/unread-count", SIGNED_IN),
    row("GET", f"{API}/inbox/events", SIGNED_IN, note="each person's own inbox's events"),
    row("POST", f"{API}/inbox/read", SIGNED_IN),
    row(
        "POST",
        f"{API}/inbox/{{message_id}}/read",
        SIGNED_IN,
        expect=404,
        note="a made-up id: see the module's docstring",
    ),
    row(
        "GET",
        f"{RULES}/event-types",
        ADMIN,
        sees={ADMIN: ["followed_event_types"]},
        id_field="type",
    ),
    row("POST", RULES, ADMIN, body=RULE, keep_as="new_rule"),
    row("GET", RULES, ADMIN, sees={ADMIN: ["first_rules", "a_rule", "new_rule"]}),
    row("GET", f"{RULES}/{{rule_id}}", ADMIN, at=A_RULE),
    row("PATCH", f"{RULES}/{{rule_id}}", ADMIN, at=A_RULE, body={"enabled": False}),
    row("DELETE", f"{RULES}/{{rule_id}}", ADMIN, at=A_RULE),
]
