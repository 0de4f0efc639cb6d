"""The rules around a campaign: who runs one, what its scope finds, the inputs it takes,
and a document the register abolished while the campaign ran."""

import pytest

from ledger_svc.config import Settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.main import create_app

from ..quality.quality_helpers import DOCUMENTS, Person, outbox_events, problem, register
from .cleanup_helpers import (
    CLEANUPS,
    decide,
    decided,
    decision_body,
    in_force,
    line_of,
    lines_of,
    open_cleanup,
)

pytestmark = pytest.mark.on_day("2026-03-02T10:00:00+08:00")


async def test_only_a_leader_an_admin_or_the_quality_office_runs_a_clean_up(
    client, leader, admin, head, drafter, owner, unit_staff
):
    await in_force(client, drafter, head, head)
    body = {"name": "制度清理", "departments": ["财务处"]}
    # The owning department's own staff do not decide their documents' fate.
    for who in (head, drafter):
        problem(await client.post(CLEANUPS, json=body, headers=who.headers), 403)
    problem(await client.post(CLEANUPS, json=body, headers=unit_staff.headers), 403)
    cleanup = await open_cleanup(client, admin, departments=["财务处"])
    [line] = (await lines_of(client, head, cleanup))["items"]
    for who in (head, drafter):
        problem(await decide(client, who, cleanup, line, owner), 403)
        problem(
            await client.post(f"{CLEANUPS}/{cleanup['id']}/close", json={}, headers=who.headers),
            403,
        )
    await decided(client, leader, cleanup, line, owner)
    closed = await client.post(f"{CLEANUPS}/{cleanup['id']}/close", json={}, headers=admin.headers)
    assert closed.status_code == 200, closed.text


async def test_the_quality_office_runs_a_clean_up_of_any_department(service_factory, token_mint):
    async with service_factory(
        create_app, Settings, MIGRATIONS, quality_office="质量管理办公室"
    ) as service:
        client = service.client
        keeper = Person(token_mint, "agent", department="质量管理办公室")
        head = Person(token_mint, "dept_head", department="财务处")
        owner = Person(token_mint, "agent", department="财务处")
        document = await register(client, keeper, head, code="GJ-CW-020")
        cleanup = await open_cleanup(client, keeper, kinds=["procedure"])
        [line] = (await lines_of(client, keeper, cleanup))["items"]
        assert line["document_id"] == document["id"]
        revised = await decided(client, keeper, cleanup, line, owner, "revise")
        assert revised["decision"]["revision_reused"] is True


async def test_a_scope_of_departments_and_kinds_lists_what_both_name(
    client, leader, admin, head, drafter
):
    await in_force(client, drafter, head, head, code="GJ-CW-010", kind="form")
    await in_force(client, drafter, head, head, code="GJ-CW-011", kind="procedure")
    await in_force(client, admin, leader, head, code="GJ-ZH-010", department="综合处", kind="form")
    forms = await open_cleanup(client, leader, kinds=["form"])
    assert [line["code"] for line in (await lines_of(client, leader, forms))["items"]] == [
        "GJ-ZH-010",
        "GJ-CW-010",
    ]
    finance_forms = await open_cleanup(client, leader, departments=["财务处"], kinds=["form"])
    assert finance_forms["document_count"] == 1
    everything = await open_cleanup(client, leader)
    assert (everything["document_count"], everything["departments"], everything["kinds"]) == (
        3,
        [],
        [],
    )
    empty = problem(
        await client.post(
            CLEANUPS, json={"name": "空", "departments": ["档案室"]}, headers=leader.headers
        ),
        409,
        "cleanup-scope-empty",
    )
    assert "scope" in empty["detail"]
    listed = (await client.get(CLEANUPS, headers=head.headers)).json()
    assert listed["total"] == 3
    assert listed["items"][0]["id"] == everything["id"]


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "清理", "kinds": ["memo"]},
        {"name": "清理", "departments": ["财务处", "财务处"]},
        {"name": "清理\u0007"},
        {"name": "清理", "scope": "all"},
    ],
)
async def test_a_campaign_s_name_and_scope_are_checked(client, leader, body):
    problem(await client.post(CLEANUPS, json=body, headers=leader.headers), 422)


@pytest.mark.parametrize(
    "fields",
    [
        {"decision": "postpone"},
        {"rationale": ""},
        {"rationale": None},
        {"owner_id": ""},
        {"deadline": "2026-13-01"},
        {"deadline": "1999-12-31"},
        {"deadline": 0},
        {"deadline": "2026-03-01"},  # yesterday
    ],
)
async def test_a_decision_s_fields_are_checked(client, leader, head, drafter, owner, fields):
    await in_force(client, drafter, head, head)
    cleanup = await open_cleanup(client, leader)
    [line] = (await lines_of(client, leader, cleanup))["items"]
    answer = await client.post(
        f"{CLEANUPS}/{cleanup['id']}/lines/{line['id']}/decision",
        json=decision_body(owner, **fields),
        headers=leader.headers,
    )
    problem(answer, 422)
    assert (await lines_of(client, leader, cleanup, decided="true"))["total"] == 0


async def test_a_line_is_decided_in_its_own_campaign(client, leader, head, drafter, owner):
    await in_force(client, drafter, head, head)
    first, second = await open_cleanup(client, leader), await open_cleanup(client, leader)
    [line] = (await lines_of(client, leader, first))["items"]
    problem(await decide(client, leader, second, line, owner), 404)
    problem(
        await client.get(f"{CLEANUPS}/{second['id']}/lines/{line['id']}", headers=leader.headers),
        404,
    )
    problem(await client.get(f"{CLEANUPS}/no-such-cleanup", headers=leader.headers), 404)


async def test_a_document_abolished_in_the_register_meanwhile_stays_on_the_list(
    client, session_factory, leader, head, drafter, owner
):
    document = await in_force(client, drafter, head, head, code="GJ-CW-030")
    await in_force(client, drafter, head, head, code="GJ-CW-031")
    cleanup = await open_cleanup(client, leader)
    abolished = await client.post(
        f"{DOCUMENTS}/{document['id']}/abolish",
        json={"reason": "上级文件废止"},
        headers=leader.headers,
    )
    assert abolished.status_code == 200, abolished.text
    line = await line_of(client, leader, cleanup, "GJ-CW-030")
    assert (line["status_at_opening"], line["document_status"]) == ("effective", "abolished")
    # Nothing to confirm, revise or supplement any more …
    for kind in ("confirm", "revise", "supplement"):
        problem(await decide(client, leader, cleanup, line, owner, kind), 409, "document-abolished")
    # … but the campaign records it abolished, and can close.
    recorded = await decided(client, leader, cleanup, line, owner, "abolish")
    assert recorded["decision"]["decision"] == "abolish"
    await decided(
        client, leader, cleanup, await line_of(client, leader, cleanup, "GJ-CW-031"), owner
    )
    closed = await client.post(f"{CLEANUPS}/{cleanup['id']}/close", json={}, headers=leader.headers)
    assert closed.status_code == 200, closed.text
    body = (await client.get(f"{DOCUMENTS}/{document['id']}", headers=head.headers)).json()
    # The register's abolition stands as it was made: not made twice.
    assert (body["abolish_reason"], body["version"]) == ("上级文件废止", document["version"] + 2)
    abolitions = await outbox_events(session_factory, prefix="ledger.procedure.abolished")
    assert [subject for _, subject, _ in abolitions] == [document["id"]]
    decisions = await outbox_events(session_factory, prefix="ledger.cleanup.decided")
    assert [data["already_abolished"] for _, _, data in decisions] == [True, False]


async def test_a_revise_decision_and_the_register_s_own_new_draft_do_not_both_open_one(
    client, leader, head, drafter, owner
):
    document = await in_force(client, drafter, head, head)
    cleanup = await open_cleanup(client, leader)
    [line] = (await lines_of(client, leader, cleanup))["items"]
    await decided(client, leader, cleanup, line, owner, "revise")
    problem(
        await client.post(
            f"{DOCUMENTS}/{document['id']}/revisions", json={}, headers=drafter.headers
        ),
        409,
        "one-revision-at-a-time",
    )
