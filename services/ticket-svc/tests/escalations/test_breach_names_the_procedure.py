"""What an SLA breach tells ledger-svc's quality system: the commitment breached (its id as
well as its code), the department, and the procedure the commitment carries out as it
stands when the breach is raised."""

from functools import partial

from guanjia_shared.testing.apps import eventually

from ..ticket_helpers import COMMITMENTS, DEPARTMENT, at, open_ticket, publish_commitment
from .escalation_helpers import published


async def test_a_breach_names_the_commitment_its_department_and_its_procedure(
    service, client, admin, agent, nats_server_url, event_namespace
):
    commitment = await publish_commitment(client, admin, procedure_code="GJ-WX-001")
    ticket = await open_ticket(client, agent, at(21, 9))
    assert await service.tick(at(21, 9, 31)) == 2  # the response clock's warning and breach

    breach = await eventually(partial(the_breach, nats_server_url, event_namespace, ticket))
    assert breach.data["commitment_id"] == commitment["id"]
    assert breach.data["commitment"] == "C-REPAIR"
    assert breach.data["department"] == DEPARTMENT
    assert breach.data["procedure_code"] == "GJ-WX-001"
    assert breach.data["clock"] == "response"


async def test_a_breach_names_the_procedure_the_commitment_names_now(
    service, client, admin, agent, nats_server_url, event_namespace
):
    """The ticket keeps the time limits of its version; the quality system acts on the
    procedure that governs the service today."""
    commitment = await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    named = await client.patch(
        f"{COMMITMENTS}/{commitment['id']}", json={"procedure_code": "GJ-WX-007"}, headers=admin
    )
    assert named.status_code == 200, named.text
    assert await service.tick(at(21, 9, 31)) == 2

    breach = await eventually(partial(the_breach, nats_server_url, event_namespace, ticket))
    assert breach.data["commitment_version"] == 1
    assert breach.data["procedure_code"] == "GJ-WX-007"


async def test_a_breach_of_a_commitment_without_a_procedure_says_so(
    service, client, admin, agent, nats_server_url, event_namespace
):
    commitment = await publish_commitment(client, admin)
    ticket = await open_ticket(client, agent, at(21, 9))
    assert await service.tick(at(21, 9, 31)) == 2

    breach = await eventually(partial(the_breach, nats_server_url, event_namespace, ticket))
    assert breach.data["commitment_id"] == commitment["id"]
    assert breach.data["procedure_code"] is None


async def the_breach(nats_url, namespace, ticket):
    events = await published(
        nats_url, namespace, "ticket.ticket.sla_breached", subject=ticket["id"]
    )
    assert len(events) == 1
    return events[0]
