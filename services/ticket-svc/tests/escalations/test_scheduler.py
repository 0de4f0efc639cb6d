"""The escalation job, run by run at frozen moments, worked out by hand.

The commitment: respond within 30 working minutes, resolve within 4 working hours; the
default calendar works 08:30–12:00 and 14:30–18:00, Monday to Friday, Asia/Shanghai.
2026-09-21 is a Monday. Warnings come at 80%, the leadership is told at 150%. So a ticket
opened at 09:00 has its response thresholds at 09:24, 09:30, 09:45, and its resolve
thresholds at 14:42 (3h12m: 09:00–12:00 and 14:30–14:42), 15:30 and 17:30 (6h)."""

from sqlalchemy import select

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.tokens import Person
from ticket_svc.calendars.working_time import WorkingCalendar
from ticket_svc.escalations.jobs import raise_thresholds
from ticket_svc.tickets.clocks import read_ticket_clocks
from ticket_svc.tickets.models import Ticket, TicketAlert
from ticket_svc.tickets.thresholds import Threshold

from ..ticket_helpers import (
    DEPARTMENT,
    OTHER_DEPARTMENT,
    TICKETS,
    act,
    at,
    open_ticket,
    publish_commitment,
)
from .escalation_helpers import SLA_EVENT_TYPES, moment, published


async def test_the_response_clock_tells_the_owner_the_head_and_the_leadership_once_each(
    service, client, admin, agent, nats_server_url, event_namespace
):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    ticket_id = ticket["id"]
    assert await service.next_check_at(ticket_id) == at(21, 9, 24)

    assert await service.tick(at(21, 9, 23)) == 0
    assert await service.alerts(ticket_id) == []

    assert await service.tick(at(21, 9, 24)) == 1
    assert await service.next_check_at(ticket_id) == at(21, 9, 30)
    assert await service.tick(at(21, 9, 29)) == 0  # raised once: nothing new

    assert await service.tick(at(21, 9, 31)) == 1
    assert await service.next_check_at(ticket_id) == at(21, 9, 45)
    assert await service.tick(at(21, 9, 31)) == 0

    assert await service.tick(at(21, 9, 46)) == 1
    # The response ladder is done; next is the resolve clock's warning.
    assert await service.next_check_at(ticket_id) == at(21, 14, 42)
    assert await service.tick(at(21, 10)) == 0

    assert await service.alerts(ticket_id) == [
        ("response", "warning", at(21, 9, 24), at(21, 9, 24), "owner", DEPARTMENT),
        ("response", "breached", at(21, 9, 30), at(21, 9, 31), "dept_head", DEPARTMENT),
        ("response", "leader", at(21, 9, 45), at(21, 9, 46), "leader", DEPARTMENT),
    ]
    history = await service.escalation_history(ticket_id)
    assert [(line.kind, line.at, line.actor) for line in history] == [
        ("sla_warning", at(21, 9, 24), None),
        ("sla_breached", at(21, 9, 31), None),
        ("escalated", at(21, 9, 46), None),
    ]
    breach = dict(history[1].data)
    assert moment(breach.pop("reached_at")) == at(21, 9, 30)
    assert breach == {
        "clock": "response",
        "target_id": "",
        "threshold": "breached",
        "escalated_to": "dept_head",
        "department": DEPARTMENT,
    }

    async def three_published():
        events = await published(
            nats_server_url, event_namespace, *SLA_EVENT_TYPES, subject=ticket_id
        )
        assert len(events) == 3
        return events

    events = await eventually(three_published)
    assert [event.short_type for event in events] == list(SLA_EVENT_TYPES)
    for event, (threshold, reached, told) in zip(
        events,
        [
            ("warning", at(21, 9, 24), "owner"),
            ("breached", at(21, 9, 30), "dept_head"),
            ("leader", at(21, 9, 45), "leader"),
        ],
        strict=True,
    ):
        assert event.data["id"] == ticket_id and event.data["owner"] == agent.id
        assert event.data["department"] == DEPARTMENT
        assert event.data["status"] == "new" and event.data["commitment"] == "C-REPAIR"
        assert (event.data["clock"], event.data["threshold"]) == ("response", threshold)
        assert moment(event.data["reached_at"]) == reached
        assert event.data["escalated_to"] == told


async def test_a_response_breach_is_one_penalty_of_the_owner_in_the_tickets_department(
    service, client, admin, agent, nats_server_url, event_namespace
):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    assert await service.tick(at(21, 9, 29)) == 1
    assert await service.records(ticket["id"]) == []

    assert await service.tick(at(21, 9, 31)) == 1
    assert await service.tick(at(21, 9, 46)) == 1
    assert await service.tick(at(21, 9, 50)) == 0

    [record] = await service.records(ticket["id"])
    assert (record.rule, record.kind, record.origin) == ("sla-response-breached", "penalty", "rule")
    assert (record.department, record.person_id) == (DEPARTMENT, agent.id)
    assert record.occurred_at == at(21, 9, 30) and record.recorded_at == at(21, 9, 31)
    assert "三楼卫生间漏水" in record.reason and "2026-09-21 09:30" in record.reason

    async def recorded():
        events = await published(nats_server_url, event_namespace, "ticket.accountability.recorded")
        assert [event.data["id"] for event in events] == [record.id]

    await eventually(recorded)


async def test_the_resolve_clock_climbs_the_same_ladder_and_then_nothing_is_left_to_check(
    service, client, admin, agent, nats_server_url, event_namespace
):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    ticket_id = ticket["id"]
    started = await act(client, agent, at(21, 9, 5), "POST", f"{TICKETS}/{ticket_id}/start")
    assert started.status_code == 200, started.text
    assert await service.next_check_at(ticket_id) == at(21, 14, 42)

    assert await service.tick(at(21, 14, 41)) == 0
    assert await service.tick(at(21, 14, 43)) == 1
    assert await service.next_check_at(ticket_id) == at(21, 15, 30)
    assert await service.tick(at(21, 15, 31)) == 1
    assert await service.next_check_at(ticket_id) == at(21, 17, 30)
    assert await service.tick(at(21, 17, 31)) == 1
    assert await service.next_check_at(ticket_id) is None
    assert await service.tick(at(21, 17, 50)) == 0

    assert await service.alerts(ticket_id) == [
        ("resolve", "warning", at(21, 14, 42), at(21, 14, 43), "owner", DEPARTMENT),
        ("resolve", "breached", at(21, 15, 30), at(21, 15, 31), "dept_head", DEPARTMENT),
        ("resolve", "leader", at(21, 17, 30), at(21, 17, 31), "leader", DEPARTMENT),
    ]
    [record] = await service.records(ticket_id)
    assert (record.rule, record.department, record.person_id) == (
        "sla-resolve-breached",
        DEPARTMENT,
        agent.id,
    )
    assert record.occurred_at == at(21, 15, 30)

    async def three_published():
        events = await published(
            nats_server_url, event_namespace, *SLA_EVENT_TYPES, subject=ticket_id
        )
        assert [(e.data["clock"], e.data["threshold"]) for e in events] == [
            ("resolve", "warning"),
            ("resolve", "breached"),
            ("resolve", "leader"),
        ]
        assert all(e.data["status"] == "in_progress" for e in events)

    await eventually(three_published)


async def test_a_warning_reached_just_before_closing_time_is_held_until_the_next_morning(
    service, client, admin, agent, nats_server_url, event_namespace
):
    await publish_commitment(client, admin)
    # Opened 17:35: the warning (24 minutes) falls at 17:59; the breach at Tuesday 08:35.
    ticket = await open_ticket(client, agent, at(21, 17, 35))
    ticket_id = ticket["id"]
    assert await service.next_check_at(ticket_id) == at(21, 17, 59)

    assert await service.tick(at(21, 18, 30)) == 0
    assert await service.alerts(ticket_id) == []
    assert await service.next_check_at(ticket_id) == at(22, 8, 30)
    assert await service.tick(at(21, 23)) == 0  # not due again before the morning
    assert await service.tick(at(22, 8, 29)) == 0

    assert await service.tick(at(22, 8, 30)) == 1
    assert await service.alerts(ticket_id) == [
        ("response", "warning", at(21, 17, 59), at(22, 8, 30), "owner", DEPARTMENT),
    ]
    assert await service.next_check_at(ticket_id) == at(22, 8, 35)

    async def held_then_published():
        events = await published(
            nats_server_url, event_namespace, "ticket.ticket.sla_warning", subject=ticket_id
        )
        assert len(events) == 1
        [event] = events
        assert moment(event.data["reached_at"]) == at(21, 17, 59)
        assert event.time == at(22, 8, 30)

    await eventually(held_then_published)


async def test_thresholds_reached_over_the_lunch_break_are_raised_together_after_it(
    service, client, admin, agent
):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 11, 20))
    # 11:20 + 24 min = 11:44 (warning); + 30 min = 11:50 (breach); + 45 = 14:35 (leader).
    assert await service.tick(at(21, 12, 30)) == 0
    assert await service.next_check_at(ticket["id"]) == at(21, 14, 30)

    assert await service.tick(at(21, 14, 30)) == 2
    assert [alert[:2] for alert in await service.alerts(ticket["id"])] == [
        ("response", "warning"),
        ("response", "breached"),
    ]
    assert await service.next_check_at(ticket["id"]) == at(21, 14, 35)


async def test_a_coordination_finished_late_is_charged_to_the_coordinating_department(
    service, client, admin, agent, other_agent, nats_server_url, event_namespace
):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"
    asked = await act(
        client,
        agent,
        at(21, 9, 10),
        "POST",
        f"{url}/coordinate",
        {"department": OTHER_DEPARTMENT, "note": "请核对费用", "due_in_minutes": 60},
    )
    assert asked.status_code == 201, asked.text
    coordination = asked.json()
    assert moment(coordination["due_at"]) == at(21, 10, 10)
    done = await act(
        client,
        other_agent,
        at(21, 10, 30),
        "POST",
        f"{url}/coordinations/{coordination['id']}/complete",
        {"result": "已核对"},
    )
    assert done.status_code == 200, done.text

    assert await service.tick(at(21, 10, 40)) == 1

    assert await service.alerts(ticket["id"]) == [
        ("coordination", "breached", at(21, 10, 10), at(21, 10, 40), "dept_head", OTHER_DEPARTMENT),
    ]
    [record] = await service.records(ticket["id"])
    assert (record.rule, record.department, record.person_id) == (
        "coordination-late",
        OTHER_DEPARTMENT,
        None,
    )
    assert record.occurred_at == at(21, 10, 10)

    async def breach_published():
        events = await published(
            nats_server_url, event_namespace, "ticket.ticket.sla_breached", subject=ticket["id"]
        )
        assert len(events) == 1
        [event] = events
        assert event.data["clock"] == "coordination" and event.data["threshold"] == "breached"
        assert event.data["coordinating_department"] == OTHER_DEPARTMENT
        assert event.data["coordination_id"] == coordination["id"]
        assert event.data["department"] == DEPARTMENT  # the ticket's own, as on every event
        assert event.data["escalated_to"] == "dept_head"

    await eventually(breach_published)


async def test_a_coordination_still_open_past_its_deadline_is_raised_once(
    service, client, admin, agent, other_agent
):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"
    asked = await act(
        client,
        agent,
        at(21, 9, 10),
        "POST",
        f"{url}/coordinate",
        {"department": OTHER_DEPARTMENT, "note": "请核对费用", "due_in_minutes": 60},
    )
    coordination = asked.json()
    assert await service.next_check_at(ticket["id"]) == at(21, 10, 10)

    assert await service.tick(at(21, 10, 11)) == 1
    done = await act(
        client,
        other_agent,
        at(21, 10, 30),
        "POST",
        f"{url}/coordinations/{coordination['id']}/complete",
        {"result": "已核对"},
    )
    assert done.status_code == 200, done.text
    assert await service.tick(at(21, 10, 40)) == 0

    assert len(await service.alerts(ticket["id"])) == 1
    assert [record.rule for record in await service.records(ticket["id"])] == ["coordination-late"]


async def test_a_resolved_ticket_nobody_confirms_is_closed_after_three_working_days(
    service, client, admin, agent, nats_server_url, event_namespace
):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"
    await act(client, agent, at(21, 9, 5), "POST", f"{url}/start")
    resolved = await act(
        client, agent, at(21, 10), "POST", f"{url}/resolve", {"resolution": "修好了"}
    )
    assert moment(resolved.json()["confirm_due_at"]) == at(24, 18)  # Thursday's close
    assert await service.next_check_at(ticket["id"]) == at(24, 18)

    assert await service.tick(at(24, 17, 59)) == 0
    assert (await act(client, agent, at(24, 17, 59), "GET", url)).json()["status"] == "resolved"

    assert await service.tick(at(24, 18, 1)) == 1

    closed = (await act(client, agent, at(24, 18, 2), "GET", url)).json()
    assert closed["status"] == "closed" and closed["confirm_due_at"] is None
    assert moment(closed["closed_at"]) == at(24, 18, 1)
    assert closed["satisfied"] is None and closed["rating"] is None
    stored = await service.ticket(ticket["id"])
    assert stored.auto_confirmed is True and stored.next_check_at is None
    history = (await act(client, agent, at(24, 18, 2), "GET", f"{url}/events")).json()["items"]
    assert [(line["kind"], line["data"], line["actor"]) for line in history[-2:]] == [
        ("confirmed", {"automatic": True}, None),
        ("closed", {}, None),
    ]
    assert await service.tick(at(24, 18, 5)) == 0

    async def closed_published():
        events = await published(
            nats_server_url, event_namespace, "ticket.ticket.closed", subject=ticket["id"]
        )
        assert len(events) == 1
        [event] = events
        assert event.data["auto_confirmed"] is True and event.data["status"] == "closed"
        assert event.data["sla_met"] is True and event.data["rating"] is None

    await eventually(closed_published)


async def test_a_ticket_that_cannot_be_escalated_is_set_aside_and_the_others_go_on(
    service, client, admin, agent
):
    await publish_commitment(client, admin)
    good = await open_ticket(client, agent, at(21, 9))
    async with service.session_factory() as session:
        broken = Ticket(
            title="日历丢了",
            first_receiver=agent.id,
            owner=agent.id,
            department=DEPARTMENT,
            calendar_id="no-such-calendar",
            created_at=at(21, 8, 30),
            next_check_at=at(21, 8, 45),
        )
        session.add(broken)
        await session.commit()

    assert await service.tick(at(21, 9, 25)) == 1

    assert [alert[:2] for alert in await service.alerts(good["id"])] == [("response", "warning")]
    assert await service.alerts(broken.id) == []
    # Looked at again in five minutes, not at every tick.
    assert await service.next_check_at(broken.id) == at(21, 9, 30)


async def test_a_threshold_raised_already_is_refused_by_the_database_and_writes_nothing(
    service, client, admin, agent
):
    """What keeps two ticks that both saw the same threshold from raising it twice, were
    the row locks ever to let them: the alert's key (INSERT … ON CONFLICT DO NOTHING)."""
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    warning = Threshold("response", "", "warning", at(21, 9, 24), "owner", DEPARTMENT)

    outcomes = []
    for raised_at in (at(21, 9, 25), at(21, 9, 26)):
        async with service.session_factory() as session:
            row = await session.get(Ticket, ticket["id"])
            # Both ticks read the clocks before either raised the warning.
            [clocks] = await read_ticket_clocks(session, [row], {None: WorkingCalendar()})
            clocks.alerts.clear()
            outcomes.append(await raise_thresholds(session, [(clocks, warning)], raised_at))
            await session.commit()

    assert [len(raised) for raised in outcomes] == [1, 0]
    async with service.session_factory() as session:
        alerts = (await session.execute(select(TicketAlert))).scalars().all()
    assert [alert.raised_at for alert in alerts] == [at(21, 9, 25)]
    assert len(await service.escalation_history(ticket["id"])) == 1


async def test_an_untaken_requests_warning_goes_to_the_department_head(
    service, client, admin, token_mint
):
    unit_staff = Person(token_mint, "unit_staff", unit_id="unit-a")
    await publish_commitment(client, admin)
    filed = await act(
        client,
        unit_staff,
        at(21, 9),
        "POST",
        TICKETS,
        {
            "channel": "online",
            "requester": {"name": "李联络"},
            "commitment_code": "C-REPAIR",
            "title": "门锁坏了",
        },
    )
    ticket_id = filed.json()["id"]
    assert await service.tick(at(21, 9, 30)) == 2
    assert [alert[1::3] for alert in await service.alerts(ticket_id)] == [
        ("warning", "dept_head"),
        ("breached", "dept_head"),
    ]
    # Nobody owned it: the breach is the department's, charged to no one person.
    [record] = await service.records(ticket_id)
    assert record.department == DEPARTMENT and record.person_id is None
