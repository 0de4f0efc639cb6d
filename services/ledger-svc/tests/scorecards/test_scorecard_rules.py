"""The scorecard rules called directly: which facts an event yields, what counts, and the
sums on a real database (SQLite, and PostgreSQL when configured)."""

import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import func, select

from guanjia_shared.consumer import PoisonEvent
from ledger_svc.scorecards import consumers
from ledger_svc.scorecards.models import ScorecardFact
from ledger_svc.scorecards.models import ScorecardMeasure as M
from ledger_svc.scorecards.service import compute_scorecards, record_facts, scorecard_of

from .scorecard_events import (
    GENERAL,
    PROPERTY,
    SECURITY,
    accountability_exempted,
    accountability_recorded,
    at,
    drill_recorded,
    item_completed,
    item_reopened,
    scorecard,
    sla_breached,
    ticket_closed,
)

HANDLERS = {
    handler_type: handler
    for subscription in consumers.scorecard_subscriptions()
    for handler_type, handler in subscription.handlers.items()
}


async def apply(session_factory, *events):
    """Each event in its own transaction, as the consumer applies it (without the inbox)."""
    for event in events:
        async with session_factory() as session:
            await HANDLERS[event.short_type](session, event)
            await session.commit()


async def scorecards_of(session_factory, year) -> dict[str, dict]:
    async with session_factory() as session:
        rows = await compute_scorecards(session=session, year=year)
    return {row.department: row.model_dump() for row in rows}


async def count_facts(session_factory) -> int:
    async with session_factory() as session:
        return await session.scalar(select(func.count()).select_from(ScorecardFact))


# --- the facts of each event -------------------------------------------------------------


def test_a_closed_ticket_yields_its_close_its_sla_verdict_and_its_rating():
    closed = ticket_closed(PROPERTY, closed_at=at("2026-03-02 02:00"), sla_met=False, rating=4)
    facts = consumers.facts_of_ticket_closed(closed)
    assert [(fact.measure, fact.value, fact.department, fact.year) for fact in facts] == [
        (M.ticket_closed, 1, PROPERTY, 2026),
        (M.ticket_sla_met, 0, PROPERTY, 2026),
        (M.ticket_rating, 4, PROPERTY, 2026),
    ]
    assert {fact.subject for fact in facts} == {closed.subject}


def test_a_ticket_without_verdict_or_rating_yields_its_close_alone():
    closed = ticket_closed(PROPERTY, closed_at=at("2026-03-02 02:00"), sla_met=None)
    assert [fact.measure for fact in consumers.facts_of_ticket_closed(closed)] == [M.ticket_closed]


def test_a_ticket_counts_in_the_bureau_year_of_its_close():
    # 01:30 on 1 January in Beijing, though still 31 December in UTC.
    new_year = ticket_closed(PROPERTY, closed_at=at("2025-12-31 17:30"))
    old_year = ticket_closed(PROPERTY, closed_at=at("2025-12-31 15:59"))
    assert consumers.facts_of_ticket_closed(new_year)[0].year == 2026
    assert consumers.facts_of_ticket_closed(old_year)[0].year == 2025


def test_a_breach_is_charged_to_the_coordinating_department_for_its_coordination_only():
    coordination = sla_breached(
        PROPERTY,
        clock="coordination",
        coordinating_department=GENERAL,
        reached_at=at("2026-01-05 02:00"),
    )
    resolve = sla_breached(PROPERTY, clock="resolve", reached_at=at("2026-01-05 02:00"))
    assert [fact.department for fact in consumers.facts_of_sla_breach(coordination)] == [GENERAL]
    assert [fact.department for fact in consumers.facts_of_sla_breach(resolve)] == [PROPERTY]


def test_a_breach_of_a_request_nobody_has_taken_yet_is_its_departments():
    # A unit's own request has no owner until an agent takes it (ticket-svc).
    breach = sla_breached(PROPERTY, clock="response", reached_at=at("2026-01-05 02:00"))
    breach.data.update(owner=None, first_receiver=None, channel="online")
    assert [fact.department for fact in consumers.facts_of_sla_breach(breach)] == [PROPERTY]


def test_a_drill_counts_once_for_each_department_listed():
    drill = drill_recorded({PROPERTY: 3, GENERAL: None}, held_at=at("2025-12-31 17:00"))
    drill.data["participants"].append({"department": PROPERTY, "people": 2})
    facts = consumers.facts_of_drill(drill)
    # No year given: the bureau year of held_at (1 January 2026 in Beijing).
    assert [(fact.department, fact.value, fact.year) for fact in facts] == [
        (PROPERTY, 5, 2026),
        (GENERAL, None, 2026),
    ]


def _without(event, field):
    del event.data[field]
    return event


def _with(event, **fields):
    event.data.update(fields)
    return event


@pytest.mark.parametrize(
    "malformed",
    [
        _without(ticket_closed(PROPERTY, closed_at=at("2026-03-02 02:00")), "department"),
        _without(ticket_closed(PROPERTY, closed_at=at("2026-03-02 02:00")), "closed_at"),
        _with(ticket_closed(PROPERTY, closed_at=at("2026-03-02 02:00")), closed_at="2026-03-02"),
        _with(ticket_closed(PROPERTY, closed_at=at("2026-03-02 02:00")), rating=9),
        _with(ticket_closed(PROPERTY, closed_at=at("2026-03-02 02:00")), sla_met="yes"),
        _with(
            sla_breached(PROPERTY, clock="coordination", reached_at=at("2026-03-02 02:00")),
            coordinating_department=None,
        ),
        _with(sla_breached(PROPERTY, reached_at=at("2026-03-02 02:00")), clock="lunch"),
        _with(
            accountability_recorded(
                PROPERTY, kind="penalty", points=1, year=2026, occurred_at=at("2026-03-02 02:00")
            ),
            kind="fine",
        ),
        _without(item_completed(PROPERTY, year=2026, on_time=True), "on_time"),
        _with(drill_recorded({PROPERTY: 1}, held_at=at("2026-03-02 02:00")), participants="all"),
    ],
    ids=[
        "ticket-without-department",
        "ticket-without-closed_at",
        "ticket-closed-on-a-naive-day",
        "rating-out-of-range",
        "sla-verdict-not-a-bool",
        "coordination-breach-without-department",
        "unknown-clock",
        "unknown-record-kind",
        "item-without-on_time",
        "drill-participants-not-a-list",
    ],
)
def test_data_that_can_never_apply_is_a_poison_event(malformed):
    facts_of = {
        "ticket.ticket.closed": consumers.facts_of_ticket_closed,
        "ticket.ticket.sla_breached": consumers.facts_of_sla_breach,
        "ticket.accountability.recorded": consumers.facts_of_accountability_record,
        "ledger.item.completed": consumers.facts_of_item_completed,
        "emergency.drill.recorded": consumers.facts_of_drill,
    }[malformed.short_type]
    with pytest.raises(PoisonEvent):
        facts_of(malformed)


def test_a_department_without_facts_scores_zero_and_divides_by_nothing():
    assert scorecard_of(SECURITY, 2026, None).model_dump() == scorecard(SECURITY, 2026)


# --- on the database ---------------------------------------------------------------------


async def test_the_same_event_applied_twice_past_the_inbox_leaves_its_facts_once(
    session_factory,
):
    closed = ticket_closed(PROPERTY, closed_at=at("2026-03-02 02:00"), rating=5)
    await apply(session_factory, closed, closed)
    async with session_factory() as session:
        await record_facts(session, event=closed, drafts=consumers.facts_of_ticket_closed(closed))
        await session.commit()
    assert await count_facts(session_factory) == 3
    assert (await scorecards_of(session_factory, 2026))[PROPERTY]["tickets_closed"] == 1


async def test_an_exemption_arriving_before_its_record_still_takes_it_out(session_factory):
    penalty = accountability_recorded(
        GENERAL, kind="penalty", points=2, year=2026, occurred_at=at("2026-03-02 02:00")
    )
    reward = accountability_recorded(
        GENERAL, kind="reward", points=None, year=2026, occurred_at=at("2026-03-03 02:00")
    )
    await apply(session_factory, accountability_exempted(penalty), penalty, reward)
    assert (await scorecards_of(session_factory, 2026))[GENERAL]["accountability"] == {
        "rewards": 1,
        "penalties": 0,
        "exempted": 1,
        "reward_points": 0,
        "penalty_points": 0,
        "points": 0,
    }


async def test_an_item_counts_as_of_its_latest_completion_or_reopening(session_factory):
    first = item_completed(SECURITY, year=2026, on_time=True, time=at("2026-05-01 02:00"))
    reopened = item_reopened(first, time=at("2026-05-10 02:00"))
    again = item_completed(
        SECURITY, year=2026, on_time=False, item_id=first.subject, time=at("2026-07-01 02:00")
    )
    # Redelivered out of order: the source's order still decides.
    await apply(session_factory, again, first, reopened)
    row = (await scorecards_of(session_factory, 2026))[SECURITY]
    assert (row["items_completed"], row["items_on_time"], row["on_time_rate_percent"]) == (
        1,
        0,
        0.0,
    )
    reopened_again = item_reopened(first, time=at("2026-08-01 02:00"))
    await apply(session_factory, reopened_again)
    row = (await scorecards_of(session_factory, 2026))[SECURITY]
    assert (row["items_completed"], row["items_on_time"]) == (0, 0)


async def test_every_department_is_summed_in_one_query(session_factory):
    departments = [f"处室{number}" for number in range(6)]
    await apply(
        session_factory,
        *(
            ticket_closed(department, closed_at=at("2026-03-02 02:00"), rating=4)
            for department in departments
        ),
        *(
            accountability_recorded(
                department, kind="penalty", points=1, year=2026, occurred_at=at("2026-03-02 02:00")
            )
            for department in departments
        ),
    )
    statements = []
    async with session_factory() as session:
        engine = session.bind.sync_engine

        def count(_connection, _cursor, statement, *_):
            statements.append(statement)

        sqlalchemy_event.listen(engine, "before_cursor_execute", count)
        try:
            rows = await compute_scorecards(session=session, year=2026)
        finally:
            sqlalchemy_event.remove(engine, "before_cursor_execute", count)
    assert [row.department for row in rows] == sorted(departments)
    # SQLite's session also sends its own BEGIN: the queries are what is counted.
    assert len([text for text in statements if text.lstrip().upper().startswith("SELECT")]) == 1
