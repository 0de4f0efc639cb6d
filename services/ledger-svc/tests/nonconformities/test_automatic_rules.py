"""The automatic nonconformity's rules, event by event as the consumer applies them (each in
its own transaction), with the default settings: three tickets breached within 30 days,
or at least five ratings in 30 days averaging below 3."""

import asyncio
import json

import pytest
from sqlalchemy import func, select, update

from guanjia_shared.consumer import PoisonEvent
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.platform_tables import outbox
from ledger_svc.config import Settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.nonconformities import automatic
from ledger_svc.nonconformities.automatic import AutomaticRules
from ledger_svc.nonconformities.consumers import note_breach, note_rating
from ledger_svc.nonconformities.models import Nonconformity, NonconformitySignal
from ledger_svc.quality.models import ProcedureDocument

from .ticket_events import COMMITMENT, PROCEDURE, REPAIRS, breach, rating

RULES = AutomaticRules.from_settings(Settings())


@pytest.fixture
async def database(fresh_database):
    return await fresh_database(MIGRATIONS)


@pytest.fixture
async def session_factory(database):
    engine = create_engine(database)
    yield create_session_factory(engine, service="ledger")
    await engine.dispose()


async def apply(session_factory, *events):
    for event in events:
        handler = note_breach if event.short_type.endswith("sla_breached") else note_rating
        async with session_factory() as session:
            await handler(session, event, rules=RULES)
            await session.commit()


async def nonconformities(session_factory):
    async with session_factory() as session:
        rows = await session.execute(select(Nonconformity).order_by(Nonconformity.opened_at))
        return list(rows.scalars().all())


async def signals_of(session_factory, nonconformity_id):
    async with session_factory() as session:
        rows = await session.execute(
            select(NonconformitySignal.event_id, NonconformitySignal.opening).where(
                NonconformitySignal.nonconformity_id == nonconformity_id
            )
        )
        return dict(rows.all())


async def opened_events(session_factory):
    async with session_factory() as session:
        rows = await session.execute(
            select(outbox.c.envelope).where(
                outbox.c.event_type.like("%ledger.nonconformity.opened%")
            )
        )
        return [json.loads(row) for row in rows.scalars()]


async def test_the_third_ticket_breached_in_the_period_opens_one(session_factory):
    events = [breach("2026-03-02"), breach("2026-03-10"), breach("2026-03-25")]
    await apply(session_factory, *events[:2])
    assert await nonconformities(session_factory) == []

    await apply(session_factory, events[2])

    [opened] = await nonconformities(session_factory)
    assert (opened.source, opened.trigger, opened.stage) == ("automatic", "breaches", "containment")
    assert (opened.department, opened.commitment_id) == (REPAIRS, COMMITMENT)
    assert (opened.procedure_code, opened.procedure_id) == (PROCEDURE, None)
    assert opened.commitment_code == "C-REPAIR" and opened.opened_by is None
    assert "30 天内有 3 件工单超过服务承诺“C-REPAIR”的时限" in opened.description
    assert await signals_of(session_factory, opened.id) == {e.id: True for e in events}
    [event] = await opened_events(session_factory)
    assert event["subject"] == opened.id
    assert sorted(event["data"]["signals"]) == sorted(e.id for e in events)
    assert sorted(event["data"]["tickets"]) == sorted(e.subject for e in events)
    assert event["data"]["trigger"] == "breaches" and event["data"]["actor"] is None


async def test_the_register_names_the_procedures_document_when_it_has_it(session_factory):
    async with session_factory() as session:
        document = ProcedureDocument(
            code=PROCEDURE,
            kind="procedure",
            department=REPAIRS,
            owner_id="u-1",
            title="报修办理流程",
            created_by="u-1",
        )
        session.add(document)
        await session.commit()
    await apply(session_factory, *(breach(f"2026-03-0{n}") for n in (2, 3, 4)))
    [opened] = await nonconformities(session_factory)
    assert opened.procedure_id == document.id


async def test_a_ticket_late_twice_is_one_failure(session_factory):
    ticket = "ticket-1"
    await apply(
        session_factory,
        breach("2026-03-02", ticket=ticket, clock="response"),
        breach("2026-03-03", ticket=ticket, clock="resolve"),
        breach("2026-03-04"),
    )
    assert await nonconformities(session_factory) == []
    await apply(session_factory, breach("2026-03-05"))
    assert len(await nonconformities(session_factory)) == 1


async def test_breaches_further_apart_than_the_period_do_not_add_up(session_factory):
    await apply(session_factory, breach("2026-01-05"), breach("2026-02-04"), breach("2026-03-06"))
    assert await nonconformities(session_factory) == []
    # Thirty days apart is a period apart: 02-04, 02-20 and 03-06 are not within one.
    await apply(session_factory, breach("2026-02-20"))
    assert await nonconformities(session_factory) == []
    late_february = breach("2026-02-25")
    await apply(session_factory, late_february)
    [opened] = await nonconformities(session_factory)
    signals = await signals_of(session_factory, opened.id)
    assert len(signals) == 3 and late_february.id in signals


async def test_breaches_arriving_out_of_order_still_open_it(session_factory):
    await apply(session_factory, breach("2026-03-25"), breach("2026-03-20"))
    await apply(session_factory, breach("2026-03-02"))
    assert len(await nonconformities(session_factory)) == 1


async def test_a_coordinations_breach_or_an_unknown_commitment_counts_for_nothing(session_factory):
    await apply(
        session_factory,
        breach("2026-03-02", clock="coordination"),
        breach("2026-03-03", commitment_id=None),
        breach("2026-03-04"),
        breach("2026-03-05"),
    )
    assert await nonconformities(session_factory) == []
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(NonconformitySignal)) == 2


async def test_departments_and_commitments_are_counted_apart(session_factory):
    await apply(
        session_factory,
        breach("2026-03-02"),
        breach("2026-03-03", department="物业管理处"),
        breach("2026-03-04", commitment_id="another-commitment"),
        breach("2026-03-05"),
    )
    assert await nonconformities(session_factory) == []


async def test_while_one_is_open_further_breaches_join_it(session_factory):
    first_three = [breach(f"2026-03-0{n}") for n in (2, 3, 4)]
    await apply(session_factory, *first_three)
    later = [breach(f"2026-03-1{n}") for n in (0, 1, 2, 3)]
    await apply(session_factory, *later)

    [opened] = await nonconformities(session_factory)
    assert await signals_of(session_factory, opened.id) == {
        **{e.id: True for e in first_three},
        **{e.id: False for e in later},
    }
    assert len(await opened_events(session_factory)) == 1


async def test_once_closed_a_new_run_of_failures_opens_another(session_factory):
    await apply(session_factory, *(breach(f"2026-03-0{n}") for n in (2, 3, 4)))
    [first] = await nonconformities(session_factory)
    async with session_factory() as session:  # closed, as close_nonconformity leaves it
        await session.execute(
            update(Nonconformity)
            .where(Nonconformity.id == first.id)
            .values(stage="closed", open_key=None)
        )
        await session.commit()

    await apply(session_factory, breach("2026-03-10"), breach("2026-03-11"))
    assert len(await nonconformities(session_factory)) == 1  # the closed one's don't count
    await apply(session_factory, breach("2026-03-12"))
    assert len(await nonconformities(session_factory)) == 2


async def test_a_commitment_without_a_procedure_opens_none_until_one_is_named(session_factory):
    await apply(
        session_factory,
        *(breach(f"2026-03-0{n}", procedure_code=None) for n in (2, 3, 4)),
    )
    assert await nonconformities(session_factory) == []
    await apply(session_factory, breach("2026-03-05"))
    [opened] = await nonconformities(session_factory)
    assert opened.procedure_code == PROCEDURE
    assert len(await signals_of(session_factory, opened.id)) == 4


async def test_ratings_below_the_threshold_open_one_from_enough_ratings(session_factory):
    scores = [2, 3, 2, 4]  # mean 2.75, but only four
    await apply(session_factory, *(rating(f"2026-03-0{n + 1}", s) for n, s in enumerate(scores)))
    assert await nonconformities(session_factory) == []

    await apply(session_factory, rating("2026-03-06", 2))  # five, mean 2.6

    [opened] = await nonconformities(session_factory)
    assert (opened.trigger, opened.department, opened.procedure_code) == (
        "rating",
        REPAIRS,
        PROCEDURE,
    )
    assert "5 条服务评价" in opened.description and "平均 2.60 分，低于 3 分" in opened.description


async def test_ratings_averaging_the_threshold_or_above_open_none(session_factory):
    await apply(
        session_factory, *(rating(f"2026-03-0{n}", s) for n, s in enumerate([1, 5, 3, 3, 3], 1))
    )
    assert await nonconformities(session_factory) == []


async def test_a_department_rated_without_a_ticket_counts_for_nothing(session_factory):
    await apply(
        session_factory, *(rating(f"2026-03-0{n}", 1, commitment_id=None) for n in range(1, 7))
    )
    assert await nonconformities(session_factory) == []


async def test_breaches_and_ratings_are_separate_triggers(session_factory):
    await apply(session_factory, *(breach(f"2026-03-0{n}") for n in (2, 3, 4)))
    await apply(session_factory, *(rating(f"2026-03-0{n}", 1) for n in range(1, 6)))
    assert sorted(n.trigger for n in await nonconformities(session_factory)) == [
        "breaches",
        "rating",
    ]


@pytest.fixture
async def two_consumers(database):
    """Two consumers' own engines on the one database, as two replicas have."""
    engines = [create_engine(database) for _ in range(2)]
    yield [create_session_factory(engine, service="ledger") for engine in engines]
    for engine in engines:
        await engine.dispose()


async def test_two_consumers_taking_breaches_at_once_open_one(session_factory, two_consumers):
    await apply(session_factory, breach("2026-03-02"), breach("2026-03-03"))

    for _ in range(5):  # a few rounds, so a race has its chances
        pair = [breach("2026-03-04"), breach("2026-03-04", hour=11)]
        await asyncio.gather(*(apply(f, e) for f, e in zip(two_consumers, pair, strict=True)))

    [opened] = await nonconformities(session_factory)
    assert len(await signals_of(session_factory, opened.id)) == 12
    assert len(await opened_events(session_factory)) == 1


async def test_past_the_lock_the_unique_key_still_lets_one_open(
    session_factory, two_consumers, monkeypatch
):
    """Were the two not to take turns (the lock gone), both could count three and try to
    open: the open key lets one in, and the other's breach joins it."""

    async def no_turns(session, key):
        return None

    monkeypatch.setattr(automatic, "_take_turns", no_turns)
    await apply(session_factory, breach("2026-03-02"), breach("2026-03-03"))
    pair = [breach("2026-03-04"), breach("2026-03-05")]
    await asyncio.gather(*(apply(f, e) for f, e in zip(two_consumers, pair, strict=True)))

    [opened] = await nonconformities(session_factory)
    assert len(await opened_events(session_factory)) == 1
    # The loser joined the winner's, or (had it looked after the winner committed, finding
    # the first breaches taken) was left to count towards the next: never a second one.
    assert len(await signals_of(session_factory, opened.id)) in (3, 4)


async def test_a_breach_not_as_agreed_is_poison_and_an_unknown_clock_counts_nothing(
    session_factory,
):
    malformed = breach("2026-03-02")
    malformed.data.pop("reached_at")
    with pytest.raises(PoisonEvent):
        await apply(session_factory, malformed)

    await apply(session_factory, *(breach(f"2026-03-0{n}", clock="handover") for n in (3, 4, 5)))
    assert await nonconformities(session_factory) == []
