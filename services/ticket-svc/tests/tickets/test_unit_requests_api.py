"""Requests a unit's own staff file for their unit: untaken until an agent of the
commitment's department takes it (首问负责), then the usual life, with the unit following,
answering and confirming it."""

import asyncio

import pytest
from sqlalchemy import func, select

from guanjia_shared.clock import frozen_at
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events
from guanjia_shared.testing.tokens import Person
from ticket_svc.tickets.models import Ticket, TicketEvent

from ..ticket_helpers import DEPARTMENT, TICKETS, act, at, moment, publish_commitment


def unit_request(**fields):
    return {
        "channel": "online",
        "requester": {"phone": "13900000000"},
        "commitment_code": "C-REPAIR",
        "title": "会议室空调不制冷",
        **fields,
    }


@pytest.fixture
def unit_staff(token_mint):
    """The 单位联络员 of unit-a, whose token carries their display name."""
    person = Person(token_mint, "unit_staff", unit_id="unit-a")
    person.headers = token_mint.headers(
        "unit_staff", sub=person.id, unit_id="unit-a", name="李联络"
    )
    return person


async def file_request(client, person, when, **fields):
    answer = await act(client, person, when, "POST", TICKETS, unit_request(**fields))
    assert answer.status_code == 201, answer.text
    return answer.json()


async def count_rows(running_service, table):
    async with running_service.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(table))


async def test_unit_staff_file_for_their_own_unit_under_their_own_name_untaken(
    client, admin, unit_staff
):
    await publish_commitment(client, admin)
    ticket = await file_request(client, unit_staff, at(21, 9))
    assert ticket["status"] == "new"
    assert ticket["first_receiver"] is None and ticket["owner"] is None
    assert ticket["requester"] == {"name": "李联络", "unit_id": "unit-a", "phone": "13900000000"}
    assert ticket["channel"] == "online" and ticket["department"] == DEPARTMENT
    # The response clock runs from the filing: 30 working minutes.
    assert moment(ticket["response_due_at"]) == at(21, 9, 30)
    named = await file_request(
        client, unit_staff, at(21, 9), requester={"name": "王五", "unit_id": "unit-a"}
    )
    assert named["requester"]["name"] == "王五"


async def test_filing_for_another_unit_is_refused_and_writes_nothing(
    client, admin, unit_staff, running_service
):
    await publish_commitment(client, admin)
    before = await count_rows(running_service, Ticket)
    answer = await act(
        client,
        unit_staff,
        at(21, 9),
        "POST",
        TICKETS,
        unit_request(requester={"name": "王五", "unit_id": "unit-b"}),
    )
    assert answer.status_code == 403, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert await count_rows(running_service, Ticket) == before


async def test_unit_staff_file_online_only(client, admin, unit_staff):
    await publish_commitment(client, admin)
    answer = await act(
        client, unit_staff, at(21, 9), "POST", TICKETS, unit_request(channel="phone")
    )
    assert answer.status_code == 422, answer.text


async def test_the_desk_still_names_the_requester(client, admin, agent):
    await publish_commitment(client, admin)
    answer = await act(client, agent, at(21, 9), "POST", TICKETS, unit_request())
    assert answer.status_code == 422, answer.text
    assert "/requester/name" in answer.text


async def test_an_untaken_request_shows_in_its_departments_queue_and_not_anothers(
    client, admin, unit_staff, agent, other_agent
):
    await publish_commitment(client, admin)
    ticket = await file_request(client, unit_staff, at(21, 9))
    queue = await act(client, agent, at(21, 9, 1), "GET", f"{TICKETS}?unassigned=true")
    assert [t["id"] for t in queue.json()["items"]] == [ticket["id"]]
    assert queue.json()["total"] == 1
    taken_only = await act(client, agent, at(21, 9, 1), "GET", f"{TICKETS}?unassigned=false")
    assert taken_only.json() == {"items": [], "total": 0}
    elsewhere = await act(client, other_agent, at(21, 9, 1), "GET", f"{TICKETS}?unassigned=true")
    assert elsewhere.json() == {"items": [], "total": 0}
    own_unit = await act(client, unit_staff, at(21, 9, 1), "GET", TICKETS)
    assert [t["id"] for t in own_unit.json()["items"]] == [ticket["id"]]


async def test_an_agent_of_another_department_cannot_take_it(
    client, admin, unit_staff, other_agent, other_head
):
    await publish_commitment(client, admin)
    ticket = await file_request(client, unit_staff, at(21, 9))
    for outsider in (other_agent, other_head):
        answer = await act(client, outsider, at(21, 9, 5), "POST", f"{TICKETS}/{ticket['id']}/take")
        assert answer.status_code == 404, answer.text


async def test_taking_makes_the_agent_first_receiver_and_owner_and_a_second_take_conflicts(
    client, admin, unit_staff, agent, head
):
    await publish_commitment(client, admin)
    ticket = await file_request(client, unit_staff, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"
    taken = await act(client, agent, at(21, 9, 5), "POST", f"{url}/take")
    assert taken.status_code == 200, taken.text
    assert taken.json()["first_receiver"] == agent.id and taken.json()["owner"] == agent.id
    # Taking is not yet the response: the clock runs until the owner starts.
    assert taken.json()["status"] == "new" and taken.json()["responded_at"] is None
    again = await act(client, head, at(21, 9, 6), "POST", f"{url}/take")
    assert again.status_code == 409, again.text
    assert again.headers["content-type"] == "application/problem+json"
    assert (await act(client, head, at(21, 9, 6), "GET", url)).json()["owner"] == agent.id
    history = await act(client, unit_staff, at(21, 9, 7), "GET", f"{url}/events")
    assert [e["kind"] for e in history.json()["items"]] == ["created", "taken"]


async def test_of_two_agents_taking_at_once_exactly_one_wins(
    client, admin, unit_staff, agent, head, running_service
):
    await publish_commitment(client, admin)
    ticket = await file_request(client, unit_staff, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}/take"
    with frozen_at(at(21, 9, 5)):
        answers = await asyncio.gather(
            client.post(url, headers=agent.headers), client.post(url, headers=head.headers)
        )
    assert sorted(a.status_code for a in answers) == [200, 409]
    winner = next(a for a in answers if a.status_code == 200).json()["owner"]
    async with running_service.session_factory() as session:
        takes = await session.scalar(
            select(func.count())
            .select_from(TicketEvent)
            .where(TicketEvent.ticket_id == ticket["id"], TicketEvent.kind == "taken")
        )
        assert takes == 1
        assert (await session.get(Ticket, ticket["id"])).owner == winner


async def test_nobody_works_an_untaken_request_and_unit_staff_never_do(
    client, admin, unit_staff, agent
):
    await publish_commitment(client, admin)
    ticket = await file_request(client, unit_staff, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"
    assert (await act(client, agent, at(21, 9, 2), "POST", f"{url}/start")).status_code == 403
    assert (await act(client, unit_staff, at(21, 9, 2), "POST", f"{url}/take")).status_code == 403
    assert (await act(client, agent, at(21, 9, 3), "POST", f"{url}/take")).status_code == 200
    refused = [
        ("POST", f"{url}/start", None),
        ("POST", f"{url}/resolve", {"resolution": "自己修好了"}),
        ("POST", f"{url}/wait", {"reason": "?"}),
        ("POST", f"{url}/coordinate", {"department": "财务处", "note": "?"}),
        ("POST", f"{url}/transfer", {"to": unit_staff.id, "reason": "?"}),
        ("POST", f"{url}/take", None),
    ]
    for method, path, body in refused:
        answer = await act(client, unit_staff, at(21, 9, 4), method, path, body)
        assert answer.status_code == 403, f"{path}: {answer.text}"
    assert (await act(client, agent, at(21, 9, 5), "GET", url)).json()["status"] == "new"


async def test_unit_files_agent_takes_and_resolves_unit_answers_and_confirms_satisfied(
    client, admin, unit_staff, agent, nats_server_url, event_namespace
):
    await publish_commitment(client, admin)
    ticket = await file_request(client, unit_staff, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"
    assert (await act(client, agent, at(21, 9, 5), "POST", f"{url}/take")).status_code == 200
    assert (await act(client, agent, at(21, 9, 10), "POST", f"{url}/start")).status_code == 200
    waiting = await act(
        client, agent, at(21, 10), "POST", f"{url}/wait", {"reason": "哪间会议室？"}
    )
    assert waiting.json()["status"] == "waiting_requester"
    answered = await act(
        client, unit_staff, at(21, 10, 30), "POST", f"{url}/comments", {"body": "三楼第二会议室"}
    )
    assert answered.status_code == 201, answered.text
    resumed = await act(client, unit_staff, at(21, 10, 31), "POST", f"{url}/resume")
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["status"] == "in_progress"
    resolved = await act(
        client, agent, at(21, 11), "POST", f"{url}/resolve", {"resolution": "加了冷媒"}
    )
    assert resolved.json()["status"] == "resolved"
    seen = await act(client, unit_staff, at(21, 11, 5), "GET", url)
    code = seen.json()["rating_code"]
    assert code is not None and code == resolved.json()["rating_code"]
    closed = await act(
        client,
        unit_staff,
        at(21, 14, 30),
        "POST",
        f"{url}/confirm",
        {"satisfied": True, "rating": 5},
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed" and closed.json()["satisfied"] is True
    assert closed.json()["first_receiver"] == agent.id
    assert closed.json()["rating_code"] == code

    async def ticket_events_arrived():
        events = [
            e
            for e in await published_events(nats_server_url, event_namespace, "ticket")
            if e.subject == ticket["id"]
        ]
        assert events and events[-1].type == "gov.guanjia.ticket.ticket.closed.v1"
        return events

    events = await eventually(ticket_events_arrived)
    assert [e.type.split(".")[-2] for e in events] == [
        "created",
        "taken",
        "started",
        "waiting",
        "resumed",
        "resolved",
        "closed",
    ]
    created = events[0].data
    assert created["owner"] is None and created["first_receiver"] is None
    assert created["requester_unit_id"] == "unit-a" and created["department"] == DEPARTMENT
    assert events[1].data["owner"] == agent.id


async def test_a_unit_not_satisfied_reopens_the_request_to_its_owner(
    client, admin, unit_staff, agent
):
    await publish_commitment(client, admin)
    ticket = await file_request(client, unit_staff, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"
    await act(client, agent, at(21, 9, 5), "POST", f"{url}/take")
    await act(client, agent, at(21, 10), "POST", f"{url}/resolve", {"resolution": "重启了"})
    reopened = await act(
        client, unit_staff, at(21, 11), "POST", f"{url}/confirm", {"satisfied": False, "rating": 2}
    )
    assert reopened.json()["status"] == "reopened" and reopened.json()["owner"] == agent.id
