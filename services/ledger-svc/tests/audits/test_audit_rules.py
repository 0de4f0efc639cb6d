"""The rules of planning and recording: one programme a year, an audit within its year,
auditors who do not audit their own work, findings shaped as ISO 9001 has them, who
plans, and a nonconformity opened once from a finding whatever runs at once."""

import asyncio

import pytest
from sqlalchemy import func, select

from ledger_svc.nonconformities.models import Nonconformity

from ..acknowledgements.acknowledgement_helpers import to_read
from ..quality.quality_helpers import problem
from .audit_helpers import (
    PROGRAMMES,
    checklist,
    finance_register,
    find,
    found,
    in_force,
    move,
    moved,
    open_nonconformity,
    plan,
    plan_body,
    planned,
    programme,
)

pytestmark = pytest.mark.on_day("2026-04-01T10:00:00+08:00")


async def test_one_programme_a_year_planned_by_a_leader_an_admin_or_the_quality_office(
    client, admin, leader, head, auditor
):
    await programme(client, leader, 2026)
    refused = await client.post(
        PROGRAMMES, json={"year": 2026, "title": "又一个"}, headers=admin.headers
    )
    problem(refused, 409, "one-programme-per-year")
    for who in (head, auditor):
        answer = await client.post(
            PROGRAMMES, json={"year": 2027, "title": "t"}, headers=who.headers
        )
        problem(answer, 403)


async def test_an_audit_is_planned_within_its_programmes_year(client, admin, lead_auditor):
    year = await programme(client, admin)
    refused = problem(
        await plan(client, admin, year, plan_body(lead_auditor, starts_on="2025-12-30")), 422
    )
    assert refused["errors"][0]["pointer"] == "#/starts_on"
    problem(
        await plan(
            client,
            admin,
            year,
            plan_body(lead_auditor, starts_on="2026-04-03", ends_on="2026-04-01"),
        ),
        422,
    )
    problem(await plan(client, admin, year, plan_body(lead_auditor, departments=[])), 422)


async def test_an_auditor_of_the_department_audited_is_refused(
    client, admin, head, drafter, lead_auditor, auditor
):
    await finance_register(client, admin, drafter, head)
    year = await programme(client, admin)
    body = plan_body(lead_auditor, [(drafter, "财务处")])
    refused = problem(await plan(client, admin, year, body), 409, "auditor-independence")
    assert (refused["auditor"], refused["department"]) == (drafter.id, "财务处")
    lead_of_it = plan_body(lead_auditor)
    lead_of_it["lead_auditor"]["department"] = "财务处"
    problem(await plan(client, admin, year, lead_of_it), 409, "auditor-independence")


async def test_an_auditor_owning_a_document_in_scope_is_refused(
    client, admin, head, drafter, lead_auditor, auditor
):
    """Of 办公室, but the owner of a procedure of 财务处: it would be their own work."""
    await finance_register(client, admin, drafter, head)
    await in_force(client, drafter, head, auditor, code="GJ-CW-005")
    year = await programme(client, admin)
    body = plan_body(lead_auditor, [(auditor, "办公室")])
    refused = problem(await plan(client, admin, year, body), 409, "auditor-independence")
    assert (refused["auditor"], refused["document"]) == (auditor.id, "GJ-CW-005")


async def test_a_process_in_scope_audits_the_departments_owning_its_procedures(
    client, admin, head, drafter, lead_auditor, auditor
):
    await finance_register(client, admin, drafter, head)
    year = await programme(client, admin)
    # 物业管理 is 物业管理处's process: its people do not audit it.
    body = plan_body(lead_auditor, departments=[], processes=["物业管理"])
    refused = problem(await plan(client, admin, year, body), 409, "auditor-independence")
    assert refused["department"] == "物业管理处"
    audit = await planned(
        client,
        admin,
        year,
        plan_body(auditor, departments=[], processes=["物业管理"])
        | {"lead_auditor": {"person_id": auditor.id, "department": "办公室"}},
    )
    started = await moved(client, auditor, audit, "start")
    assert started["audited_departments"] == ["物业管理处"]
    assert [line["code"] for line in await checklist(client, admin, audit)] == ["GJ-WY-001"]


async def test_the_department_ledger_svc_knows_a_person_in_counts_too(
    client, admin, head, drafter, token_mint
):
    """Named as of 办公室, but their token says 财务处 (they signed in to the console)."""
    await finance_register(client, admin, drafter, head)
    await to_read(client, drafter)
    year = await programme(client, admin)
    body = plan_body(drafter)
    body["lead_auditor"]["department"] = "办公室"
    refused = problem(await plan(client, admin, year, body), 409, "auditor-independence")
    assert refused["department"] == "财务处"


async def test_independence_is_checked_again_at_the_start(
    client, admin, head, drafter, lead_auditor, auditor
):
    """A procedure of the lead auditor's department joined the process after planning."""
    await finance_register(client, admin, drafter, head)
    year = await programme(client, admin)
    audit = await planned(
        client, admin, year, plan_body(lead_auditor, departments=[], processes=["财务管理"])
    )
    await in_force(
        client,
        admin,
        head,
        drafter,
        code="GJ-WY-002",
        department="物业管理处",
        process="财务管理",
    )
    problem(await move(client, admin, audit, "start"), 409, "auditor-independence")


async def test_findings_are_shaped_as_iso_9001_has_them(
    client, admin, head, drafter, lead_auditor, auditor, outsider
):
    await finance_register(client, admin, drafter, head)
    audit = await planned(
        client,
        admin,
        await programme(client, admin),
        plan_body(lead_auditor, [(auditor, "办公室")]),
    )
    await moved(client, admin, audit, "start")
    [line, _] = await checklist(client, admin, audit)

    problem(
        await find(client, auditor, audit, line_id=line["id"], kind="nonconformity", evidence="e"),
        422,
    )
    problem(
        await find(
            client,
            auditor,
            audit,
            line_id=line["id"],
            kind="observation",
            severity="minor",
            evidence="e",
        ),
        422,
    )
    missing = problem(
        await find(client, auditor, audit, kind="nonconformity", severity="major", evidence="e"),
        422,
    )
    assert missing["errors"][0]["pointer"] == "#/department"
    elsewhere = problem(
        await find(
            client,
            auditor,
            audit,
            kind="nonconformity",
            severity="major",
            evidence="e",
            department="物业管理处",
            procedure_code="GJ-WY-001",
        ),
        422,
    )
    assert elsewhere["errors"][0]["pointer"] == "#/department"
    unknown = problem(
        await find(
            client,
            auditor,
            audit,
            kind="nonconformity",
            severity="major",
            evidence="e",
            department="财务处",
            procedure_code="GJ-XX-404",
        ),
        422,
    )
    assert unknown["errors"][0]["pointer"] == "#/procedure_code"
    on_line = problem(
        await find(
            client,
            auditor,
            audit,
            line_id=line["id"],
            kind="conformity",
            evidence="e",
            department="财务处",
        ),
        422,
    )
    assert on_line["errors"][0]["pointer"] == "#/department"
    # Not on the team: refused, even to an admin.
    problem(await find(client, outsider, audit, kind="observation", evidence="e"), 404)
    problem(await find(client, admin, audit, kind="observation", evidence="e"), 403)
    major = await found(
        client,
        auditor,
        audit,
        kind="nonconformity",
        severity="major",
        evidence="未建立预算执行分析制度",
        department="财务处",
        procedure_code="GJ-CW-001",
    )
    assert (major["line_id"], major["severity"]) == (None, "major")


async def test_many_openings_of_a_nonconformity_from_one_finding_keep_one(
    client, session_factory, admin, leader, head, drafter, lead_auditor
):
    await finance_register(client, admin, drafter, head)
    audit = await planned(client, admin, await programme(client, admin), plan_body(lead_auditor))
    await moved(client, admin, audit, "start")
    [line, _] = await checklist(client, admin, audit)
    finding = await found(
        client,
        lead_auditor,
        audit,
        line_id=line["id"],
        kind="nonconformity",
        severity="minor",
        evidence="超标准报销1笔",
    )

    answers = await asyncio.gather(
        *(
            open_nonconformity(client, (admin, leader, head)[i % 3], audit, finding)
            for i in range(6)
        )
    )

    assert sorted(answer.status_code for answer in answers) == [201] + [409] * 5, [
        answer.text for answer in answers
    ]
    for answer in answers:
        if answer.status_code == 409:
            assert answer.json()["rule"] == "one-nonconformity-per-finding"
    async with session_factory() as session:
        count = await session.scalar(
            select(func.count()).where(Nonconformity.audit_finding_id == finding["id"])
        )
    assert count == 1


async def test_a_nonconformity_is_opened_from_a_finding_as_nonconformities_allow(
    client, admin, head, drafter, lead_auditor
):
    """nonconformities/policy.py: a keeper, a leader or the head of the department; the
    lead auditor of another department is not one of them."""
    await finance_register(client, admin, drafter, head)
    audit = await planned(client, admin, await programme(client, admin), plan_body(lead_auditor))
    await moved(client, admin, audit, "start")
    [line, _] = await checklist(client, admin, audit)
    finding = await found(
        client,
        lead_auditor,
        audit,
        line_id=line["id"],
        kind="nonconformity",
        severity="minor",
        evidence="超标准报销1笔",
    )
    for who in (lead_auditor, drafter):
        problem(await open_nonconformity(client, who, audit, finding), 403)
    opened = await open_nonconformity(client, head, audit, finding, description="报销审核不严")
    assert opened.status_code == 201, opened.text
    assert opened.json()["description"] == "报销审核不严"
