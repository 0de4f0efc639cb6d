"""ticket-svc's events as it publishes them (ticket_svc/tickets/events.py closed_event,
ratings/service.py), and the people and moments the reviews' tests share."""

from __future__ import annotations

import datetime as dt
import uuid

from guanjia_shared.bureau_time import BUREAU_TIMEZONE
from guanjia_shared.events import CloudEvent, build_event

REVIEWS = "/api/v1/ledger/quality/reviews"
ITEMS = "/api/v1/ledger/items"
REPAIRS = "后勤服务中心"
FINANCE = "财务处"
QUALITY_OFFICE = "质量管理办公室"


def moment(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    """`hour`:`minute` in the bureau on `day`."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), BUREAU_TIMEZONE)


def closed(
    on: str, sla_met: bool | None, *, department: str = REPAIRS, hour: int = 10
) -> CloudEvent:
    ticket = str(uuid.uuid4())
    return build_event(
        service="ticket",
        short_type="ticket.ticket.closed",
        subject=ticket,
        data={
            "id": ticket,
            "title": "三楼卫生间漏水",
            "status": "closed",
            "department": department,
            "commitment": "C-REPAIR",
            "commitment_id": str(uuid.uuid4()),
            "commitment_version": 1,
            "owner": "agent-1",
            "first_receiver": "agent-1",
            "requester_unit_id": "unit-1",
            "building_id": None,
            "room_id": None,
            "channel": "web",
            "external_ref": None,
            "sla_met": sla_met,
            "rating": None,
            "satisfied": None,
            "auto_confirmed": False,
            "closed_at": moment(on, hour).isoformat(),
            "late_coordinating_departments": [],
        },
        time=moment(on, hour),
    )


def rating(on: str, score: int, *, department: str = REPAIRS, hour: int = 10) -> CloudEvent:
    rating_id = str(uuid.uuid4())
    return build_event(
        service="ticket",
        short_type="ticket.rating.recorded",
        subject=rating_id,
        data={
            "id": rating_id,
            "department": department,
            "score": score,
            "ticket_id": None,
            "has_comment": False,
            "moderation": None,
            "created_at": moment(on, hour).isoformat(),
            "commitment": None,
            "commitment_id": None,
            "commitment_version": None,
            "procedure_code": None,
        },
        time=moment(on, hour),
    )
