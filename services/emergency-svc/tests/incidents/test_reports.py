"""Reports upward as timers: the initial report falls due at activation by grade (I 30,
II 60, III 120, IV 240 minutes by default), each submission makes the next follow-up due
(I 60, II 120, III 240, IV 480), a raised grade brings the pending deadline forward, and a
report not in by its deadline is told once — read back from NATS."""

from emergency_svc.incidents.models import IncidentReport
from guanjia_shared.testing.apps import eventually

from .incident_helpers import (
    INCIDENTS,
    act,
    activated,
    at,
    level_changed,
    moment,
    published,
    reported,
    timeline_of,
)


async def reports_of(client, person, incident_id):
    answer = await client.get(f"{INCIDENTS}/{incident_id}/reports", headers=person.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def submit(client, person, incident_id, when, kind, content="现场情况报告"):
    return await act(
        client,
        person,
        when,
        "POST",
        f"{INCIDENTS}/{incident_id}/reports",
        {"kind": kind, "content": content},
    )


async def test_the_initial_report_falls_due_at_activation_and_is_told_overdue_once(
    service, client, people, nats_server_url, event_namespace
):
    incident = await reported(client, people.reporter, level="II")
    assert await reports_of(client, people.commander, incident["id"]) == []
    await activated(client, people.commander, incident["id"], at(9, 0))

    [initial] = await reports_of(client, people.commander, incident["id"])
    assert (initial["kind"], initial["number"], moment(initial["due_at"])) == (
        "initial",
        0,
        at(10, 0),
    )

    assert await service.tick(at(9, 59)) == 0
    assert await service.tick(at(10, 1)) == 1
    assert await service.tick(at(10, 2)) == 0
    assert await service.tick(at(12, 0)) == 0

    [told] = await timeline_of(client, people.commander, incident["id"], kind="report_overdue")
    assert moment(told["at"]) == at(10, 1) and told["actor"] is None
    [event] = await eventually(
        published(nats_server_url, event_namespace, "emergency.report.overdue", count=1)
    )
    assert event.subject == incident["id"]
    assert (event.data["kind"], event.data["number"], event.data["level"]) == ("initial", 0, "II")
    assert moment(event.data["due_at"]) == at(10, 0)
    assert event.data["commander_id"] == people.commander.id

    # Late, but still submitted — and marked so.
    late = await submit(client, people.commander, incident["id"], at(10, 30), "initial")
    assert late.status_code == 201, late.text
    [line] = await timeline_of(client, people.commander, incident["id"], kind="report_submitted")
    assert line["data"]["late"] is True


async def test_each_report_submitted_makes_the_next_follow_up_due(service, client, people):
    incident = await reported(client, people.reporter, level="II")
    await activated(client, people.commander, incident["id"], at(9, 0))

    first = await submit(client, people.commander, incident["id"], at(9, 40), "initial")
    assert first.status_code == 201, first.text
    assert moment(first.json()["submitted_at"]) == at(9, 40)
    second = await submit(client, people.leader, incident["id"], at(11, 0), "follow_up")
    assert second.status_code == 201, second.text

    reports = await reports_of(client, people.commander, incident["id"])
    assert [
        (r["number"], r["kind"], moment(r["due_at"]), moment(r["submitted_at"])) for r in reports
    ] == [
        (0, "initial", at(10, 0), at(9, 40)),
        (1, "follow_up", at(11, 40), at(11, 0)),
        (2, "follow_up", at(13, 0), None),
    ]
    assert await service.tick(at(11, 50)) == 0  # the follow-up due 11:40 is in
    assert await service.tick(at(13, 1)) == 1


async def test_a_raised_grade_brings_the_pending_deadline_forward(client, people):
    incident = await reported(client, people.reporter, level="IV")
    await activated(client, people.commander, incident["id"], at(9, 0))
    [initial] = await reports_of(client, people.commander, incident["id"])
    assert moment(initial["due_at"]) == at(13, 0)  # IV: 240 minutes

    await level_changed(client, people.commander, incident["id"], "I", at(9, 10))

    [initial] = await reports_of(client, people.commander, incident["id"])
    assert moment(initial["due_at"]) == at(9, 40)  # I: 30 minutes from the change
    # Lowering does not put it back.
    await level_changed(client, people.commander, incident["id"], "III", at(9, 20))
    [initial] = await reports_of(client, people.commander, incident["id"])
    assert moment(initial["due_at"]) == at(9, 40)
    lines = await timeline_of(client, people.commander, incident["id"], kind="report_due")
    assert [line["data"]["because"] for line in lines] == ["opened", "level_changed"]


async def test_a_follow_up_before_the_initial_report_or_a_second_initial_is_refused(
    service, client, people
):
    incident = await reported(client, people.reporter, level="III")
    early = await submit(client, people.commander, incident["id"], at(9, 0), "initial")
    assert early.status_code == 409 and early.json()["rule"] == "incident-not-active"
    await activated(client, people.commander, incident["id"], at(9, 0))

    follow_up = await submit(client, people.commander, incident["id"], at(9, 5), "follow_up")
    assert follow_up.status_code == 409 and follow_up.json()["rule"] == "report-order"
    assert (
        await submit(client, people.commander, incident["id"], at(9, 10), "initial")
    ).status_code == 201
    again = await submit(client, people.commander, incident["id"], at(9, 20), "initial")
    assert again.status_code == 409 and again.json()["rule"] == "report-order"
    assert await service.count(IncidentReport) == 2  # the initial and the follow-up it made due

    reporter = await submit(client, people.reporter, incident["id"], at(9, 30), "follow_up")
    assert reporter.status_code == 403
    bad_kind = await submit(client, people.commander, incident["id"], at(9, 30), "final")
    assert bad_kind.status_code == 422
