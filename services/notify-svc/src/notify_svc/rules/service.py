"""The message rules as the admin keeps them (who may: policy.py), and the enabled rules an
event meets (consumers.py)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.clock import now
from guanjia_shared.errors import NotFound, PreconditionFailed, invalid_field
from guanjia_shared.pagination import PageParams, fetch_page
from notify_svc.events import FollowedEvent
from notify_svc.rules.models import (
    Condition,
    MessageRule,
    RuleCreate,
    RuleRead,
    RuleUpdate,
)
from notify_svc.rules.policy import ensure_may_keep_rules
from notify_svc.rules.templates import value_text

# The fields a write keeps as JSON: lists of models, stored without their unset parts.
_JSON_FIELDS = ("conditions", "recipients")


def rule_read(rule: MessageRule) -> RuleRead:
    return RuleRead.model_validate(rule, from_attributes=True)


def _stored(data: dict[str, Any], model: RuleCreate | RuleUpdate) -> dict[str, Any]:
    for name in _JSON_FIELDS:
        if name in data and data[name] is not None:
            data[name] = [part.model_dump(exclude_none=True) for part in getattr(model, name)]
    if "channels" in data and data["channels"] is not None:
        data["channels"] = [str(channel) for channel in data["channels"]]
    if "event_type" in data:
        data["event_type"] = str(data["event_type"])
    return data


async def create_rule(*, session: AsyncSession, data: RuleCreate, actor: Principal) -> RuleRead:
    ensure_may_keep_rules(actor)
    rule = MessageRule(**_stored(data.model_dump(), data), updated_by=actor.id)
    session.add(rule)
    await session.commit()
    return rule_read(rule)


async def list_rules(
    *,
    session: AsyncSession,
    actor: Principal,
    page: PageParams,
    event_type: FollowedEvent | None = None,
    enabled: bool | None = None,
) -> tuple[list[RuleRead], int]:
    ensure_may_keep_rules(actor)
    query = select(MessageRule).order_by(MessageRule.event_type, MessageRule.name, MessageRule.id)
    if event_type is not None:
        query = query.where(MessageRule.event_type == event_type.value)
    if enabled is not None:
        query = query.where(MessageRule.enabled.is_(enabled))
    rules, total = await fetch_page(session, query, page)
    return [rule_read(rule) for rule in rules], total


async def _rule(
    session: AsyncSession, rule_id: str, actor: Principal, *, lock: bool = False
) -> MessageRule:
    ensure_may_keep_rules(actor)
    query = select(MessageRule).where(MessageRule.id == rule_id)
    rule = (await session.execute(query.with_for_update() if lock else query)).scalar_one_or_none()
    if rule is None:
        raise NotFound(f"no message rule {rule_id}")
    return rule


async def _changeable(
    session: AsyncSession, rule_id: str, actor: Principal, expected_version: int | None
) -> MessageRule:
    rule = await _rule(session, rule_id, actor, lock=True)
    if expected_version is not None and expected_version != rule.version:
        raise PreconditionFailed(
            f"message rule {rule_id} is at version {rule.version}, not {expected_version}"
        )
    return rule


async def get_rule(*, session: AsyncSession, rule_id: str, actor: Principal) -> RuleRead:
    return rule_read(await _rule(session, rule_id, actor))


async def update_rule(
    *,
    session: AsyncSession,
    rule_id: str,
    data: RuleUpdate,
    actor: Principal,
    expected_version: int | None,
) -> RuleRead:
    rule = await _changeable(session, rule_id, actor, expected_version)
    changes = _stored(data.model_dump(exclude_unset=True), data)
    if changes.get("urgent", rule.urgent) and changes.get("digest", rule.digest):
        raise invalid_field("an urgent rule goes at once, not in a digest", "#/digest")
    for name, value in changes.items():
        setattr(rule, name, value)  # only the link may be null: taken away
    rule.version += 1
    rule.updated_by = actor.id
    rule.updated_at = now()
    await session.commit()
    return rule_read(rule)


async def delete_rule(
    *, session: AsyncSession, rule_id: str, actor: Principal, expected_version: int | None
) -> None:
    """Gone for the events still to come; the messages it made keep their text."""
    rule = await _changeable(session, rule_id, actor, expected_version)
    await session.delete(rule)
    await session.commit()


def meets_conditions(conditions: list[dict[str, Any]], data: dict[str, Any]) -> bool:
    for stored in conditions:
        condition = Condition.model_validate(stored)
        value = value_text(data.get(condition.field))
        if condition.present is not None and bool(value) != condition.present:
            return False
        if condition.one_of is not None and value not in condition.one_of:
            return False
    return True


async def enabled_rules(
    session: AsyncSession, event_types: set[str]
) -> dict[str, list[MessageRule]]:
    """The enabled rules of each of these event types, in the order of their ids."""
    if not event_types:
        return {}
    rules = await session.scalars(
        select(MessageRule)
        .where(MessageRule.event_type.in_(sorted(event_types)), MessageRule.enabled.is_(True))
        .order_by(MessageRule.id)
    )
    by_type: dict[str, list[MessageRule]] = defaultdict(list)
    for rule in rules:
        by_type[rule.event_type].append(rule)
    return by_type
