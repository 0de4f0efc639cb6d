"""Who sees which tickets: bureau-wide roles all; agents and department heads their
department's, the ones they own or received, and the ones their department coordinates on;
unit staff their own unit's."""

import datetime as dt

import pytest

from guanjia_shared.auth import Principal
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.pagination import PageParams
from ticket_svc.database import MIGRATIONS
from ticket_svc.tickets.models import Coordination, Ticket
from ticket_svc.tickets.service import list_tickets

MOMENT = dt.datetime(2026, 9, 21, 1, tzinfo=dt.UTC)


@pytest.fixture
async def session_factory(fresh_database):
    engine = create_engine(await fresh_database(MIGRATIONS))
    factory = create_session_factory(engine, service="ticket")
    async with factory() as session:
        lamp = Ticket(
            title="灯坏了",
            requester_unit_id="unit-a",
            first_receiver="agent-1",
            owner="agent-1",
            department="后勤",
        )
        leak = Ticket(
            title="漏水",
            requester_unit_id="unit-b",
            first_receiver="agent-2",
            owner="agent-3",
            department="基建",
        )
        session.add_all([lamp, leak])
        await session.flush()
        session.add(
            Coordination(
                ticket_id=leak.id,
                department="财务",
                requested_by="agent-3",
                due_at=MOMENT,
            )
        )
        await session.commit()
    yield factory
    await engine.dispose()


def person(*roles, id="p", unit_id=None, department=None):
    return Principal(
        id=id, username=id, roles=frozenset(roles), unit_id=unit_id, department=department
    )


async def titles_seen_by(session_factory, viewer):
    async with session_factory() as session:
        tickets, total = await list_tickets(session=session, viewer=viewer, page=PageParams())
    assert total == len(tickets)
    return {ticket.title for ticket in tickets}


async def test_unit_staff_see_only_their_own_units_tickets(session_factory):
    seen = await titles_seen_by(session_factory, person("unit_staff", unit_id="unit-a"))
    assert seen == {"灯坏了"}


async def test_unit_staff_without_a_unit_see_no_tickets(session_factory):
    assert await titles_seen_by(session_factory, person("unit_staff")) == set()


async def test_leaders_auditors_and_admins_see_every_ticket(session_factory):
    for role in ("leader", "auditor", "admin"):
        assert await titles_seen_by(session_factory, person(role)) == {"灯坏了", "漏水"}


async def test_agents_see_their_departments_tickets_and_the_ones_they_coordinate(
    session_factory,
):
    assert await titles_seen_by(session_factory, person("agent", department="后勤")) == {"灯坏了"}
    assert await titles_seen_by(session_factory, person("dept_head", department="基建")) == {"漏水"}
    assert await titles_seen_by(session_factory, person("agent", department="财务")) == {"漏水"}
    assert await titles_seen_by(session_factory, person("agent", department="保卫")) == set()


async def test_agents_see_the_tickets_they_own_or_first_received_in_any_department(
    session_factory,
):
    assert await titles_seen_by(session_factory, person("agent", id="agent-3")) == {"漏水"}
    assert await titles_seen_by(session_factory, person("agent", id="agent-2")) == {"漏水"}


async def test_a_commander_sees_no_tickets(session_factory):
    assert await titles_seen_by(session_factory, person("commander")) == set()


async def test_a_ticket_seen_along_several_lines_is_counted_once(session_factory):
    """The total adds up the viewer's sight lines (department, owner, first receiver,
    coordination, unit): a ticket on several of them is one ticket."""
    in_own_department = person("agent", id="agent-1", department="后勤")
    assert await titles_seen_by(session_factory, in_own_department) == {"灯坏了"}
    received_and_coordinated = person("agent", id="agent-2", department="财务")
    assert await titles_seen_by(session_factory, received_and_coordinated) == {"漏水"}
    everything_at_once = person(
        "dept_head", "unit_staff", id="agent-3", department="基建", unit_id="unit-b"
    )
    assert await titles_seen_by(session_factory, everything_at_once) == {"漏水"}
    two_lines_two_tickets = person("agent", "unit_staff", id="agent-2", unit_id="unit-a")
    assert await titles_seen_by(session_factory, two_lines_two_tickets) == {"灯坏了", "漏水"}
