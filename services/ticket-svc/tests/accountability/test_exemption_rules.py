"""What keeps the exemption rules true when requests and decisions race, called directly."""

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from guanjia_shared.auth import Principal
from guanjia_shared.errors import Conflict
from ticket_svc.accountability.models import (
    AccountabilityExemption,
    AccountabilityRecord,
    ExemptionRequest,
)
from ticket_svc.accountability.service import (
    approve_exemption,
    reject_exemption,
    request_exemption,
)

HEAD = Principal(
    id="head-1", username="head", roles=frozenset({"dept_head"}), department="后勤服务中心"
)
LEADERS = [
    Principal(id=f"leader-{n}", username=f"leader{n}", roles=frozenset({"leader"})) for n in (1, 2)
]
FORCE_MAJEURE = ExemptionRequest(ground="force_majeure", reason="台风")


@pytest.fixture
async def penalty_id(session_factory):
    async with session_factory() as session:
        record = AccountabilityRecord(
            kind="penalty",
            department="后勤服务中心",
            reason="超时",
            origin="manual",
            occurred_at=datetime(2026, 3, 2, tzinfo=UTC),
            year=2026,
            recorded_by="leader-1",
        )
        session.add(record)
        await session.commit()
        return record.id


def open_exemption(record_id, decision="pending"):
    return AccountabilityExemption(
        record_id=record_id,
        ground="other",
        reason="理由",
        requested_by="head-1",
        decision=decision,
    )


async def test_the_database_refuses_a_second_open_exemption(session_factory, penalty_id):
    async with session_factory() as session:
        session.add(open_exemption(penalty_id, decision="approved"))
        await session.commit()
    async with session_factory() as session:
        session.add(open_exemption(penalty_id))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_the_database_allows_a_new_request_after_rejections(
    session_factory, penalty_id, count_rows
):
    async with session_factory() as session:
        session.add_all(
            [
                open_exemption(penalty_id, decision="rejected"),
                open_exemption(penalty_id, decision="rejected"),
                open_exemption(penalty_id),
            ]
        )
        await session.commit()
    assert await count_rows(AccountabilityExemption) == 3


async def test_two_requests_at_once_make_one_exemption(session_factory, penalty_id, count_rows):
    async def ask():
        async with session_factory() as session:
            return await request_exemption(
                session=session, record_id=penalty_id, data=FORCE_MAJEURE, actor=HEAD
            )

    results = await asyncio.gather(ask(), ask(), return_exceptions=True)

    refusals = [r for r in results if isinstance(r, Exception)]
    assert len(refusals) == 1 and isinstance(refusals[0], Conflict)
    assert refusals[0].extra["rule"] == "one-exemption-at-a-time"
    assert await count_rows(AccountabilityExemption) == 1


async def test_two_leaders_deciding_at_once_decide_once(session_factory, penalty_id):
    async with session_factory() as session:
        await request_exemption(
            session=session, record_id=penalty_id, data=FORCE_MAJEURE, actor=HEAD
        )

    async def approve():
        async with session_factory() as session:
            return await approve_exemption(
                session=session, record_id=penalty_id, note=None, actor=LEADERS[0]
            )

    async def reject():
        async with session_factory() as session:
            return await reject_exemption(
                session=session, record_id=penalty_id, note="不属实", actor=LEADERS[1]
            )

    results = await asyncio.gather(approve(), reject(), return_exceptions=True)

    refusals = [r for r in results if isinstance(r, Exception)]
    assert len(refusals) == 1 and isinstance(refusals[0], Conflict)
    assert refusals[0].extra["rule"] == "decide-once"
    [decided] = [r for r in results if not isinstance(r, Exception)]
    assert [e.decision for e in decided.exemptions] in (["approved"], ["rejected"])
