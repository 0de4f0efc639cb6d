"""An internal audit from plan to close: the checklist generated at the start from the
documents in force in scope, findings on its lines and on the audit, the report once every
line is assessed, a nonconformity opened from the nonconformity finding, then the close;
each move out of order refused by rule."""

import pytest

from ..quality.quality_helpers import DOCUMENTS, approve, outbox_events, problem, submit
from .audit_helpers import (
    AUDITS,
    checklist,
    finance_register,
    find,
    found,
    in_force,
    move,
    moved,
    open_nonconformity,
    plan_body,
    planned,
    programme,
)

pytestmark = pytest.mark.on_day("2026-04-01T10:00:00+08:00")


async def test_an_audit_goes_from_plan_to_close(
    client, session_factory, admin, leader, head, drafter, lead_auditor, auditor
):
    documents = await finance_register(client, admin, drafter, head)
    year = await programme(client, admin)
    audit = await planned(client, admin, year, plan_body(lead_auditor, [(auditor, "办公室")]))
    assert (audit["status"], audit["line_count"]) == ("planned", 0)
    assert await checklist(client, admin, audit) == []

    started = await moved(client, lead_auditor, audit, "start")
    assert (started["status"], started["line_count"]) == ("in_progress", 2)
    assert started["audited_departments"] == ["财务处"]
    lines = await checklist(client, admin, audit)
    assert [(line["code"], line["revision_number"], line["assessed"]) for line in lines] == [
        ("GJ-CW-001", 1, False),
        ("GJ-CW-002", 1, False),
    ]
    first, second = lines

    await found(
        client, auditor, audit, line_id=first["id"], kind="conformity", evidence="抽查5笔,均合规"
    )
    refused = problem(
        await move(client, lead_auditor, audit, "report", {"report": "总体符合"}),
        409,
        "every-line-assessed",
    )
    assert refused["unassessed"] == ["GJ-CW-002"]
    nonconformity = await found(
        client,
        lead_auditor,
        audit,
        line_id=second["id"],
        kind="nonconformity",
        severity="minor",
        evidence="2笔公务卡结算超期",
    )
    assert (nonconformity["department"], nonconformity["procedure_code"]) == ("财务处", "GJ-CW-002")
    await found(client, auditor, audit, kind="improvement", evidence="可推行电子报销")

    problem(await move(client, auditor, audit, "report", {"report": "总体符合"}), 403)
    reported = await moved(
        client, lead_auditor, audit, "report", {"report": "总体符合,一项一般不符合"}
    )
    assert reported["status"] == "reported"
    assert reported["findings_by_kind"] == {
        "conformity": 1,
        "nonconformity": 1,
        "observation": 0,
        "improvement": 1,
    }
    problem(
        await find(client, auditor, audit, kind="observation", evidence="补记"), 409, "audit-status"
    )

    refused = problem(await move(client, leader, audit, "close"), 409, "nonconformities-opened")
    assert refused["findings"] == [nonconformity["id"]]
    opened = await open_nonconformity(client, admin, audit, nonconformity)
    assert opened.status_code == 201, opened.text
    assert (opened.json()["source"], opened.json()["audit_finding_id"]) == (
        "audit",
        nonconformity["id"],
    )
    assert opened.json()["procedure_code"] == "GJ-CW-002"
    assert opened.json()["description"] == "2笔公务卡结算超期"
    again = problem(
        await open_nonconformity(client, admin, audit, nonconformity),
        409,
        "one-nonconformity-per-finding",
    )
    assert again["nonconformity_id"] == opened.json()["id"]
    findings = (await client.get(f"{AUDITS}/{audit['id']}/findings", headers=admin.headers)).json()
    assert [finding["nonconformity_id"] for finding in findings] == [
        None,
        opened.json()["id"],
        None,
    ]

    problem(await move(client, lead_auditor, audit, "close"), 403)
    closed = await moved(client, leader, audit, "close", {"note": "不符合项已立项整改"})
    assert (closed["status"], closed["closed_by"]) == ("closed", leader.id)
    events = await outbox_events(session_factory, prefix="ledger.audit")
    assert [short for short, _, _ in events] == [
        "ledger.audit_programme.created",
        "ledger.audit.planned",
        "ledger.audit.started",
        "ledger.audit.finding_recorded",
        "ledger.audit.finding_recorded",
        "ledger.audit.finding_recorded",
        "ledger.audit.reported",
        "ledger.audit.closed",
    ]
    # Events carry no texts: the evidence and the report stay in the service.
    assert all("evidence" not in str(data) and "report" not in data for _, _, data in events)
    assert documents["draft"]["status"] == "draft"


async def test_the_checklist_is_a_snapshot_taken_at_the_start(
    client, admin, head, drafter, lead_auditor
):
    documents = await finance_register(client, admin, drafter, head)
    audit = await planned(client, admin, await programme(client, admin), plan_body(lead_auditor))
    await moved(client, admin, audit, "start")
    # After the start: GJ-CW-001 revised and in force, a new procedure of 财务处 in force,
    # GJ-CW-002 abolished.
    started = await client.post(
        f"{DOCUMENTS}/{documents['cw1']['id']}/revisions",
        json={
            "title": "差旅费报销办理流程(修订)",
            "change_reason": "标准调整",
            "effective_on": "2026-04-01",
            "next_review_on": "2027-04-01",
        },
        headers=drafter.headers,
    )
    assert started.status_code == 201, started.text
    await submit(client, drafter, documents["cw1"], 2, [head])
    assert (await approve(client, head, documents["cw1"], 2))["status"] == "effective"
    await in_force(client, drafter, head, drafter, code="GJ-CW-003")
    abolished = await client.post(
        f"{DOCUMENTS}/{documents['cw2']['id']}/abolish",
        json={"reason": "并入"},
        headers=admin.headers,
    )
    assert abolished.status_code == 200, abolished.text

    lines = await checklist(client, admin, audit)
    assert [(line["code"], line["title"], line["revision_number"]) for line in lines] == [
        ("GJ-CW-001", "差旅费报销办理流程", 1),
        ("GJ-CW-002", "公务卡结算流程", 1),
    ]


async def test_moves_out_of_order_are_refused_by_rule(
    client, admin, leader, head, drafter, lead_auditor
):
    await finance_register(client, admin, drafter, head)
    audit = await planned(client, admin, await programme(client, admin), plan_body(lead_auditor))

    for who, verb, body, needed in (
        (lead_auditor, "report", {"report": "r"}, "in_progress"),
        (admin, "close", {}, "reported"),
    ):
        refused = problem(await move(client, who, audit, verb, body), 409, "audit-status")
        assert (refused["audit_status"], refused["needed_status"]) == ("planned", needed)
    problem(
        await find(client, lead_auditor, audit, kind="observation", evidence="尚未开始"),
        409,
        "audit-status",
    )
    await moved(client, lead_auditor, audit, "start")
    problem(await move(client, lead_auditor, audit, "start"), 409, "audit-status")
    problem(await move(client, leader, audit, "close"), 409, "audit-status")


async def test_a_scope_without_a_document_in_force_does_not_start(
    client, admin, head, drafter, lead_auditor
):
    await finance_register(client, admin, drafter, head)
    body = plan_body(lead_auditor, departments=["后勤服务中心"])
    audit = await planned(client, admin, await programme(client, admin), body)
    problem(await move(client, admin, audit, "start"), 409, "audit-scope-empty")


async def test_a_finding_that_is_not_a_nonconformity_opens_none(
    client, admin, head, drafter, lead_auditor
):
    await finance_register(client, admin, drafter, head)
    audit = await planned(client, admin, await programme(client, admin), plan_body(lead_auditor))
    await moved(client, admin, audit, "start")
    [line, _] = await checklist(client, admin, audit)
    observation = await found(
        client, lead_auditor, audit, line_id=line["id"], kind="observation", evidence="台账字迹潦草"
    )
    problem(
        await open_nonconformity(client, admin, audit, observation),
        409,
        "nonconformity-findings-only",
    )
