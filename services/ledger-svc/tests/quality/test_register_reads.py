"""Who reads what in the register: the bureau every document in force and its history,
the work on its way only the owning department, the keepers, leaders, auditors and the
named approvers; a served unit's staff the documents published to the units."""

import pytest

from ledger_svc.config import Settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.main import create_app

from .quality_helpers import (
    DOCUMENTS,
    Person,
    approve,
    problem,
    register,
    revision_url,
    submit,
)

pytestmark = pytest.mark.on_day("2026-03-02T10:00:00+08:00")


async def in_force(client, drafter, head, **fields):
    document = await register(client, drafter, head, **fields)
    await submit(client, drafter, document, 1, [head])
    await approve(client, head, document, 1)
    return document


async def test_drafts_are_their_department_s_and_documents_in_force_everyone_s(
    client, token_mint, drafter, head, outsider, unit_staff, leader
):
    published = await in_force(client, drafter, head, code="GJ-LC-001", published_to_units=True)
    internal = await in_force(client, drafter, head, code="GJ-LC-002")
    draft = await register(client, drafter, head, code="GJ-LC-003")
    started = await client.post(
        f"{DOCUMENTS}/{internal['id']}/revisions", json={"title": "修订稿"}, headers=drafter.headers
    )
    assert started.status_code == 201, started.text

    def codes(answer):
        assert answer.status_code == 200, answer.text
        return [d["code"] for d in answer.json()["items"]]

    assert codes(await client.get(DOCUMENTS, headers=outsider.headers)) == [
        "GJ-LC-001",
        "GJ-LC-002",
    ]
    assert codes(await client.get(DOCUMENTS, headers=unit_staff.headers)) == ["GJ-LC-001"]
    drafts = {"status": "draft"}
    assert codes(await client.get(DOCUMENTS, params=drafts, headers=outsider.headers)) == []
    assert codes(await client.get(DOCUMENTS, params=drafts, headers=drafter.headers)) == [
        "GJ-LC-003"
    ]
    assert codes(await client.get(DOCUMENTS, params=drafts, headers=leader.headers)) == [
        "GJ-LC-003"
    ]
    assert codes(await client.get(DOCUMENTS, params={"q": "lc-002"}, headers=leader.headers)) == [
        "GJ-LC-002"
    ]

    problem(await client.get(f"{DOCUMENTS}/{draft['id']}", headers=outsider.headers), 404)
    problem(await client.get(f"{DOCUMENTS}/{internal['id']}", headers=unit_staff.headers), 404)
    seen = await client.get(f"{DOCUMENTS}/{published['id']}", headers=unit_staff.headers)
    assert seen.status_code == 200 and seen.json()["effective"]["number"] == 1
    # The revision on its way: its department's, not another's.
    problem(await client.get(revision_url(internal, 2), headers=outsider.headers), 404)
    assert (await client.get(revision_url(internal, 2), headers=drafter.headers)).json()[
        "title"
    ] == "修订稿"
    history = await client.get(f"{DOCUMENTS}/{internal['id']}/revisions", headers=outsider.headers)
    assert [r["number"] for r in history.json()] == [1]
    problem(
        await client.get(
            f"{DOCUMENTS}/{internal['id']}/diff",
            params={"from": 1, "to": 2},
            headers=outsider.headers,
        ),
        404,
    )

    client_token = Person(token_mint, "integration", unit_id="unit-1")
    problem(await client.get(DOCUMENTS, headers=client_token.headers), 403)


async def test_the_quality_office_keeps_the_register(service_factory, token_mint):
    async with service_factory(
        create_app, Settings, MIGRATIONS, quality_office="质量管理办公室"
    ) as service:
        client = service.client
        keeper = Person(token_mint, "agent", department="质量管理办公室")
        head = Person(token_mint, "dept_head", department="财务处")
        drafter = Person(token_mint, "agent", department="财务处")
        # The quality office enters any department's documents and keeps their register.
        document = await register(client, keeper, head, code="GJ-CW-009")
        await submit(client, keeper, document, 1, [head])
        await approve(client, head, document, 1)
        url = f"{DOCUMENTS}/{document['id']}"
        moved = await client.patch(
            url,
            json={"owner_id": drafter.id, "next_review_on": "2026-12-01"},
            headers=keeper.headers,
        )
        assert moved.status_code == 200, moved.text
        assert (moved.json()["owner_id"], moved.json()["next_review_on"]) == (
            drafter.id,
            "2026-12-01",
        )
        assert moved.headers["etag"] == f'"{moved.json()["version"]}"'
        # A department's own staff draft, but the register's fields are the office's.
        problem(
            await client.patch(url, json={"published_to_units": True}, headers=head.headers), 403
        )
        problem(
            await client.patch(url, json={"next_review_on": "2026-01-01"}, headers=keeper.headers),
            422,
        )
