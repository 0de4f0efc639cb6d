"""Events become messages: each event a rule follows is met against the enabled rules of
its type, and each rule it meets makes, for every person it names, an inbox message and at
most one copy by another channel (models.py says which), with the person's other channels
to fall back on. The copy goes at once if the rule is urgent, else after the quiet hours,
or, for a digest rule, is held for the day's digest (messages/timing.py). The consumer's
inbox applies an event once, and each message's delivery key (event, rule, person,
channel) is unique besides, so a redelivery or a second replica tells nobody twice.

An event older than `rule_event_max_age_hours` when it comes is news no longer: a consumer
made on a stream with months of history, or back from a long outage, tells nobody of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from guanjia_shared.auth import Role
from guanjia_shared.clock import now
from guanjia_shared.consumer import Subscription
from guanjia_shared.events import CloudEvent
from guanjia_shared.ids import new_id
from guanjia_shared.logging import get_logger
from notify_svc.config import Settings
from notify_svc.events import FollowedEvent
from notify_svc.messages.jobs import MESSAGES_JOB
from notify_svc.messages.models import Channel, CopyChannel, MessageStatus, delivery_key
from notify_svc.messages.service import record_messages
from notify_svc.messages.timing import Timing
from notify_svc.recipients.models import Recipient
from notify_svc.recipients.service import people_to_tell
from notify_svc.rules.models import MessageRule, RecipientSpec
from notify_svc.rules.service import enabled_rules, meets_conditions
from notify_svc.rules.templates import render_link, render_text, value_text

log = get_logger("notify.rules")


@dataclass(frozen=True)
class Named:
    """Whom a rule names for one event: people by id, and the holders of roles (each in a
    department, where the rule pairs one with it)."""

    ids: frozenset[str]
    roles: frozenset[tuple[Role, str | None]]

    def includes(self, person: Recipient) -> bool:
        return person.id in self.ids or any(
            role in person.roles and (department is None or person.department == department)
            for role, department in self.roles
        )


def named_by(rule: MessageRule, data: dict[str, Any]) -> Named:
    ids: set[str] = set()
    roles: set[tuple[Role, str | None]] = set()
    for stored in rule.recipients:
        spec = RecipientSpec.model_validate(stored)
        if spec.field is not None and (person := value_text(data.get(spec.field))):
            ids.add(person)
        elif spec.user_id is not None:
            ids.add(spec.user_id)
        elif spec.role is not None:
            if spec.department_field is None:
                roles.add((spec.role, None))
            elif department := value_text(data.get(spec.department_field)):
                roles.add((spec.role, department))
    return Named(frozenset(ids), frozenset(roles))


def copy_channels(rule: MessageRule, person: Recipient) -> list[dict[str, str]]:
    """The channels and addresses for the copy besides the inbox, in the order they are
    tried: the rule's channels whose contact point the person has verified and, unless the
    rule is urgent, keeps for its topic (a call counts as the mobile it rings)."""
    wanted = [CopyChannel(channel) for channel in rule.channels]
    if not rule.urgent:
        chosen = next((p for p in person.message_preferences if p["topic"] == rule.topic), None)
        if chosen is not None:
            wanted = [channel for channel in wanted if channel.contact in chosen["channels"]]
    verified = {contact["channel"]: contact["address"] for contact in person.contacts}
    return [
        {"channel": channel.value, "address": verified[channel.contact]}
        for channel in wanted
        if channel.contact in verified
    ]


def rule_messages(
    rule: MessageRule, person: Recipient, event: CloudEvent, moment: dt.datetime, timing: Timing
) -> list[dict[str, Any]]:
    common = {
        "recipient_id": person.id,
        "topic": rule.topic,
        "subject": render_text(rule.subject, event.data)[:200],
        "text": render_text(rule.text, event.data)[:2000],
        "link": render_link(rule.link, event.data)[:500] if rule.link else None,
        "rule_id": rule.id,
        "event_id": event.id,
        "attempts": 0,
        "created_at": moment,
    }

    def message(channel: str, address: str, status: MessageStatus, due: dt.datetime, fallbacks):
        return {
            **common,
            "id": new_id(),
            "delivery_key": delivery_key(event.id, rule.id, person.id, channel),
            "channel": channel,
            "address": address[:254],
            "status": status.value,
            "next_attempt_at": due,
            "fallbacks": fallbacks,
            "sent_at": moment if status == MessageStatus.sent else None,
        }

    rows = [message(Channel.inbox, "", MessageStatus.sent, moment, [])]
    copy, *fallbacks = copy_channels(rule, person) or [None]
    if copy is None:
        return rows
    if rule.digest:
        # The digest is one message by this channel; should it fail, it fails alone.
        due = timing.digest_due(moment)
        rows.append(message(copy["channel"], copy["address"], MessageStatus.held, due, []))
    else:
        due = timing.copy_due(moment, urgent=rule.urgent)
        rows.append(
            message(copy["channel"], copy["address"], MessageStatus.pending, due, fallbacks)
        )
    return rows


async def apply_rules(
    session: AsyncSession, events: list[CloudEvent], *, max_age: dt.timedelta, timing: Timing
) -> int:
    """Records the messages the events make; answers how many. The rules and the people of a
    consumer's whole fetch are read together, one query each, and its messages written in
    one statement."""
    moment = now()
    fresh = []
    for event in events:
        if moment - event.time > max_age:
            log.info("event_too_old_to_tell", event_id=event.id, event_type=event.short_type)
        else:
            fresh.append(event)
    rules = await enabled_rules(session, {event.short_type for event in fresh})
    met = [
        (event, rule, named_by(rule, event.data))
        for event in fresh
        for rule in rules.get(event.short_type, [])
        if meets_conditions(rule.conditions, event.data)
    ]
    people = await people_to_tell(
        session,
        ids={person for *_, named in met for person in named.ids},
        roles={role for *_, named in met for role in named.roles},
    )
    rows = [
        row
        for event, rule, named in met
        for person in people
        if named.includes(person)
        for row in rule_messages(rule, person, event, moment, timing)
    ]
    await record_messages(session, rows)
    return len(rows)


def rule_subscriptions(settings: Settings) -> list[Subscription]:
    """One consumer per stream that carries events the rules may follow."""
    max_age = dt.timedelta(hours=settings.rule_event_max_age_hours)
    timing = Timing.from_settings(settings)

    async def handle(session: AsyncSession, event: CloudEvent) -> None:
        await apply_rules(session, [event], max_age=max_age, timing=timing)

    async def handle_together(session: AsyncSession, events: list[CloudEvent]) -> None:
        await apply_rules(session, events, max_age=max_age, timing=timing)

    sources = dict.fromkeys(event_type.source for event_type in FollowedEvent)
    return [
        Subscription(
            name=f"message-rules-{source}",
            filter=f"{source}.>",
            handlers={
                event_type.value: handle
                for event_type in FollowedEvent
                if event_type.source == source
            },
            handle_together=handle_together,
            wakes=(MESSAGES_JOB,),
        )
        for source in sources
    ]
