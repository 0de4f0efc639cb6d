"""What the rating tests share."""

import json
import uuid
from typing import NamedTuple

from sqlalchemy import select

from guanjia_shared.clock import now
from guanjia_shared.platform_tables import outbox
from ticket_svc.commitments.models import Commitment
from ticket_svc.ratings.models import Rating, RatingCreate
from ticket_svc.ratings.service import record_rating
from ticket_svc.tickets.models import Ticket
from ticket_svc.tickets.service import new_rating_code

PUBLIC = "/public/v1/ratings"
ADMIN_LIST = "/api/v1/ticket/ratings"
DEPARTMENT = "后勤服务中心"
PROPERTY = "物业管理处"
VEHICLES = "车辆服务中心"
# The departments that publish commitments in these tests, and so may be rated.
RATED_DEPARTMENTS = (DEPARTMENT, PROPERTY, VEHICLES)
ADDRESS = "203.0.113.7"


class RatedTicket(NamedTuple):
    id: str
    code: str


async def add_ticket(session_factory, *, status="resolved", department=DEPARTMENT) -> RatedTicket:
    """A ticket written straight into the table, in whatever state the test needs, with the
    rating code its requester was given."""
    async with session_factory() as session:
        ticket = Ticket(
            title="办公室灯不亮",
            first_receiver="agent-1",
            status=status,
            department=department,
            requester_name="张三",
            requester_phone="13800000000",
            resolved_at=now(),
            rating_code=new_rating_code(),
        )
        session.add(ticket)
        await session.commit()
        return RatedTicket(ticket.id, ticket.rating_code)


async def publish_commitments_of(session_factory, *departments: str, published=True) -> None:
    """A commitment of each department, written straight into the table."""
    async with session_factory() as session:
        for department in departments:
            session.add(
                Commitment(
                    code=f"C-{uuid.uuid4().hex[:8]}",
                    name="水电维修",
                    category="repair",
                    department=department,
                    response_minutes=30,
                    resolve_hours=4,
                    published=published,
                )
            )
        await session.commit()


async def rate(session_factory, *, address=ADDRESS, limit_per_day=5, **fields) -> Rating:
    data = RatingCreate(**{"department": DEPARTMENT, "score": 4, **fields})
    async with session_factory() as session:
        return await record_rating(
            session=session, data=data, address=address, limit_per_day=limit_per_day
        )


async def stored_ratings(session_factory) -> list[Rating]:
    async with session_factory() as session:
        return list((await session.scalars(select(Rating).order_by(Rating.created_at))).all())


async def outbox_events(session_factory) -> list[tuple[str, dict]]:
    """(type, envelope) of every event recorded, in order."""
    async with session_factory() as session:
        rows = await session.execute(
            select(outbox.c.event_type, outbox.c.envelope).order_by(outbox.c.seq)
        )
        return [(event_type, json.loads(envelope)) for event_type, envelope in rows.all()]


def app_sessions(client):
    """The session factory of the app behind `client`, to set up rows the API cannot."""
    return client._transport.app.state.session_factory
