"""What the read-and-acknowledge tests share: a document in force, its distribution, and
the calls of a reader."""

from __future__ import annotations

from ..quality.quality_helpers import DOCUMENTS, approve, register, submit

TO_READ = "/api/v1/ledger/quality/to-read"


async def in_force(client, drafter, approver, owner, **fields):
    """A document entered, submitted and approved: in force (its effective date passed)."""
    document = await register(client, drafter, owner, **fields)
    await submit(client, drafter, document, 1, [approver])
    await approve(client, approver, document, 1)
    return document


async def distribute(client, who, document, roles=(), departments=()):
    return await client.post(
        f"{DOCUMENTS}/{document['id']}/distribution",
        json={"roles": list(roles), "departments": list(departments)},
        headers=who.headers,
    )


async def distributed(client, who, document, roles=(), departments=()):
    answer = await distribute(client, who, document, roles, departments)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def acknowledge(client, who, document, revision=1):
    return await client.post(
        f"{DOCUMENTS}/{document['id']}/acknowledgements",
        json={"revision": revision},
        headers=who.headers,
    )


async def to_read(client, who, **params):
    answer = await client.get(TO_READ, params=params, headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def reading(client, who, document):
    answer = await client.get(f"{DOCUMENTS}/{document['id']}/reading", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()
