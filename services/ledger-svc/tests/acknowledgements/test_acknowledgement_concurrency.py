"""Acknowledge exactly once, whatever runs at once: many acknowledgements of one person
sent together keep one (ON CONFLICT DO NOTHING on the unique revision and person); many
people at once are each kept."""

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ledger_svc.acknowledgements.models import ProcedureAcknowledgement

from ..quality.quality_helpers import Person, outbox_events
from .acknowledgement_helpers import acknowledge, distributed, in_force, reading, to_read

pytestmark = pytest.mark.on_day("2026-03-02T10:00:00+08:00")

AT_ONCE = 12


async def test_many_acknowledgements_of_one_person_at_once_keep_exactly_one(
    client, session_factory, drafter, head
):
    document = await in_force(client, drafter, head, drafter)
    await distributed(client, drafter, document, departments=["财务处"])

    answers = await asyncio.gather(*(acknowledge(client, head, document) for _ in range(AT_ONCE)))

    assert sorted(answer.status_code for answer in answers) == [200] * (AT_ONCE - 1) + [201]
    first = next(answer.json() for answer in answers if answer.status_code == 201)
    assert {answer.json()["acknowledged_at"] for answer in answers} == {first["acknowledged_at"]}
    assert all(
        answer.json()["already_acknowledged"] for answer in answers if answer.status_code == 200
    )
    async with session_factory() as session:
        rows = await session.scalar(
            select(func.count()).where(ProcedureAcknowledgement.person_id == head.id)
        )
    assert rows == 1
    events = await outbox_events(session_factory, prefix="ledger.acknowledgement.recorded")
    assert len(events) == 1


async def test_many_people_acknowledging_at_once_are_each_counted(
    client, token_mint, drafter, head, admin
):
    document = await in_force(client, drafter, head, drafter)
    await distributed(client, drafter, document, departments=["财务处"])
    staff = [Person(token_mint, "agent", department="财务处", name=f"科员{i}") for i in range(8)]
    for person in staff:
        await to_read(client, person)

    answers = await asyncio.gather(
        *(acknowledge(client, person, document) for person in staff for _ in range(2))
    )

    assert sorted(answer.status_code for answer in answers) == [200] * 8 + [201] * 8
    status = await reading(client, admin, document)
    assert (status["concerned"], status["acknowledged"], status["not_yet"]) == (8, 8, 0)


async def test_the_database_itself_refuses_a_second_acknowledgement(
    client, session_factory, drafter, head
):
    document = await in_force(client, drafter, head, drafter)
    await distributed(client, drafter, document, departments=["财务处"])
    assert (await acknowledge(client, head, document)).status_code == 201
    async with session_factory() as session:
        kept = await session.scalar(select(ProcedureAcknowledgement))
        session.add(
            ProcedureAcknowledgement(
                document_id=kept.document_id,
                revision_id=kept.revision_id,
                revision_number=kept.revision_number,
                person_id=kept.person_id,
                person_name=kept.person_name,
            )
        )
        with pytest.raises(IntegrityError):
            await session.commit()
