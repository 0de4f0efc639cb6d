"""Two scheduler replicas ticking at the same moment over the same database: each
threshold of each ticket is raised exactly once — one alert row, one history line, one
event on NATS, one penalty per breach. On PostgreSQL the two ticks really run at once
(FOR UPDATE SKIP LOCKED shares the tickets out); on SQLite they take turns (BEGIN
IMMEDIATE, each waiting within the busy timeout)."""

import asyncio
from collections import Counter

import pytest
from sqlalchemy import func, select

from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.testing.apps import eventually
from ticket_svc.accountability.models import AccountabilityRecord
from ticket_svc.tickets.models import Ticket, TicketAlert, TicketEvent

from ..ticket_helpers import at, open_ticket, publish_commitment
from .escalation_helpers import SLA_EVENT_TYPES, published

TICKETS = 30
BATCH = 4  # smaller than the work, so each replica ticks several times


@pytest.fixture
async def replicas(service):
    """Two replicas' own engines and connection pools on the service's database."""
    engines = [create_engine(service.app.state.settings.database_url) for _ in range(2)]
    yield [create_session_factory(engine, service="ticket") for engine in engines]
    for engine in engines:
        await engine.dispose()


async def keep_ticking(service, session_factory, when) -> int:
    """A replica's loop, sped up: tick until a tick finds nothing to do."""
    acted = 0
    while done := await service.tick(when, session_factory=session_factory, batch_size=BATCH):
        acted += done
    return acted


async def tick_together(service, replicas, when) -> list[int]:
    return list(await asyncio.gather(*(keep_ticking(service, r, when) for r in replicas)))


async def counts(session_factory, *columns):
    async with session_factory() as session:
        rows = await session.execute(select(*columns, func.count()).group_by(*columns))
        return {tuple(row[:-1]): row[-1] for row in rows.all()}


async def test_two_replicas_raise_each_threshold_of_each_ticket_exactly_once(
    service, replicas, client, admin, agent, database_backend, nats_server_url, event_namespace
):
    await publish_commitment(client, admin)
    ids = {(await open_ticket(client, agent, at(21, 9)))["id"] for _ in range(TICKETS)}

    # 09:31: every ticket's response warning (09:24) and breach (09:30) are due.
    first = await tick_together(service, replicas, at(21, 9, 31))
    # 09:46: the leadership's step (09:45).
    second = await tick_together(service, replicas, at(21, 9, 46))

    assert sum(first) == 2 * TICKETS and sum(second) == TICKETS
    if database_backend == "postgres":
        assert all(first), f"both replicas should have had a share of the work: {first}"

    alerts = await counts(service.session_factory, TicketAlert.ticket_id, TicketAlert.threshold)
    expected = {
        (id_, threshold): 1 for id_ in ids for threshold in ("warning", "breached", "leader")
    }
    assert alerts == expected

    history = await counts(
        service.session_factory,
        TicketEvent.ticket_id,
        TicketEvent.kind,
    )
    sla_history = {key: n for key, n in history.items() if key[1] != "created"}
    assert sla_history == {
        (id_, kind): 1 for id_ in ids for kind in ("sla_warning", "sla_breached", "escalated")
    }

    records = await counts(
        service.session_factory,
        AccountabilityRecord.ticket_id,
        AccountabilityRecord.rule,
    )
    assert records == {(id_, "sla-response-breached"): 1 for id_ in ids}

    async with service.session_factory() as session:
        next_checks = set((await session.execute(select(Ticket.next_check_at))).scalars())
    assert next_checks == {at(21, 14, 42)}

    async def each_published_once():
        events = await published(nats_server_url, event_namespace, *SLA_EVENT_TYPES)
        assert Counter((event.subject, event.short_type) for event in events) == {
            (id_, event_type): 1 for id_ in ids for event_type in SLA_EVENT_TYPES
        }
        penalties = await published(
            nats_server_url, event_namespace, "ticket.accountability.recorded"
        )
        assert Counter(event.data["ticket_id"] for event in penalties) == dict.fromkeys(ids, 1)

    await eventually(each_published_once)
