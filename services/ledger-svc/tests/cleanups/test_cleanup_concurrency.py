"""Decide exactly once, whatever runs at once: many decisions on one line sent together
keep one (the line's row is locked, and a unique constraint holds the decision's line),
and only that one's effect reaches the register."""

import asyncio
import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ledger_svc.cleanups.models import CleanupDecision
from ledger_svc.quality.models import ProcedureRevision

from ..quality.quality_helpers import outbox_events, problem
from .cleanup_helpers import decide, in_force, lines_of, open_cleanup

pytestmark = pytest.mark.on_day("2026-03-02T10:00:00+08:00")

AT_ONCE = 8
KINDS = ("revise", "supplement", "abolish", "confirm")


async def test_many_decisions_on_one_line_at_once_keep_exactly_one(
    client, session_factory, leader, admin, head, drafter, owner
):
    document = await in_force(client, drafter, head, head)
    cleanup = await open_cleanup(client, leader, departments=["财务处"])
    [line] = (await lines_of(client, leader, cleanup))["items"]

    answers = await asyncio.gather(
        *(
            decide(
                client,
                (leader, admin)[index % 2],
                cleanup,
                line,
                owner,
                KINDS[index % len(KINDS)],
                rationale=f"第{index}个决定",
            )
            for index in range(AT_ONCE)
        )
    )
    kept = [answer for answer in answers if answer.status_code == 201]
    assert len(kept) == 1, [answer.text for answer in answers]
    for answer in answers:
        if answer is not kept[0]:
            problem(answer, 409, "decide-exactly-once")
    decision = kept[0].json()["decision"]

    async with session_factory() as session:
        rows = (
            (
                await session.execute(
                    select(CleanupDecision).where(CleanupDecision.line_id == line["id"])
                )
            )
            .scalars()
            .all()
        )
        assert [(row.decision, row.rationale) for row in rows] == [
            (decision["decision"], decision["rationale"])
        ]
        drafts = await session.scalar(
            select(func.count()).where(
                ProcedureRevision.document_id == document["id"], ProcedureRevision.number > 1
            )
        )
    # Only the kept decision reached the register: one draft for revise or supplement,
    # none otherwise.
    assert drafts == (1 if decision["decision"] in ("revise", "supplement") else 0)
    decided = await outbox_events(session_factory, prefix="ledger.cleanup.decided")
    assert [data["rationale"] for _, _, data in decided] == [decision["rationale"]]
    abolished = await outbox_events(session_factory, prefix="ledger.procedure.abolished")
    assert len(abolished) == (1 if decision["decision"] == "abolish" else 0)


async def test_the_database_itself_refuses_a_second_decision_on_a_line(
    client, session_factory, leader, head, drafter, owner
):
    await in_force(client, drafter, head, head)
    cleanup = await open_cleanup(client, leader, departments=["财务处"])
    [line] = (await lines_of(client, leader, cleanup))["items"]
    answer = await decide(client, leader, cleanup, line, owner)
    assert answer.status_code == 201, answer.text

    async with session_factory() as session:
        session.add(
            CleanupDecision(
                cleanup_id=cleanup["id"],
                line_id=line["id"],
                decision="abolish",
                rationale="绕过规则",
                owner_id=owner.id,
                deadline=dt.date(2026, 6, 30),
                decided_by=leader.id,
            )
        )
        with pytest.raises(IntegrityError):
            await session.commit()
