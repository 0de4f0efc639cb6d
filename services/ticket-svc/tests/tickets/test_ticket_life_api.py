"""A ticket's life through the service's API: states, clocks, who may do what, and the
events it publishes."""

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events

from ..ticket_helpers import (
    COMMITMENTS,
    DEPARTMENT,
    TICKETS,
    act,
    at,
    moment,
    open_ticket,
    publish_commitment,
    ticket_body,
)


async def test_an_opened_ticket_is_owned_by_its_first_receiver_with_both_deadlines(
    client, admin, agent
):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    assert ticket["status"] == "new"
    assert ticket["first_receiver"] == agent.id and ticket["owner"] == agent.id
    assert ticket["department"] == DEPARTMENT and ticket["commitment_version"] == 1
    assert ticket["requester"] == {"name": "张三", "unit_id": "unit-a", "phone": "13800000000"}
    # 30 working minutes → 09:30; 4 working hours: 09:00–12:00 and 14:30–15:30.
    assert moment(ticket["response_due_at"]) == at(21, 9, 30)
    assert moment(ticket["resolve_due_at"]) == at(21, 15, 30)
    assert ticket["sla_state"] == "ok" and ticket["sla_paused"] is False


async def test_the_sla_state_turns_to_warning_past_80_percent_and_breached_past_the_deadline(
    client, admin, agent
):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"
    # 80% of the 30-minute response time is 09:24.
    assert (await act(client, agent, at(21, 9, 20), "GET", url)).json()["sla_state"] == "ok"
    assert (await act(client, agent, at(21, 9, 25), "GET", url)).json()["sla_state"] == "warning"
    assert (await act(client, agent, at(21, 9, 31), "GET", url)).json()["sla_state"] == "breached"


async def test_a_whole_life_with_a_wait_a_dissatisfied_reopen_and_a_satisfied_close(
    client, admin, agent, requester, nats_server_url, event_namespace
):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"

    commented = await act(
        client, agent, at(21, 9, 10), "POST", f"{url}/comments", {"body": "已联系"}
    )
    assert commented.status_code == 201, commented.text
    assert commented.json()["status"] == "in_progress"
    assert moment(commented.json()["responded_at"]) == at(21, 9, 10)

    waiting = await act(client, agent, at(21, 11, 30), "POST", f"{url}/wait", {"reason": "等配件"})
    assert waiting.status_code == 200, waiting.text
    assert waiting.json()["status"] == "waiting_requester"
    assert waiting.json()["sla_paused"] is True and waiting.json()["resolve_due_at"] is None
    assert waiting.json()["waiting_reason"] == "等配件"

    # The wait held 11:30–15:00, an hour of working time: the deadline moves 15:30 → 16:30.
    resumed = await act(client, agent, at(21, 15), "POST", f"{url}/resume")
    assert resumed.json()["status"] == "in_progress"
    assert moment(resumed.json()["resolve_due_at"]) == at(21, 16, 30)

    resolved = await act(
        client, agent, at(21, 16), "POST", f"{url}/resolve", {"resolution": "换了阀门"}
    )
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved"
    # Three working days after Monday: Thursday's close.
    assert moment(resolved.json()["confirm_due_at"]) == at(24, 18)

    unhappy = await act(
        client,
        requester,
        at(22, 9),
        "POST",
        f"{url}/confirm",
        {"satisfied": False, "rating": 2, "comment": "还在滴水"},
    )
    assert unhappy.status_code == 200, unhappy.text
    assert unhappy.json()["status"] == "reopened" and unhappy.json()["reopen_count"] == 1
    # 4 h budget, 2h30 used before the wait and 1 h after: 30 minutes left from Tue 09:00.
    assert moment(unhappy.json()["resolve_due_at"]) == at(22, 9, 30)

    again = await act(client, agent, at(22, 9, 5), "POST", f"{url}/start")
    assert again.json()["status"] == "in_progress"
    await act(client, agent, at(22, 9, 20), "POST", f"{url}/resolve", {"resolution": "整体更换"})
    closed = await act(
        client, requester, at(22, 10), "POST", f"{url}/confirm", {"satisfied": True, "rating": 5}
    )
    assert closed.status_code == 200, closed.text
    final = closed.json()
    assert final["status"] == "closed" and final["rating"] == 5 and final["sla_met"] is True
    assert final["sla_state"] == "ok"

    history = (await act(client, agent, at(22, 11), "GET", f"{url}/events")).json()
    assert [entry["kind"] for entry in history["items"]] == [
        "created",
        "started",
        "commented",
        "waiting",
        "resumed",
        "resolved",
        "confirmed",
        "reopened",
        "started",
        "resolved",
        "confirmed",
        "closed",
    ]
    assert history["items"][3]["data"] == {"reason": "等配件"}

    async def ticket_events_arrived():
        events = await published_events(nats_server_url, event_namespace, "ticket")
        kinds = [e.type for e in events if e.subject == ticket["id"]]
        assert "gov.guanjia.ticket.ticket.closed.v1" in kinds
        return kinds

    kinds = await eventually(ticket_events_arrived)
    # Every status change is told: waiting on the requester (straight from new), going on,
    # resolved, reopened, started again, resolved, closed.
    assert kinds == [
        "gov.guanjia.ticket.ticket.created.v1",
        "gov.guanjia.ticket.ticket.waiting.v1",
        "gov.guanjia.ticket.ticket.resumed.v1",
        "gov.guanjia.ticket.ticket.resolved.v1",
        "gov.guanjia.ticket.ticket.reopened.v1",
        "gov.guanjia.ticket.ticket.started.v1",
        "gov.guanjia.ticket.ticket.resolved.v1",
        "gov.guanjia.ticket.ticket.closed.v1",
    ]
    events = await published_events(nats_server_url, event_namespace, "ticket")
    closed_event = next(e for e in events if e.type.endswith("ticket.closed.v1"))
    assert closed_event.data["department"] == DEPARTMENT
    assert closed_event.data["commitment"] == "C-REPAIR"
    assert closed_event.data["sla_met"] is True and closed_event.data["rating"] == 5
    assert closed_event.data["room_id"] == "room-302"
    assert closed_event.data["building_id"] == "building-1"
    assert closed_event.data["title"] == "三楼卫生间漏水"
    waiting_event = next(e for e in events if e.type.endswith("ticket.waiting.v1"))
    assert waiting_event.data["status"] == "waiting_requester"
    assert waiting_event.data["reason"] == "等配件"


async def test_a_late_resolution_closes_with_the_sla_not_met(client, admin, agent, requester):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"
    await act(client, agent, at(21, 9, 5), "POST", f"{url}/start")
    await act(client, agent, at(22, 9), "POST", f"{url}/resolve", {"resolution": "修好了"})
    closed = await act(
        client, agent, at(22, 10), "POST", f"{url}/confirm", {"satisfied": True, "rating": 4}
    )
    assert closed.json()["status"] == "closed"
    assert closed.json()["sla_met"] is False and closed.json()["sla_state"] == "breached"


async def test_a_commitment_edited_mid_ticket_does_not_move_the_tickets_deadlines(
    client, admin, agent
):
    commitment = await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    edited = await client.patch(
        f"{COMMITMENTS}/{commitment['id']}",
        json={"response_minutes": 10, "resolve_hours": 1},
        headers=admin,
    )
    assert edited.json()["version"] == 2
    url = f"{TICKETS}/{ticket['id']}"
    started = (await act(client, agent, at(21, 9, 20), "POST", f"{url}/start")).json()
    assert started["commitment_version"] == 1
    assert moment(started["response_due_at"]) == at(21, 9, 30)
    assert moment(started["resolve_due_at"]) == at(21, 15, 30)
    assert started["sla_state"] == "ok"  # 20 minutes is within the 30 it was opened under
    newer = await open_ticket(client, agent, at(21, 10))
    assert newer["commitment_version"] == 2
    assert moment(newer["response_due_at"]) == at(21, 10, 10)


async def test_only_the_owner_acts_and_only_the_department_head_hands_it_on(
    client, admin, agent, head, other_agent, token_mint
):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"
    colleague = token_mint.headers("agent", department=DEPARTMENT)
    refused = await client.post(f"{url}/resolve", json={"resolution": "x"}, headers=colleague)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"

    by_agent = await client.post(
        f"{url}/transfer", json={"to": "someone", "reason": "休假"}, headers=agent.headers
    )
    assert by_agent.status_code == 403
    without_reason = await client.post(f"{url}/transfer", json={"to": "x"}, headers=head.headers)
    assert without_reason.status_code == 422
    blank_reason = await client.post(
        f"{url}/transfer", json={"to": "x", "reason": "  "}, headers=head.headers
    )
    assert blank_reason.status_code == 422
    assert (await client.get(url, headers=agent.headers)).json()["owner"] == agent.id

    moved = await act(
        client,
        head,
        at(21, 9, 10),
        "POST",
        f"{url}/transfer",
        {"to": other_agent.id, "reason": "专业对口"},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["owner"] == other_agent.id
    assert moved.json()["first_receiver"] == agent.id
    # The old owner may no longer act; the new owner (of another department) may, and sees it.
    old = await client.post(f"{url}/start", headers=agent.headers)
    assert old.status_code == 403
    assert (await client.get(url, headers=other_agent.headers)).status_code == 200
    started = await act(client, other_agent, at(21, 9, 20), "POST", f"{url}/start")
    assert started.status_code == 200 and moment(started.json()["responded_at"]) == at(21, 9, 20)
    history = (await client.get(f"{url}/events", headers=head.headers)).json()["items"]
    transfer = next(entry for entry in history if entry["kind"] == "transferred")
    assert transfer["data"] == {"from": agent.id, "to": other_agent.id, "reason": "专业对口"}
    assert transfer["actor"] == head.id


async def test_moves_from_the_wrong_state_are_409_and_change_nothing(client, admin, agent):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"
    for path, body in (
        ("confirm", {"satisfied": True, "rating": 5}),
        ("resume", None),
    ):
        answer = await client.post(f"{url}/{path}", json=body, headers=agent.headers)
        assert answer.status_code == 409, (path, answer.text)
        assert answer.json()["rule"] == "ticket-state"
    history = (await client.get(f"{url}/events", headers=agent.headers)).json()
    assert [entry["kind"] for entry in history["items"]] == ["created"]
    assert (await client.get(url, headers=agent.headers)).json()["status"] == "new"


async def test_bad_input_is_refused_and_nothing_is_written(client, admin, agent, requester):
    await publish_commitment(client, admin)
    await publish_commitment(client, admin, code="C-DRAFT")
    await client.post(
        f"{COMMITMENTS}/{(await client.get(COMMITMENTS, headers=admin)).json()['items'][0]['id']}/unpublish",
        headers=admin,
    )
    cases = [
        (ticket_body(commitment_code="C-NOPE"), "#/commitment_code"),
        (ticket_body(commitment_code="C-DRAFT"), "#/commitment_code"),
        (ticket_body(channel="telegram"), "#/channel"),
        (ticket_body(title=""), "#/title"),
        (ticket_body(requester={"unit_id": "unit-a"}), "#/requester/name"),
        (ticket_body(surprise=1), "#/surprise"),
    ]
    for body, pointer in cases:
        answer = await client.post(TICKETS, json=body, headers=agent.headers)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert pointer in [error["pointer"] for error in answer.json()["errors"]], answer.json()
    # A unit's staff file for their own unit only (docs/tickets.md).
    for_another_unit = ticket_body(
        channel="online", requester={"name": "张三", "unit_id": "unit-b"}
    )
    staff = await client.post(TICKETS, json=for_another_unit, headers=requester.headers)
    assert staff.status_code == 403
    assert (await client.get(TICKETS, headers=admin)).json()["total"] == 0

    ticket = await open_ticket(client, agent, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"
    await act(client, agent, at(21, 9, 5), "POST", f"{url}/resolve", {"resolution": "好了"})
    for rating in (0, 6, "5", None):
        answer = await client.post(
            f"{url}/confirm", json={"satisfied": True, "rating": rating}, headers=requester.headers
        )
        assert answer.status_code == 422, (rating, answer.text)
    assert (await client.get(url, headers=agent.headers)).json()["status"] == "resolved"


async def test_a_unit_created_a_moment_ago_is_accepted_on_a_ticket(client, admin, agent):
    await publish_commitment(client, admin)
    ticket = await open_ticket(
        client, agent, at(21, 9), requester={"name": "李四", "unit_id": "unit-not-replicated-yet"}
    )
    assert ticket["requester_unit_id"] == "unit-not-replicated-yet"


async def test_comments_are_listed_by_anyone_who_sees_the_ticket(client, admin, agent, requester):
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    url = f"{TICKETS}/{ticket['id']}"
    await act(client, agent, at(21, 9, 5), "POST", f"{url}/comments", {"body": "师傅十点到"})
    asked = await act(client, requester, at(21, 9, 6), "POST", f"{url}/comments", {"body": "好的"})
    assert asked.status_code == 201
    # A comment by someone other than the owner is not the owner's response.
    comments = (await client.get(f"{url}/comments", headers=requester.headers)).json()
    assert [(c["data"]["body"], c["actor"]) for c in comments["items"]] == [
        ("师傅十点到", agent.id),
        ("好的", requester.id),
    ]
    started = await client.get(f"{url}/events?kind=started", headers=agent.headers)
    assert started.json()["total"] == 1
    assert (await client.get(f"{url}/events?kind=nope", headers=agent.headers)).status_code == 422
    empty_comment = await client.post(f"{url}/comments", json={"body": ""}, headers=agent.headers)
    assert empty_comment.status_code == 422


async def test_a_ticket_counts_on_its_commitments_calendar_with_its_holidays(client, admin, agent):
    calendar = await client.post(
        "/api/v1/ticket/calendars", json={"code": "office", "name": "机关作息"}, headers=admin
    )
    calendar_id = calendar.json()["id"]
    holiday = await client.put(
        f"/api/v1/ticket/calendars/{calendar_id}/exceptions",
        json=[{"date": "2026-09-21", "periods": [], "note": "假日"}],
        headers=admin,
    )
    assert holiday.status_code == 200, holiday.text
    await publish_commitment(client, admin, calendar_id=calendar_id)
    ticket = await open_ticket(client, agent, at(21, 9))
    # Monday is a holiday: the 30 minutes run from Tuesday 08:30.
    assert moment(ticket["response_due_at"]) == at(22, 9)
