"""`commitment_with_terms`: how ticket code finds the terms a ticket is judged by."""

import pytest

from guanjia_shared.auth import Principal
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.errors import InvalidInput
from ticket_svc.commitments.models import CommitmentCreate, CommitmentUpdate
from ticket_svc.commitments.service import (
    commitment_with_terms,
    create_commitment,
    update_commitment,
)
from ticket_svc.database import MIGRATIONS

ADMIN = Principal(id="admin-1", username="admin", roles=frozenset({"admin"}))


@pytest.fixture
async def session_factory(fresh_database):
    engine = create_engine(await fresh_database(MIGRATIONS))
    factory = create_session_factory(engine, service="ticket")
    async with factory() as session:
        commitment = await create_commitment(
            session=session,
            data=CommitmentCreate(
                code="C-REPAIR",
                name="水电维修",
                category="repair",
                department="后勤服务中心",
                response_minutes=30,
                resolve_hours=24,
            ),
            actor=ADMIN,
        )
        await update_commitment(
            session=session,
            commitment_id=commitment.id,
            data=CommitmentUpdate(response_minutes=15),
            actor=ADMIN,
        )
    yield factory
    await engine.dispose()


async def test_without_a_version_the_current_one_is_answered(session_factory):
    async with session_factory() as session:
        _, current = await commitment_with_terms(session, "C-REPAIR")
    assert current.version == 2 and current.response_minutes == 15


async def test_a_ticket_keeps_the_version_it_was_opened_under(session_factory):
    async with session_factory() as session:
        _, first = await commitment_with_terms(session, "C-REPAIR", 1)
    assert first.version == 1 and first.response_minutes == 30
    assert first.created_by == "admin-1" and first.created_at.tzinfo is not None


async def test_an_unknown_code_is_bad_input_at_commitment_code(session_factory):
    async with session_factory() as session:
        with pytest.raises(InvalidInput) as refused:
            await commitment_with_terms(session, "C-NONE")
    assert refused.value.status == 422
    assert refused.value.extra["errors"][0]["pointer"] == "#/commitment_code"


async def test_an_unknown_version_is_bad_input(session_factory):
    async with session_factory() as session:
        with pytest.raises(InvalidInput):
            await commitment_with_terms(session, "C-REPAIR", 3)
