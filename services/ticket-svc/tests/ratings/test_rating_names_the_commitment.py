"""What a rating's event tells ledger-svc's quality system: for a ticket rated by its code,
the commitment it was served under (id, code, version) and the procedure that commitment
names now; for a department rated without a ticket, none of these."""

import uuid

from ticket_svc.commitments.models import Commitment
from ticket_svc.tickets.models import Ticket
from ticket_svc.tickets.service import new_rating_code

from .rating_helpers import DEPARTMENT, outbox_events, rate


async def add_commitment_and_its_ticket(session_factory, procedure_code):
    async with session_factory() as session:
        commitment = Commitment(
            code=f"C-{uuid.uuid4().hex[:8]}",
            name="水电维修",
            category="repair",
            department=DEPARTMENT,
            response_minutes=30,
            resolve_hours=4,
            procedure_code=procedure_code,
            published=True,
            version=2,
        )
        session.add(commitment)
        await session.flush()
        ticket = Ticket(
            title="办公室灯不亮",
            first_receiver="agent-1",
            status="resolved",
            department=DEPARTMENT,
            requester_name="张三",
            commitment_id=commitment.id,
            commitment_code=commitment.code,
            commitment_version=1,
            rating_code=new_rating_code(),
        )
        session.add(ticket)
        await session.commit()
        return commitment, ticket


async def recorded_event(session_factory):
    [(event_type, envelope)] = [
        event for event in await outbox_events(session_factory) if event[0].startswith("ticket.")
    ]
    assert event_type == "ticket.rating.recorded"
    return envelope["data"]


async def test_a_tickets_rating_names_its_commitment_and_procedure(session_factory):
    commitment, ticket = await add_commitment_and_its_ticket(session_factory, "GJ-WX-001")

    await rate(session_factory, code=ticket.rating_code, department=None, score=2)

    data = await recorded_event(session_factory)
    assert data["ticket_id"] == ticket.id and data["department"] == DEPARTMENT
    assert data["commitment_id"] == commitment.id
    assert (data["commitment"], data["commitment_version"]) == (commitment.code, 1)
    assert data["procedure_code"] == "GJ-WX-001"
    assert data["score"] == 2


async def test_a_tickets_rating_under_a_commitment_without_a_procedure_names_none(
    session_factory,
):
    commitment, ticket = await add_commitment_and_its_ticket(session_factory, None)

    await rate(session_factory, code=ticket.rating_code, department=None)

    data = await recorded_event(session_factory)
    assert data["commitment_id"] == commitment.id and data["procedure_code"] is None


async def test_a_departments_rating_names_no_commitment(session_factory):
    await rate(session_factory, score=1)

    data = await recorded_event(session_factory)
    assert data["ticket_id"] is None
    assert (data["commitment"], data["commitment_id"], data["commitment_version"]) == (
        None,
        None,
        None,
    )
    assert data["procedure_code"] is None
