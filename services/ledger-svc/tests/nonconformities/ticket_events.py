"""ticket-svc's events as it publishes them (ticket_svc/tickets/events.py,
ratings/service.py), for the automatic nonconformity's tests."""

from __future__ import annotations

import datetime as dt
import uuid

from guanjia_shared.bureau_time import BUREAU_TIMEZONE
from guanjia_shared.events import CloudEvent, build_event

REPAIRS = "后勤服务中心"
COMMITMENT = "01a25388-0000-7000-8000-00000000c0de"
PROCEDURE = "GJ-WX-001"


def day(text: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(hour), BUREAU_TIMEZONE)


def breach(
    on: str,
    *,
    ticket: str | None = None,
    clock: str = "resolve",
    department: str = REPAIRS,
    commitment_id: str | None = COMMITMENT,
    procedure_code: str | None = PROCEDURE,
    hour: int = 10,
) -> CloudEvent:
    ticket = ticket or str(uuid.uuid4())
    data = {
        "id": ticket,
        "title": "三楼卫生间漏水",
        "status": "in_progress",
        "department": department,
        "commitment": "C-REPAIR",
        "commitment_id": commitment_id,
        "commitment_version": 1,
        "owner": "agent-1",
        "clock": clock,
        "threshold": "breached",
        "reached_at": day(on, hour).isoformat(),
        "escalated_to": "dept_head",
        "procedure_code": procedure_code,
    }
    if clock == "coordination":
        data |= {"coordination_id": str(uuid.uuid4()), "coordinating_department": "财务处"}
    return build_event(
        service="ticket",
        short_type="ticket.ticket.sla_breached",
        subject=ticket,
        data=data,
        time=day(on, hour),
    )


def rating(
    on: str,
    score: int,
    *,
    department: str = REPAIRS,
    commitment_id: str | None = COMMITMENT,
    procedure_code: str | None = PROCEDURE,
    hour: int = 10,
) -> CloudEvent:
    rating_id = str(uuid.uuid4())
    ticket = str(uuid.uuid4()) if commitment_id else None
    return build_event(
        service="ticket",
        short_type="ticket.rating.recorded",
        subject=rating_id,
        data={
            "id": rating_id,
            "department": department,
            "score": score,
            "ticket_id": ticket,
            "has_comment": False,
            "moderation": None,
            "created_at": day(on, hour).isoformat(),
            "commitment": "C-REPAIR" if commitment_id else None,
            "commitment_id": commitment_id,
            "commitment_version": 1 if commitment_id else None,
            "procedure_code": procedure_code if commitment_id else None,
        },
        time=day(on, hour),
    )
