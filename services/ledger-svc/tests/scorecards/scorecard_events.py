"""Events as ticket-svc, ledger-svc and emergency-svc publish them, for the scorecards."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import nats

from guanjia_shared.events import CloudEvent, build_event, ensure_stream, nats_subject, service_of
from guanjia_shared.testing.streams import publish_with_retries

API = "/api/v1/ledger/scorecards"
PROPERTY = "物业处"
GENERAL = "综合处"
SECURITY = "保卫处"


def at(text: str) -> datetime:
    """A moment written in UTC: `at("2026-03-02 10:00")`."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def event(short_type: str, subject: str, data: dict, *, time: datetime | None = None):
    return build_event(
        service=service_of(short_type),
        short_type=short_type,
        subject=subject,
        data=data,
        time=time or datetime.now(UTC),
    )


def ticket_summary(ticket_id: str, department: str) -> dict:
    return {
        "id": ticket_id,
        "title": "空调不制冷",
        "status": "closed",
        "department": department,
        "commitment": "REPAIR-AC",
        "commitment_version": 1,
        "owner": "agent-1",
        "first_receiver": "agent-1",
        "requester_unit_id": None,
        "building_id": None,
        "room_id": None,
        "channel": "phone",
    }


def ticket_closed(
    department: str,
    *,
    closed_at: datetime,
    sla_met: bool | None = True,
    rating: int | None = None,
    ticket_id: str | None = None,
) -> CloudEvent:
    ticket_id = ticket_id or new_id()
    return event(
        "ticket.ticket.closed",
        ticket_id,
        {
            **ticket_summary(ticket_id, department),
            "sla_met": sla_met,
            "rating": rating,
            "satisfied": rating is not None,
            "auto_confirmed": rating is None,
            "closed_at": closed_at.isoformat(),
            "late_coordinating_departments": [],
        },
    )


def sla_breached(
    department: str,
    *,
    reached_at: datetime,
    clock: str = "resolve",
    coordinating_department: str | None = None,
    ticket_id: str | None = None,
) -> CloudEvent:
    ticket_id = ticket_id or new_id()
    coordination = (
        {"coordination_id": new_id(), "coordinating_department": coordinating_department}
        if clock == "coordination"
        else {}
    )
    return event(
        "ticket.ticket.sla_breached",
        ticket_id,
        {
            **ticket_summary(ticket_id, department),
            "status": "in_progress",
            "clock": clock,
            "threshold": "breached",
            "reached_at": reached_at.isoformat(),
            "escalated_to": "dept_head",
            **coordination,
        },
    )


def accountability_recorded(
    department: str, *, kind: str, points: int | None, year: int, occurred_at: datetime
) -> CloudEvent:
    record_id = new_id()
    return event(
        "ticket.accountability.recorded",
        record_id,
        {
            "id": record_id,
            "kind": kind,
            "department": department,
            "person_id": "agent-1",
            "points": points,
            "origin": "manual",
            "rule": None,
            "ticket_id": None,
            "reason": "服务态度",
            "occurred_at": occurred_at.isoformat(),
            "year": year,
        },
    )


def accountability_exempted(recorded: CloudEvent) -> CloudEvent:
    record = recorded.data
    return event(
        "ticket.accountability.exempted",
        record["id"],
        {
            "id": record["id"],
            "exemption_id": new_id(),
            "kind": record["kind"],
            "department": record["department"],
            "person_id": record["person_id"],
            "points": record["points"],
            "year": record["year"],
            "ground": "force_majeure",
        },
    )


def item_completed(
    department: str,
    *,
    year: int,
    on_time: bool,
    item_id: str | None = None,
    time: datetime | None = None,
) -> CloudEvent:
    item_id = item_id or new_id()
    completed_at = time or datetime.now(UTC)
    return event(
        "ledger.item.completed",
        item_id,
        {
            "id": item_id,
            "plan_id": new_id(),
            "year": year,
            "department": department,
            "owner_id": "owner-1",
            "title": "机关食堂改造",
            "deadline": f"{year}-06-30",
            "original_deadline": f"{year}-06-30",
            "completed_at": completed_at.isoformat(),
            "on_time": on_time,
        },
        time=time,
    )


def item_reopened(completed: CloudEvent, *, time: datetime | None = None) -> CloudEvent:
    item = completed.data
    return event(
        "ledger.item.reopened",
        item["id"],
        {"id": item["id"], "year": item["year"], "department": item["department"]},
        time=time,
    )


def drill_recorded(
    participants: dict[str, int | None], *, held_at: datetime, year: int | None = None
) -> CloudEvent:
    drill_id = new_id()
    data = {
        "id": drill_id,
        "plan_id": new_id(),
        "held_at": held_at.isoformat(),
        "participants": [
            {"department": department, "people": people}
            for department, people in participants.items()
        ],
        "score": 90,
    }
    if year is not None:
        data["year"] = year
    return event("emergency.drill.recorded", drill_id, data)


async def publish_again_past_deduplication(nats_url: str, namespace: str, event: CloudEvent):
    """The same event once more, as a relay retrying after JetStream's duplicate window
    would: under a message id of its own (not the event id), so the stream keeps a second
    copy and delivers it."""
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        await ensure_stream(js, namespace, service_of(event.short_type))
        await publish_with_retries(
            js, nats_subject(namespace, event.short_type), event.model_dump_json().encode()
        )
    finally:
        await connection.close()


def scorecard(department: str, year: int, *, accountability: dict | None = None, **figures):
    """A scorecard row as the API answers it: zeros and nulls but for `figures`."""
    return {
        "department": department,
        "year": year,
        "items_completed": 0,
        "items_on_time": 0,
        "on_time_rate_percent": None,
        "tickets_closed": 0,
        "tickets_sla_met": 0,
        "sla_compliance_percent": None,
        "sla_breaches": 0,
        "mean_rating": None,
        "ratings": 0,
        "accountability": {
            "rewards": 0,
            "penalties": 0,
            "exempted": 0,
            "reward_points": 0,
            "penalty_points": 0,
            "points": 0,
            **(accountability or {}),
        },
        "drills": 0,
        **figures,
    }
