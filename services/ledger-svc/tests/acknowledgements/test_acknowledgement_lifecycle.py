"""Read-and-acknowledge: a document in force distributed (again: added to, never taken
from), each person concerned acknowledging its revision in force once, their documents to
read, the refusals by rule, and a superseding revision starting a new round."""

import pytest

from ..quality.quality_helpers import (
    DOCUMENTS,
    approve,
    outbox_events,
    problem,
    register,
    revision_url,
    submit,
)
from .acknowledgement_helpers import (
    acknowledge,
    distribute,
    distributed,
    in_force,
    reading,
    to_read,
)

pytestmark = pytest.mark.on_day("2026-03-02T10:00:00+08:00")


async def test_distributing_again_adds_to_the_audience_and_takes_nothing_away(
    client, session_factory, drafter, head, admin
):
    document = await in_force(client, drafter, head, drafter)

    first = await distributed(client, drafter, document, roles=["leader"], departments=["财务处"])
    again = await distributed(client, admin, document, departments=["物业管理处"])
    same = await distributed(client, admin, document, roles=["leader"])

    assert [(row["kind"], row["value"]) for row in first["added"]] == [
        ("department", "财务处"),
        ("role", "leader"),
    ]
    assert [(row["kind"], row["value"]) for row in again["added"]] == [("department", "物业管理处")]
    assert same["added"] == []
    assert sorted((row["kind"], row["value"]) for row in same["audience"]) == [
        ("department", "物业管理处"),
        ("department", "财务处"),
        ("role", "leader"),
    ]
    assert {row["revision_number"] for row in same["audience"]} == {1}
    events = await outbox_events(session_factory, prefix="ledger.acknowledgement.distributed")
    # One event per distribution that added someone; the one that added nobody tells nobody.
    assert [[target["value"] for target in data["added"]] for _, _, data in events] == [
        ["财务处", "leader"],
        ["物业管理处"],
    ]


async def test_only_a_document_in_force_is_distributed(client, drafter, head, admin):
    draft = await register(client, drafter, drafter)
    problem(
        await distribute(client, admin, draft, departments=["财务处"]),
        409,
        "distribute-documents-in-force",
    )
    document = await in_force(client, drafter, head, drafter, code="GJ-CW-002")
    abolished = await client.post(
        f"{DOCUMENTS}/{document['id']}/abolish", json={"reason": "已并入"}, headers=admin.headers
    )
    assert abolished.status_code == 200, abolished.text
    problem(
        await distribute(client, admin, document, departments=["财务处"]),
        409,
        "distribute-documents-in-force",
    )


async def test_the_owner_or_the_keepers_distribute_and_nobody_else(
    client, drafter, head, outsider, leader, unit_staff
):
    document = await in_force(client, drafter, head, drafter)
    for who in (head, outsider, leader):
        problem(await distribute(client, who, document, departments=["财务处"]), 403)
    problem(await distribute(client, unit_staff, document, departments=["财务处"]), 403)
    problem(
        await client.get(f"{DOCUMENTS}/{document['id']}/reading", headers=unit_staff.headers), 403
    )
    await distributed(client, drafter, document, departments=["财务处"])


async def test_a_person_acknowledges_once_and_a_second_time_is_answered_with_the_first(
    client, session_factory, drafter, head
):
    document = await in_force(client, drafter, head, drafter)
    await distributed(client, drafter, document, departments=["财务处"])

    first = await acknowledge(client, head, document)
    second = await acknowledge(client, head, document)

    assert first.status_code == 201, first.text
    assert second.status_code == 200, second.text
    assert first.json()["already_acknowledged"] is False
    assert second.json()["already_acknowledged"] is True
    assert second.json()["acknowledged_at"] == first.json()["acknowledged_at"]
    assert first.json()["person_name"] == "财务处长"
    events = await outbox_events(session_factory, prefix="ledger.acknowledgement.recorded")
    assert [
        (subject, data["person_id"], data["revision_number"]) for _, subject, data in events
    ] == [(document["id"], head.id, 1)]


async def test_acknowledging_what_is_not_ones_own_to_read_is_refused_by_rule(
    client, drafter, head, outsider, admin
):
    document = await in_force(client, drafter, head, drafter)
    await distributed(client, drafter, document, departments=["财务处"])

    problem(await acknowledge(client, outsider, document), 409, "distributed-to-you")
    body = problem(await acknowledge(client, head, document, revision=2), 404)
    assert "no revision 2" in body["detail"]
    abolished = await client.post(
        f"{DOCUMENTS}/{document['id']}/abolish", json={"reason": "已废止"}, headers=admin.headers
    )
    assert abolished.status_code == 200, abolished.text
    problem(await acknowledge(client, head, document), 409, "document-abolished")


async def test_a_superseding_revision_starts_a_new_round(
    client, session_factory, drafter, head, leader
):
    document = await in_force(client, drafter, head, drafter)
    await distributed(client, drafter, document, roles=["leader"], departments=["财务处"])
    assert (await acknowledge(client, head, document)).status_code == 201
    assert (await acknowledge(client, leader, document)).status_code == 201
    assert (await to_read(client, head))["total"] == 0

    started = await client.post(
        f"{DOCUMENTS}/{document['id']}/revisions",
        json={
            "change_reason": "提高审批门槛",
            "effective_on": "2026-03-02",
            "next_review_on": "2027-03-02",
        },
        headers=drafter.headers,
    )
    assert started.status_code == 201, started.text
    await submit(client, drafter, document, 2, [head])
    # Revision 2 is on its way, revision 1 still in force: nothing new to read yet.
    assert (await to_read(client, leader))["total"] == 0
    assert (await approve(client, head, document, 2))["status"] == "effective"

    [line] = (await to_read(client, head))["items"]
    assert (line["code"], line["revision_number"], line["acknowledged_at"]) == (
        "GJ-CW-001",
        2,
        None,
    )
    # The drafter, of 财务处, had not read revision 1: now only revision 2 is to be read.
    await to_read(client, drafter)
    problem(
        await acknowledge(client, drafter, document, revision=1),
        409,
        "acknowledge-the-revision-in-force",
    )
    status = await reading(client, leader, document)
    assert (status["revision_number"], status["concerned"], status["acknowledged"]) == (2, 3, 0)
    assert (await acknowledge(client, head, document, revision=2)).status_code == 201
    # The first round's acknowledgements stay as its record.
    again = await acknowledge(client, leader, document, revision=1)
    assert again.status_code == 200 and again.json()["revision_number"] == 1
    old = await client.get(revision_url(document, 1), headers=leader.headers)
    assert old.json()["status"] == "superseded"


async def test_my_documents_to_read_are_those_distributed_to_me_not_yet_acknowledged(
    client, drafter, head, outsider, leader
):
    mine = await in_force(client, drafter, head, drafter, code="GJ-CW-001")
    by_role = await in_force(client, drafter, head, drafter, code="GJ-CW-002")
    elsewhere = await in_force(client, drafter, head, drafter, code="GJ-CW-003")
    never = await in_force(client, drafter, head, drafter, code="GJ-CW-004")
    await distributed(client, drafter, mine, departments=["财务处"])
    await distributed(client, drafter, by_role, roles=["dept_head"])
    await distributed(client, drafter, elsewhere, departments=["物业管理处"])
    assert never  # distributed to nobody: on nobody's list

    pending = await to_read(client, head)
    assert [line["code"] for line in pending["items"]] == ["GJ-CW-001", "GJ-CW-002"]
    assert pending["total"] == 2
    assert (await acknowledge(client, head, by_role)).status_code == 201

    assert [line["code"] for line in (await to_read(client, head))["items"]] == ["GJ-CW-001"]
    done = await to_read(client, head, acknowledged="true")
    assert [(line["code"], line["acknowledged_at"] is not None) for line in done["items"]] == [
        ("GJ-CW-002", True)
    ]
    assert [line["code"] for line in (await to_read(client, outsider))["items"]] == ["GJ-CW-003"]
    assert (await to_read(client, leader))["total"] == 0
