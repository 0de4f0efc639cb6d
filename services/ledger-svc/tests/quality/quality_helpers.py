"""What the procedure register's tests share: people, paths, bodies, fixed times, and the
events the outbox holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from datetime import date as Date

from sqlalchemy import select

from guanjia_shared.platform_tables import outbox
from guanjia_shared.testing.tokens import Person as Person
from ledger_svc.quality.jobs import PROCEDURE_JOB

DOCUMENTS = "/api/v1/ledger/quality/documents"

FINANCE_RULES = """第一条 为规范机关财务报销,制定本办法。
第二条 报销须附合规票据。
第三条 单笔五千元以上须经分管领导审批。
第四条 本办法自印发之日起施行。"""


def bureau_morning(day: str) -> datetime:
    """09:00 in Asia/Shanghai on `day`, as a UTC moment (to freeze the clock at)."""
    return datetime.combine(Date.fromisoformat(day), time(9), tzinfo=UTC) - timedelta(hours=8)


def document_body(owner, **fields):
    return {
        "code": "GJ-CW-001",
        "kind": "procedure",
        "department": "财务处",
        "owner_id": owner.id,
        "title": "差旅费报销办理流程",
        "process": "财务管理",
        "legal_basis": "《党政机关厉行节约反对浪费条例》",
        "text": FINANCE_RULES,
        "effective_on": "2026-03-01",
        "next_review_on": "2027-03-01",
        **fields,
    }


async def register(client, who, owner, **fields):
    answer = await client.post(DOCUMENTS, json=document_body(owner, **fields), headers=who.headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def revision_url(document, number):
    return f"{DOCUMENTS}/{document['id']}/revisions/{number}"


async def submit(client, who, document, number, approvers, mode="sequence"):
    answer = await client.post(
        f"{revision_url(document, number)}/submit",
        json={"approvers": [person.id for person in approvers], "approval_mode": mode},
        headers=who.headers,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def decide(client, who, document, number, verdict="approve", **body):
    return await client.post(
        f"{revision_url(document, number)}/{verdict}", json=body, headers=who.headers
    )


async def approve(client, who, document, number):
    answer = await decide(client, who, document, number)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def outbox_events(session_factory, prefix="ledger.procedure."):
    """The register's events in the outbox, in order: (short type, subject, data)."""
    async with session_factory() as session:
        rows = (
            await session.execute(
                select(outbox.c.envelope)
                .where(outbox.c.event_type.like(f"%{prefix}%"))
                .order_by(outbox.c.seq)
            )
        ).scalars()
        events = [json.loads(row) for row in rows]
    return [(_short(event["type"]), event["subject"], event["data"]) for event in events]


def _short(cloud_event_type: str) -> str:
    # gov.guanjia.ledger.procedure.submitted.v1 → ledger.procedure.submitted
    return cloud_event_type.removeprefix("gov.guanjia.").removesuffix(".v1")


async def tick(running_service) -> int:
    """One tick of the register's job, as the loop runs it."""
    return await running_service.app.state.periodic_jobs[PROCEDURE_JOB].run_once()


def problem(answer, status, rule=None):
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert answer.headers["content-type"].startswith("application/problem+json")
    if rule is not None:
        assert body["rule"] == rule, body
    return body
