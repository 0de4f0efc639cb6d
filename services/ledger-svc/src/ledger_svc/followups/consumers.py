"""Follow-ups from emergencies (整改): a closed incident's follow-ups become ledger items.

The contract emergency-svc publishes to, `emergency.incident.closed` (subject: the
incident's id); the data fields read, others ignored, `?` marking the optional ones:

    {
      "id": str (≤ 64; the subject when left out),
      "code"?: str,
      "title": str,
      "type": str (an incident-type code),
      "level": "I" | "II" | "III" | "IV",
      "building_id"?: str,
      "commander_id": str (a gateway user id; required when there are follow-ups),
      "commander_department"?: str,
      "closed_at": ISO 8601 with offset,
      "summary": str,
      "follow_ups": [ "its title"
                      | {"title": str, "department"?: str, "deadline"?: "YYYY-MM-DD",
                         "quality_requirement"?: str}, ... ]
    }

What it makes: one top-level item per follow-up, in the follow-up plan of the bureau year
of `closed_at` (made when the year has none), owned by the commander, with
`source: {service: "emergency", ref: <incident id>}`. The item's title is the follow-up's
(cut to 200 characters; the whole text is its target), its breakdown names the incident,
it starts on the day the incident closed; the defaults for department, deadline and
quality requirement are in `rules.py`. An incident closed without follow-ups makes nothing.

Malformed data (no id, no closing time, an unknown level, a blank follow-up, a deadline
before the closing day) or follow-ups without a commander to own them: a `PoisonEvent`,
kept as a dead letter, and the events after it go on.

Applied once: the consumer's inbox stops a redelivered event; beyond that, an incident
whose follow-ups are already in the ledger (any item with its source) gets nothing more,
so the same closing published again under a new event id makes no second set. The check
runs with the year's follow-up plan row locked (PostgreSQL), so two deliveries of the same
incident take turns.
"""

from __future__ import annotations

from functools import partial
from typing import TypeVar

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from guanjia_shared.consumer import PoisonEvent, Subscription
from guanjia_shared.events import CloudEvent
from guanjia_shared.logging import get_logger
from ledger_svc.config import Settings
from ledger_svc.events import ConsumedEvent
from ledger_svc.exceptions.rules import ExceptionThresholds
from ledger_svc.exceptions.service import exception_thresholds
from ledger_svc.followups.rules import (
    SOURCE_SERVICE,
    DrillRecorded,
    IncidentClosed,
    NotFollowable,
    drill_follow_up_items,
    follow_up_items,
)
from ledger_svc.items.models import Item, ItemCreate
from ledger_svc.items.service import add_item
from ledger_svc.plans.models import Plan
from ledger_svc.plans.service import follow_up_plan

log = get_logger("ledger.followups")
Contract = TypeVar("Contract", IncidentClosed, DrillRecorded)


async def add_follow_up_items(
    session: AsyncSession, event: CloudEvent, *, thresholds: ExceptionThresholds
) -> None:
    incident = _contract_of(event, IncidentClosed)
    try:
        drafts = follow_up_items(incident)
    except (NotFollowable, ValidationError) as exc:
        raise PoisonEvent(f"incident {incident.id}: {exc}") from exc
    await _add_once(session, event, incident.id, incident.plan_year, drafts, thresholds)


async def add_drill_follow_up_items(
    session: AsyncSession, event: CloudEvent, *, thresholds: ExceptionThresholds
) -> None:
    drill = _contract_of(event, DrillRecorded)
    try:
        drafts = drill_follow_up_items(drill)
    except (NotFollowable, ValidationError) as exc:
        raise PoisonEvent(f"drill {drill.id}: {exc}") from exc
    await _add_once(session, event, drill.id, drill.plan_year, drafts, thresholds)


def _contract_of(event: CloudEvent, contract: type[Contract]) -> Contract:
    data = dict(event.data)
    if data.get("id") is None and event.subject:
        data["id"] = event.subject
    try:
        return contract.model_validate(data)
    except ValidationError as exc:
        raise PoisonEvent(f"{event.type} not as agreed: {exc}") from exc


async def _add_once(
    session: AsyncSession,
    event: CloudEvent,
    source_id: str,
    year: int,
    drafts: list[ItemCreate],
    thresholds: ExceptionThresholds,
) -> None:
    """The follow-ups of one incident or drill, unless the ledger has them already."""
    if not drafts:
        return
    plan = await follow_up_plan(session, year)
    # Take turns with any other delivery for the plan before looking for the source.
    await session.execute(select(Plan.id).where(Plan.id == plan.id).with_for_update())
    if await _followed_up_already(session, source_id):
        log.info("follow_ups_already_in_ledger", source_id=source_id, event_id=event.id)
        return
    for draft in drafts:
        await add_item(session, plan, draft, actor_id=None, thresholds=thresholds)


async def _followed_up_already(session: AsyncSession, incident_id: str) -> bool:
    found = await session.scalar(
        select(Item.id)
        .where(Item.source_service == SOURCE_SERVICE, Item.source_ref == incident_id)
        .limit(1)
    )
    return found is not None


def follow_up_subscription(settings: Settings) -> Subscription:
    """The consumer of emergency-svc's follow-ups; the items it adds are judged at once by
    the exception thresholds of `settings`, as an item made over HTTP is."""
    thresholds = exception_thresholds(settings)
    return Subscription(
        name="emergency-follow-ups",
        filter="emergency.>",
        handlers={
            ConsumedEvent.incident_closed: partial(add_follow_up_items, thresholds=thresholds),
            ConsumedEvent.drill_recorded: partial(add_drill_follow_up_items, thresholds=thresholds),
        },
    )
