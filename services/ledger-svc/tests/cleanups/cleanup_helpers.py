"""What the clean-up tests share: paths, a register laid down through its own routes, and
the calls of a campaign."""

from __future__ import annotations

from ..quality.quality_helpers import DOCUMENTS, approve, register, submit

CLEANUPS = "/api/v1/ledger/quality/cleanups"


async def in_force(client, drafter, approver, owner, **fields):
    """A document entered, submitted and approved: in force (its effective date passed)."""
    document = await register(client, drafter, owner, **fields)
    await submit(client, drafter, document, 1, [approver])
    await approve(client, approver, document, 1)
    return document


async def open_cleanup(client, who, **body):
    answer = await client.post(
        CLEANUPS, json={"name": "2026年制度清理", **body}, headers=who.headers
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


async def lines_of(client, who, cleanup, **params):
    answer = await client.get(
        f"{CLEANUPS}/{cleanup['id']}/lines", params=params, headers=who.headers
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def line_of(client, who, cleanup, code):
    [line] = [
        line for line in (await lines_of(client, who, cleanup))["items"] if line["code"] == code
    ]
    return line


def decision_body(owner, decision="confirm", **fields):
    return {
        "decision": decision,
        "rationale": "内容成熟有效,继续执行",
        "owner_id": owner.id,
        "deadline": "2026-06-30",
        **fields,
    }


async def decide(client, who, cleanup, line, owner, decision="confirm", **fields):
    return await client.post(
        f"{CLEANUPS}/{cleanup['id']}/lines/{line['id']}/decision",
        json=decision_body(owner, decision, **fields),
        headers=who.headers,
    )


async def decided(client, who, cleanup, line, owner, decision="confirm", **fields):
    answer = await decide(client, who, cleanup, line, owner, decision, **fields)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def document(client, who, document_id):
    answer = await client.get(f"{DOCUMENTS}/{document_id}", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()
