"""Recording a breach by rule: how the escalation job records a breach as a penalty — once,
inside the job's own transaction, never committing it."""

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from guanjia_shared.platform_tables import outbox
from ticket_svc.accountability.models import AccountabilityRecord, BreachRule
from ticket_svc.accountability.service import Breach, record_breaches
from ticket_svc.tickets.models import Ticket

from .accountability_helpers import record_breach

BREACHED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def breach(ticket_id, **overrides):
    return {
        "rule": BreachRule.sla_response_breached.value,
        "department": "后勤服务中心",
        "ticket_id": ticket_id,
        "reason": "响应超时: 30 分钟内未响应",
        "occurred_at": BREACHED_AT,
        **overrides,
    }


async def recorded_events(session_factory) -> int:
    async with session_factory() as session:
        return await session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.event_type == "ticket.accountability.recorded")
        )


async def test_a_breach_is_recorded_as_a_penalty_made_by_the_rule(
    session_factory, make_ticket, count_rows
):
    ticket = await make_ticket()
    async with session_factory() as session:
        record = await record_breach(session, **breach(ticket.id), person_id="agent-1")
        await session.commit()

    assert record is not None
    async with session_factory() as session:
        stored = await session.get(AccountabilityRecord, record.id)
    assert (stored.kind, stored.origin, stored.rule) == ("penalty", "rule", "sla-response-breached")
    assert (stored.department, stored.person_id, stored.ticket_id) == (
        "后勤服务中心",
        "agent-1",
        ticket.id,
    )
    assert stored.recorded_by is None and stored.points is None
    assert stored.occurred_at == BREACHED_AT and stored.year == 2026
    assert await recorded_events(session_factory) == 1


async def test_the_same_breach_recorded_again_answers_none_and_leaves_one_row(
    session_factory, make_ticket, count_rows
):
    ticket = await make_ticket()
    async with session_factory() as session:
        first = await record_breach(session, **breach(ticket.id))
        again = await record_breach(session, **breach(ticket.id, reason="又一次看到"))
        await session.commit()
    async with session_factory() as session:
        later = await record_breach(session, **breach(ticket.id))
        await session.commit()

    assert first is not None and again is None and later is None
    assert await count_rows(AccountabilityRecord) == 1
    assert await recorded_events(session_factory) == 1


async def test_a_duplicate_leaves_the_callers_transaction_to_carry_on(session_factory, make_ticket):
    ticket = await make_ticket()
    async with session_factory() as session:
        await record_breach(session, **breach(ticket.id))
        await session.commit()

    checked_at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    async with session_factory() as session:
        # What the escalation job does around the call: change the ticket, then record.
        mine = await session.get(Ticket, ticket.id)
        mine.next_check_at = checked_at
        await session.flush()
        assert await record_breach(session, **breach(ticket.id)) is None
        assert mine.next_check_at == checked_at  # still loaded: no lazy load after the undo
        await session.commit()

    async with session_factory() as session:
        assert (await session.get(Ticket, ticket.id)).next_check_at == checked_at


async def test_the_same_breach_seen_by_two_replicas_at_once_is_recorded_once(
    session_factory, make_ticket, count_rows
):
    ticket = await make_ticket()

    async def one_replica():
        async with session_factory() as session:
            record = await record_breach(session, **breach(ticket.id))
            await session.commit()
            return record

    results = await asyncio.gather(one_replica(), one_replica())

    assert sorted(result is None for result in results) == [False, True]
    assert await count_rows(AccountabilityRecord) == 1
    assert await recorded_events(session_factory) == 1


async def test_another_rule_or_department_on_the_same_ticket_is_a_breach_of_its_own(
    session_factory, make_ticket, count_rows
):
    ticket = await make_ticket()
    async with session_factory() as session:
        recorded = [
            await record_breach(session, **breach(ticket.id)),
            await record_breach(
                session, **breach(ticket.id, rule=BreachRule.sla_resolve_breached.value)
            ),
            await record_breach(
                session,
                **breach(ticket.id, rule=BreachRule.coordination_late.value, department="物业科"),
            ),
        ]
        await session.commit()

    assert all(record is not None for record in recorded)
    assert await count_rows(AccountabilityRecord) == 3
    assert await recorded_events(session_factory) == 3


async def test_nothing_is_kept_unless_the_caller_commits(session_factory, make_ticket, count_rows):
    ticket = await make_ticket()
    async with session_factory() as session:
        assert await record_breach(session, **breach(ticket.id)) is not None
        await session.rollback()

    assert await count_rows(AccountabilityRecord) == 0
    assert await recorded_events(session_factory) == 0


async def test_a_breach_late_on_31_december_utc_counts_in_the_bureaus_new_year(
    session_factory, make_ticket
):
    ticket = await make_ticket()
    new_year_in_beijing = datetime(2025, 12, 31, 17, 0, tzinfo=UTC)  # 01:00 on 1 January
    async with session_factory() as session:
        record = await record_breach(session, **breach(ticket.id, occurred_at=new_year_in_beijing))
        await session.commit()
    assert record.year == 2026


async def test_an_unknown_ticket_is_an_error_not_a_duplicate(session_factory, count_rows):
    async with session_factory() as session:
        with pytest.raises(IntegrityError):
            await record_breach(session, **breach("no-such-ticket"))
        await session.rollback()
    assert await count_rows(AccountabilityRecord) == 0


async def test_a_batch_of_breaches_records_each_one_once(session_factory, make_ticket, count_rows):
    """What one run of the escalation job hands over: the breach recorded earlier and the one named
    twice in the batch are left out, the others recorded, each with its event."""
    ticket = await make_ticket()
    async with session_factory() as session:
        await record_breach(session, **breach(ticket.id))
        await session.commit()
    resolve = breach(ticket.id, rule=BreachRule.sla_resolve_breached.value)
    late = breach(ticket.id, rule=BreachRule.coordination_late.value, department="物业科")
    async with session_factory() as session:
        made = await record_breaches(
            session,
            [Breach(**breach(ticket.id)), Breach(**resolve), Breach(**late), Breach(**late)],
        )
        await session.commit()

    assert [(record.rule, record.department) for record in made] == [
        ("sla-resolve-breached", "后勤服务中心"),
        ("coordination-late", "物业科"),
    ]
    assert await count_rows(AccountabilityRecord) == 3
    assert await recorded_events(session_factory) == 3
