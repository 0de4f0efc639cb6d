"""What the audit tests share: the register laid down through its own routes, a programme
and an audit of 财务处, and the calls of an audit."""

from __future__ import annotations

from ..quality.quality_helpers import approve, register, submit

QUALITY = "/api/v1/ledger/quality"
PROGRAMMES = f"{QUALITY}/audit-programmes"
AUDITS = f"{QUALITY}/audits"


async def in_force(client, drafter, approver, owner, **fields):
    document = await register(client, drafter, owner, **fields)
    await submit(client, drafter, document, 1, [approver])
    await approve(client, approver, document, 1)
    return document


async def finance_register(client, admin, drafter, head):
    """Two procedures of 财务处 in force (process 财务管理), one of 物业管理处 (物业管理),
    and a draft of 财务处 never in force."""
    return {
        "cw1": await in_force(client, drafter, head, drafter, code="GJ-CW-001"),
        "cw2": await in_force(
            client, drafter, head, drafter, code="GJ-CW-002", title="公务卡结算流程"
        ),
        "wy1": await in_force(
            client,
            admin,
            head,
            drafter,
            code="GJ-WY-001",
            department="物业管理处",
            process="物业管理",
            title="物业报修流程",
        ),
        "draft": await register(client, drafter, drafter, code="GJ-CW-009"),
    }


async def programme(client, who, year=2026):
    answer = await client.post(
        PROGRAMMES, json={"year": year, "title": f"{year}年内部审核方案"}, headers=who.headers
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def plan_body(lead, auditors=(), **fields):
    return {
        "title": "财务处内部审核",
        "departments": ["财务处"],
        "lead_auditor": {"person_id": lead.id, "department": "物业管理处"},
        "auditors": [
            {"person_id": person.id, "department": department} for person, department in auditors
        ],
        "starts_on": "2026-04-01",
        "ends_on": "2026-04-03",
        **fields,
    }


async def plan(client, who, programme_, body):
    return await client.post(
        f"{PROGRAMMES}/{programme_['id']}/audits", json=body, headers=who.headers
    )


async def planned(client, who, programme_, body):
    answer = await plan(client, who, programme_, body)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def move(client, who, audit, verb, body=None):
    return await client.post(f"{AUDITS}/{audit['id']}/{verb}", json=body or {}, headers=who.headers)


async def moved(client, who, audit, verb, body=None):
    answer = await move(client, who, audit, verb, body)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def checklist(client, who, audit):
    answer = await client.get(f"{AUDITS}/{audit['id']}/checklist", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def find(client, who, audit, **body):
    return await client.post(f"{AUDITS}/{audit['id']}/findings", json=body, headers=who.headers)


async def found(client, who, audit, **body):
    answer = await find(client, who, audit, **body)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def open_nonconformity(client, who, audit, finding, **body):
    return await client.post(
        f"{AUDITS}/{audit['id']}/findings/{finding['id']}/nonconformity",
        json=body,
        headers=who.headers,
    )
