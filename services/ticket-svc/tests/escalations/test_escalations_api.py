"""The escalations over HTTP: a ticket's own list (whoever sees the ticket), the queue of
a department head (their department's) and of the leadership (all), and the scheduler
running as the service's periodic job."""

from guanjia_shared.clock import frozen_at
from ticket_svc.escalations.jobs import ESCALATION_JOB

from ..ticket_helpers import (
    DEPARTMENT,
    OTHER_DEPARTMENT,
    TICKETS,
    act,
    at,
    open_ticket,
    publish_commitment,
)
from .escalation_helpers import ESCALATIONS, moment


async def breached_ticket(service, client, admin, agent):
    """A ticket whose response clock has been raised up to the leadership by 09:46."""
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    for when in (at(21, 9, 25), at(21, 9, 31), at(21, 9, 46)):
        await service.tick(when)
    return ticket


async def late_coordination(service, client, agent, other_agent):
    """A second ticket whose coordination with the other department ran late (10:10)."""
    ticket = await open_ticket(client, agent, at(21, 9, 50))
    url = f"{TICKETS}/{ticket['id']}"
    body = {"department": OTHER_DEPARTMENT, "note": "请核对", "due_in_minutes": 20}
    assert (await act(client, agent, at(21, 9, 50), "POST", f"{url}/coordinate", body)).is_success
    await service.tick(at(21, 10, 11))
    return ticket


async def test_a_tickets_escalations_are_read_by_whoever_sees_the_ticket(
    service, client, admin, agent, requester, other_agent
):
    ticket = await breached_ticket(service, client, admin, agent)
    url = f"{TICKETS}/{ticket['id']}/escalations"

    answer = await act(client, agent, at(21, 10), "GET", url)
    assert answer.status_code == 200, answer.text
    steps = answer.json()
    assert [(s["clock"], s["threshold"], s["escalated_to"]) for s in steps] == [
        ("response", "warning", "owner"),
        ("response", "breached", "dept_head"),
        ("response", "leader", "leader"),
    ]
    assert steps[1]["ticket_id"] == ticket["id"] and steps[1]["target_id"] == ""
    assert steps[1]["department"] == DEPARTMENT
    assert moment(steps[1]["reached_at"]) == at(21, 9, 30)
    assert moment(steps[1]["raised_at"]) == at(21, 9, 31)

    assert (await act(client, requester, at(21, 10), "GET", url)).status_code == 200
    hidden = await act(client, other_agent, at(21, 10), "GET", url)
    assert hidden.status_code == 404
    assert (
        await act(client, agent, at(21, 10), "GET", f"{TICKETS}/nope/escalations")
    ).status_code == 404


async def test_a_department_head_queues_their_departments_escalations_and_a_leader_all(
    service, client, admin, agent, other_agent, head, other_head, leader
):
    own = await breached_ticket(service, client, admin, agent)
    coordinated = await late_coordination(service, client, agent, other_agent)

    mine = (await act(client, head, at(21, 11), "GET", ESCALATIONS)).json()
    assert mine["total"] == 3
    assert {item["ticket_id"] for item in mine["items"]} == {own["id"]}
    assert mine["items"][0]["ticket_title"] == "三楼卫生间漏水"
    assert mine["items"][0]["ticket_status"] == "new"
    assert mine["items"][0]["ticket_owner"] == agent.id

    theirs = (await act(client, other_head, at(21, 11), "GET", ESCALATIONS)).json()
    assert [(i["ticket_id"], i["clock"], i["department"]) for i in theirs["items"]] == [
        (coordinated["id"], "coordination", OTHER_DEPARTMENT)
    ]
    assert theirs["items"][0]["ticket_department"] == DEPARTMENT

    everything = (await act(client, leader, at(21, 11), "GET", ESCALATIONS)).json()
    assert everything["total"] == 4
    # Newest first: the coordination's breach was raised last.
    assert everything["items"][0]["clock"] == "coordination"
    to_leaders = await act(client, leader, at(21, 11), "GET", f"{ESCALATIONS}?escalated_to=leader")
    assert [item["threshold"] for item in to_leaders.json()["items"]] == ["leader"]
    by_department = await act(
        client, leader, at(21, 11), "GET", f"{ESCALATIONS}?department={OTHER_DEPARTMENT}"
    )
    assert by_department.json()["total"] == 1


async def test_the_queue_is_refused_to_staff_and_to_a_head_asking_for_another_department(
    service, client, agent, head, requester
):
    assert (await act(client, agent, at(21, 11), "GET", ESCALATIONS)).status_code == 403
    assert (await act(client, requester, at(21, 11), "GET", ESCALATIONS)).status_code == 403
    elsewhere = await act(
        client, head, at(21, 11), "GET", f"{ESCALATIONS}?department={OTHER_DEPARTMENT}"
    )
    assert elsewhere.status_code == 403
    unknown = await act(client, head, at(21, 11), "GET", f"{ESCALATIONS}?escalated_to=mayor")
    assert unknown.status_code == 422


async def test_the_queue_can_leave_out_tickets_already_resolved(
    service, client, admin, agent, leader
):
    ticket = await breached_ticket(service, client, admin, agent)
    url = f"{TICKETS}/{ticket['id']}"
    resolved = await act(
        client, agent, at(21, 10), "POST", f"{url}/resolve", {"resolution": "好了"}
    )
    assert resolved.status_code == 200, resolved.text

    unresolved = await act(client, leader, at(21, 11), "GET", f"{ESCALATIONS}?unresolved=true")
    assert unresolved.json() == {"items": [], "total": 0}
    assert (await act(client, leader, at(21, 11), "GET", ESCALATIONS)).json()["total"] == 3


async def test_the_service_runs_the_scheduler_as_its_periodic_job(service, client, admin, agent):
    runner = service.app.state.periodic_jobs[ESCALATION_JOB]
    assert runner.job.interval_seconds == service.app.state.settings.scheduler_interval_seconds
    assert not runner.is_running  # under tests it ticks only when asked
    await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))

    with frozen_at(at(21, 9, 25)):
        assert await runner.run_once() == 1
        assert await runner.run_once() == 0

    assert [alert[:2] for alert in await service.alerts(ticket["id"])] == [("response", "warning")]
