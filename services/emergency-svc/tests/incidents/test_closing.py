"""Closing: a summary and follow-ups; open tasks are cancelled, pending reports too;
`emergency.incident.closed` carries what the ledger needs to make the follow-ups items —
shown end to end with ledger-svc running beside emergency-svc on the same NATS."""

import datetime as dt

import pytest

from guanjia_shared.testing.apps import eventually
from ledger_svc.config import Settings as LedgerSettings
from ledger_svc.database import MIGRATIONS as LEDGER_MIGRATIONS
from ledger_svc.followups.rules import IncidentClosed, follow_up_items
from ledger_svc.main import create_app as create_ledger_app

from .incident_helpers import (
    INCIDENTS,
    act,
    activated,
    at,
    moment,
    plan_in_force,
    published,
    reported,
    tasks_of,
    timeline_of,
)

FOLLOW_UPS = [
    "更换二号楼老化配电柜",
    {
        "title": "修订配电室值守制度",
        "department": "物业管理处",
        "deadline": "2026-03-31",
        "quality_requirement": "制度印发并组织全员培训",
    },
]


async def close(client, person, incident_id, when=at(12, 0), **body):
    """Closed on 2026-03-05 (by default at noon), the follow-ups' deadlines being later."""
    return await act(
        client,
        person,
        when,
        "POST",
        f"{INCIDENTS}/{incident_id}/close",
        {"summary": "明火已扑灭，无人员伤亡", "follow_ups": FOLLOW_UPS, **body},
    )


async def test_closing_cancels_the_open_tasks_and_publishes_the_follow_ups_as_agreed(
    client, people, nats_server_url, event_namespace
):
    await plan_in_force(client, people)
    incident = await reported(client, people.reporter, level="IV", building_id="bldg-2")
    await activated(client, people.commander, incident["id"], at(9, 0))
    [first, _] = await tasks_of(client, people.commander, incident["id"])
    done = await act(
        client,
        people.with_id(first["assignee"]),
        at(9, 3),
        "POST",
        f"/api/v1/emergency/tasks/{first['id']}/complete",
        {"note": "已用灭火器扑灭"},
    )
    assert done.status_code == 200, done.text

    answer = await close(client, people.commander, incident["id"], at(10, 0))

    assert answer.status_code == 200, answer.text
    closed = answer.json()
    assert closed["status"] == "closed" and moment(closed["closed_at"]) == at(10, 0)
    assert closed["summary"] == "明火已扑灭，无人员伤亡"
    assert closed["follow_ups"] == FOLLOW_UPS
    statuses = {
        task["id"]: task["status"]
        for task in await tasks_of(client, people.commander, incident["id"])
    }
    assert sorted(statuses.values()) == ["cancelled", "completed"]
    assert statuses[first["id"]] == "completed"
    lines = await timeline_of(client, people.commander, incident["id"])
    assert [line["kind"] for line in lines][-2:] == ["task_cancelled", "closed"]
    assert lines[-1]["data"]["follow_ups"] == FOLLOW_UPS
    [report] = (
        await client.get(f"{INCIDENTS}/{incident['id']}/reports", headers=people.commander.headers)
    ).json()
    assert moment(report["cancelled_at"]) == at(10, 0)

    [event] = await eventually(
        published(nats_server_url, event_namespace, "emergency.incident.closed", count=1)
    )
    assert event.subject == incident["id"]
    # What ledger-svc reads, read by ledger-svc's own contract.
    contract = IncidentClosed.model_validate(event.data)
    assert contract.id == incident["id"]
    assert (contract.type, contract.level, contract.building_id) == ("fire", "IV", "bldg-2")
    assert contract.commander_id == people.commander.id
    assert contract.commander_department == "安全保卫处"
    assert contract.closed_at == at(10, 0)
    assert [item.title for item in follow_up_items(contract)] == [
        "更换二号楼老化配电柜",
        "修订配电室值守制度",
    ]


async def test_an_incident_closed_from_reported_has_its_closer_as_commander(
    client, people, nats_server_url, event_namespace
):
    incident = await reported(client, people.reporter)

    answer = await close(client, people.leader, incident["id"], summary="误报")

    assert answer.status_code == 200, answer.text
    assert answer.json()["commander_id"] == people.leader.id
    [event] = await eventually(
        published(nats_server_url, event_namespace, "emergency.incident.closed", count=1)
    )
    assert event.data["commander_id"] == people.leader.id
    assert event.data["commander_department"] == "局领导"


async def test_a_drill_incidents_follow_ups_carry_the_drill_mark(
    client, people, nats_server_url, event_namespace
):
    incident = await reported(client, people.commander, is_drill=True)

    answer = await close(client, people.commander, incident["id"])

    assert answer.status_code == 200, answer.text
    [event] = await eventually(
        published(nats_server_url, event_namespace, "emergency.incident.closed", count=1)
    )
    assert event.data["is_drill"] is True
    assert event.data["follow_ups"][0] == "【演练】更换二号楼老化配电柜"
    assert event.data["follow_ups"][1]["title"] == "【演练】修订配电室值守制度"


async def test_closing_twice_is_refused(client, people):
    incident = await reported(client, people.reporter)
    assert (await close(client, people.commander, incident["id"])).status_code == 200

    again = await close(client, people.commander, incident["id"])

    assert again.status_code == 409 and again.json()["rule"] == "incident-closed"


@pytest.mark.parametrize(
    ("follow_ups", "pointer"),
    [
        ([{"title": "整改", "deadline": "2026-03-04"}], "#/follow_ups/0/deadline"),
        (["更换配电柜", ""], "#/follow_ups/1"),
        ([{"title": "整改", "owner": "x"}], "#/follow_ups/0/owner"),
        # A number would otherwise be read as a Unix timestamp (2026-03-31 here).
        ([{"title": "整改", "deadline": 1774915200}], "#/follow_ups/0/deadline"),
        ([{"deadline": "2026-03-31"}], "#/follow_ups/0/title"),
    ],
    ids=[
        "deadline-before-closing",
        "blank-follow-up",
        "unknown-field",
        "number-deadline",
        "no-title",
    ],
)
async def test_bad_follow_ups_are_refused_with_nothing_changed(
    service, client, people, follow_ups, pointer
):
    await plan_in_force(client, people)
    incident = await reported(client, people.reporter)
    await activated(client, people.commander, incident["id"], at(9, 0))
    lines = await service.timeline_count()

    answer = await close(client, people.commander, incident["id"], at(10, 0), follow_ups=follow_ups)

    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    # Each pointer names a place in the body sent, never a branch of the schema's union.
    assert pointer in {error["pointer"] for error in answer.json()["errors"]}
    after = await client.get(f"{INCIDENTS}/{incident['id']}", headers=people.commander.headers)
    assert after.json()["status"] == "active"
    assert {
        task["status"] for task in await tasks_of(client, people.commander, incident["id"])
    } == {"assigned"}
    assert await service.timeline_count() == lines


async def test_only_commanders_and_the_leadership_close(client, people):
    incident = await reported(client, people.reporter)
    answer = await close(client, people.reporter, incident["id"])
    assert answer.status_code == 403


async def test_the_follow_ups_become_items_of_the_ledger_over_real_nats(
    client, people, service_client_factory
):
    """ledger-svc runs in-process beside emergency-svc, on the same NATS namespace: the
    closing travels through the outbox, JetStream and the ledger's consumer."""
    await plan_in_force(client, people)
    incident = await reported(client, people.reporter, level="III")
    await activated(client, people.commander, incident["id"], at(9, 0))

    async with service_client_factory(
        create_ledger_app, LedgerSettings, LEDGER_MIGRATIONS
    ) as ledger:
        answer = await close(client, people.commander, incident["id"], at(11, 0))
        assert answer.status_code == 200, answer.text

        async def two_items():
            listed = await ledger.get(
                "/api/v1/ledger/items",
                params={"source_ref": incident["id"]},
                headers=people.leader.headers,
            )
            assert listed.status_code == 200, listed.text
            items = listed.json()["items"]
            assert len(items) == 2
            return sorted(items, key=lambda item: item["title"])

        items = await eventually(two_items)

    assert [item["title"] for item in items] == sorted(
        ["更换二号楼老化配电柜", "修订配电室值守制度"]
    )
    by_title = {item["title"]: item for item in items}
    assert all(item["owner_id"] == people.commander.id for item in items)
    assert by_title["修订配电室值守制度"]["department"] == "物业管理处"
    assert by_title["修订配电室值守制度"]["deadline"] == "2026-03-31"
    assert by_title["更换二号楼老化配电柜"]["department"] == "安全保卫处"
    # Thirty days after the day it closed, by the ledger's default.
    assert by_title["更换二号楼老化配电柜"]["deadline"] == str(dt.date(2026, 4, 4))
