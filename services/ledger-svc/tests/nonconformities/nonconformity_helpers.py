"""What the nonconformity tests share: people, paths, bodies, fixed days, moves made at a
frozen moment, and the events the outbox holds."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, time, timedelta
from datetime import date as Date

from sqlalchemy import select

from guanjia_shared.clock import frozen_at
from guanjia_shared.platform_tables import outbox
from guanjia_shared.testing.tokens import Person as Person

NONCONFORMITIES = "/api/v1/ledger/quality/nonconformities"
DOCUMENTS = "/api/v1/ledger/quality/documents"
ITEMS = "/api/v1/ledger/items"
FINANCE = "财务处"
PROPERTY = "物业管理处"
QUALITY_OFFICE = "质量管理办公室"
CODE = "GJ-CW-001"


def bureau_morning(day: str) -> datetime:
    """09:00 in Asia/Shanghai on `day`, as a UTC moment (to freeze the clock at)."""
    return datetime.combine(Date.fromisoformat(day), time(9), tzinfo=UTC) - timedelta(hours=8)


async def on(day, client, method, path, who, body=None, **headers):
    """One call made on `day` (09:00 in the bureau; the service's clock frozen for it)."""
    with frozen_at(bureau_morning(day)):
        kwargs = {"headers": {**who.headers, **headers}}
        if body is not None:
            kwargs["json"] = body
        return await client.request(method, path, **kwargs)


async def register_document(client, admin, code=CODE, department=FINANCE):
    answer = await client.post(
        DOCUMENTS,
        json={
            "code": code,
            "kind": "procedure",
            "department": department,
            "owner_id": admin.id,
            "title": "差旅费报销办理流程",
        },
        headers=admin.headers,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def opening(**fields):
    return {
        "source": "audit",
        "audit_finding_id": str(uuid.uuid4()),
        "procedure_code": CODE,
        "department": FINANCE,
        "description": "抽查 20 份报销单，3 份缺少分管领导审批签字",
        **fields,
    }


async def open_one(client, who, day="2026-03-02", **fields):
    answer = await on(day, client, "POST", NONCONFORMITIES, who, opening(**fields))
    assert answer.status_code == 201, answer.text
    return answer.json()


def url(nonconformity, move=""):
    return f"{NONCONFORMITIES}/{nonconformity['id']}{'/' + move if move else ''}"


async def contain(client, who, nonconformity, day="2026-03-02"):
    return await on(
        day,
        client,
        "POST",
        url(nonconformity, "containment"),
        who,
        {"containment": "退回 3 份报销单补签"},
    )


async def analyse(client, who, nonconformity, day="2026-03-03", **fields):
    body = {"root_cause": "审批节点未在系统中强制", "similar_elsewhere": False, **fields}
    return await on(day, client, "POST", url(nonconformity, "root-cause"), who, body)


async def add_action(client, who, owner, nonconformity, day="2026-03-04", **fields):
    body = {
        "title": "报销系统增加分管领导审批节点",
        "owner_id": owner.id,
        "deadline": "2026-03-31",
        **fields,
    }
    return await on(day, client, "POST", url(nonconformity, "actions"), who, body)


async def finish(client, owner, action, day="2026-03-20"):
    answer = await on(
        day,
        client,
        "POST",
        f"{ITEMS}/{action['item_id']}/progress",
        owner,
        {"percent": 100, "note": "已上线"},
    )
    assert answer.status_code == 201, answer.text


async def start_check(client, who, nonconformity, day="2026-03-21"):
    return await on(day, client, "POST", url(nonconformity, "effectiveness-check"), who)


async def verdict(client, who, nonconformity, day="2026-04-20", effective=True, **fields):
    body = {"effective": effective, "evidence": "4 月抽查 30 份，均有审批签字", **fields}
    return await on(day, client, "POST", url(nonconformity, "verdict"), who, body)


async def close(client, who, nonconformity, day="2026-04-21", **body):
    return await on(day, client, "POST", url(nonconformity, "close"), who, body)


async def read(client, who, nonconformity):
    answer = await client.get(url(nonconformity), headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def problem(answer, status, rule=None):
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert answer.headers["content-type"].startswith("application/problem+json")
    if rule is not None:
        assert body["rule"] == rule, body
    return body


async def outbox_events(session_factory, prefix="ledger.nonconformity."):
    """The events of `prefix` in the outbox, in order: (short type, subject, data)."""
    async with session_factory() as session:
        rows = (
            await session.execute(
                select(outbox.c.envelope)
                .where(outbox.c.event_type.like(f"%{prefix}%"))
                .order_by(outbox.c.seq)
            )
        ).scalars()
        events = [json.loads(row) for row in rows]
    return [
        (
            event["type"].removeprefix("gov.guanjia.").removesuffix(".v1"),
            event["subject"],
            event["data"],
        )
        for event in events
    ]
