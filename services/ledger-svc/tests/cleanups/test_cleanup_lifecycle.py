"""A clean-up campaign from opening to closing: the documents in scope listed once, each
decided once — confirmed, abolished in the register, revised and supplemented through new
drafts (or the one already on its way) — progress by department, and the close refused
while any is undecided."""

import pytest

from ..quality.quality_helpers import (
    DOCUMENTS,
    outbox_events,
    problem,
    register,
    revision_url,
)
from .cleanup_helpers import (
    CLEANUPS,
    decide,
    decided,
    document,
    in_force,
    line_of,
    lines_of,
    open_cleanup,
)

pytestmark = pytest.mark.on_day("2026-03-02T10:00:00+08:00")

ZERO = {"confirm": 0, "abolish": 0, "revise": 0, "supplement": 0}


async def test_a_campaign_lists_its_scope_decides_each_document_once_and_closes_when_all_are(
    client, session_factory, admin, leader, head, drafter, outsider, owner
):
    await in_force(client, drafter, head, head, code="GJ-CW-001")
    outdated = await in_force(client, drafter, head, head, code="GJ-CW-002", kind="form")
    to_revise = await in_force(client, drafter, head, head, code="GJ-CW-003")
    under_way = await in_force(client, drafter, head, head, code="GJ-CW-004")
    started = await client.post(
        f"{DOCUMENTS}/{under_way['id']}/revisions",
        json={"title": "修订中"},
        headers=drafter.headers,
    )
    assert started.status_code == 201, started.text
    never_in_force = await register(client, drafter, head, code="GJ-CW-005")
    gone = await in_force(client, drafter, head, head, code="GJ-CW-006")
    abolished = await client.post(
        f"{DOCUMENTS}/{gone['id']}/abolish", json={"reason": "已过时"}, headers=leader.headers
    )
    assert abolished.status_code == 200, abolished.text
    property_rule = await in_force(
        client, outsider, leader, head, code="GJ-WY-001", department="物业管理处"
    )
    await in_force(client, admin, leader, head, code="GJ-ZH-001", department="综合处")

    cleanup = await open_cleanup(client, leader, departments=["财务处", "物业管理处"])
    assert (cleanup["status"], cleanup["document_count"]) == ("open", 6)
    assert cleanup["departments"] == ["财务处", "物业管理处"] and cleanup["kinds"] == []
    url = f"{CLEANUPS}/{cleanup['id']}"

    # The list is a snapshot: a document entered afterwards does not join it.
    await in_force(client, drafter, head, head, code="GJ-CW-007")
    listed = await lines_of(client, leader, cleanup)
    assert listed["total"] == 6
    assert [(line["department"], line["code"]) for line in listed["items"]] == [
        ("物业管理处", "GJ-WY-001"),
        ("财务处", "GJ-CW-001"),
        ("财务处", "GJ-CW-002"),
        ("财务处", "GJ-CW-003"),
        ("财务处", "GJ-CW-004"),
        ("财务处", "GJ-CW-005"),
    ]
    assert all(line["decision"] is None for line in listed["items"])
    first = listed["items"][1]
    assert (first["status_at_opening"], first["effective_revision"], first["owner_id"]) == (
        "effective",
        1,
        head.id,
    )
    assert listed["items"][5]["status_at_opening"] == "draft"

    refused = problem(
        await client.post(f"{url}/close", json={}, headers=leader.headers),
        409,
        "every-document-decided",
    )
    assert refused["undecided"] == 6

    async def line(code):
        return await line_of(client, leader, cleanup, code)

    # 确认: the document stays as it is.
    kept = await decided(client, leader, cleanup, await line("GJ-CW-001"), owner)
    assert kept["decision"]["decision"] == "confirm"
    assert kept["decision"]["owner_id"] == owner.id and kept["decision"]["decided_by"] == leader.id
    assert kept["document_status"] == "effective"
    again = problem(
        await decide(client, leader, cleanup, await line("GJ-CW-001"), owner, "abolish"),
        409,
        "decide-exactly-once",
    )
    assert "GJ-CW-001" in again["detail"]

    # 废止: abolished in the register, with the rationale as its reason.
    dropped = await decided(
        client,
        leader,
        cleanup,
        await line("GJ-CW-002"),
        owner,
        "abolish",
        rationale="已被《机关财务管理办法》取代",
    )
    assert dropped["document_status"] == "abolished"
    body = await document(client, leader, outdated["id"])
    assert (body["status"], body["abolish_reason"], body["abolished_by"]) == (
        "abolished",
        "已被《机关财务管理办法》取代",
        leader.id,
    )

    # 修订: a new draft from the revision in force, for the decision's owner to write.
    revised = await decided(
        client,
        leader,
        cleanup,
        await line("GJ-CW-003"),
        owner,
        "revise",
        rationale="审批权限与新规不符,需修订",
        deadline="2026-05-31",
    )
    assert (revised["decision"]["revision_number"], revised["decision"]["revision_reused"]) == (
        2,
        False,
    )
    draft = (await client.get(revision_url(to_revise, 2), headers=drafter.headers)).json()
    assert (draft["status"], draft["author_id"], draft["change_reason"]) == (
        "draft",
        owner.id,
        "审批权限与新规不符,需修订",
    )
    assert draft["text"] == (await document(client, head, to_revise["id"]))["effective"]["text"]

    # 补充 of a document whose revision is on its way already: that one carries on.
    supplemented = await decided(
        client, leader, cleanup, await line("GJ-CW-004"), owner, "supplement"
    )
    assert (
        supplemented["decision"]["revision_number"],
        supplemented["decision"]["revision_reused"],
    ) == (2, True)
    revisions = (
        await client.get(f"{DOCUMENTS}/{under_way['id']}/revisions", headers=head.headers)
    ).json()
    assert [(r["number"], r["status"], r["title"]) for r in revisions][-1] == (2, "draft", "修订中")
    assert len(revisions) == 2

    # A document never in force has nothing to confirm; its draft carries on with revise.
    problem(
        await decide(client, leader, cleanup, await line("GJ-CW-005"), owner),
        409,
        "confirm-documents-in-force",
    )
    carried = await decided(client, leader, cleanup, await line("GJ-CW-005"), owner, "revise")
    assert carried["decision"]["revision_number"] == 1 and carried["decision"]["revision_reused"]
    assert (await document(client, head, never_in_force["id"]))["status"] == "draft"

    progress = (await client.get(f"{url}/progress", headers=leader.headers)).json()
    assert progress == {
        "cleanup_id": cleanup["id"],
        "status": "open",
        "in_scope": 6,
        "decided": 5,
        "by_decision": {"confirm": 1, "abolish": 1, "revise": 2, "supplement": 1},
        "departments": [
            {"department": "物业管理处", "in_scope": 1, "decided": 0, "by_decision": ZERO},
            {
                "department": "财务处",
                "in_scope": 5,
                "decided": 5,
                "by_decision": {"confirm": 1, "abolish": 1, "revise": 2, "supplement": 1},
            },
        ],
    }
    undecided = await lines_of(client, leader, cleanup, decided="false")
    assert [line["code"] for line in undecided["items"]] == ["GJ-WY-001"]
    refused = problem(
        await client.post(f"{url}/close", json={}, headers=leader.headers),
        409,
        "every-document-decided",
    )
    assert refused["undecided"] == 1

    await decided(client, leader, cleanup, await line("GJ-WY-001"), owner)
    closed = await client.post(
        f"{url}/close", json={"note": "清理完毕"}, headers={**leader.headers, "If-Match": '"1"'}
    )
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["close_note"]) == ("closed", "清理完毕")
    assert closed.headers["etag"] == '"2"'
    problem(
        await client.post(f"{url}/close", json={}, headers=leader.headers), 409, "cleanup-closed"
    )
    problem(
        await decide(client, leader, cleanup, await line("GJ-CW-001"), owner),
        409,
        "cleanup-closed",
    )
    revisited = (await client.get(f"{url}/progress", headers=leader.headers)).json()
    assert (revisited["status"], revisited["decided"], revisited["in_scope"]) == ("closed", 6, 6)
    assert (await client.get(CLEANUPS, params={"status": "closed"}, headers=head.headers)).json()[
        "total"
    ] == 1

    events = await outbox_events(session_factory, prefix="ledger.cleanup.")
    assert [(kind, subject) for kind, subject, _ in events] == [
        ("ledger.cleanup.opened", cleanup["id"]),
        *[("ledger.cleanup.decided", cleanup["id"])] * 6,
        ("ledger.cleanup.closed", cleanup["id"]),
    ]
    opened = events[0][2]
    assert opened["in_scope_by_department"] == {"物业管理处": 1, "财务处": 5}
    assert opened["actor"] == leader.id and opened["document_count"] == 6
    decisions = [data for kind, _, data in events if kind == "ledger.cleanup.decided"]
    assert [(d["code"], d["decision"], d["revision_number"]) for d in decisions] == [
        ("GJ-CW-001", "confirm", None),
        ("GJ-CW-002", "abolish", None),
        ("GJ-CW-003", "revise", 2),
        ("GJ-CW-004", "supplement", 2),
        ("GJ-CW-005", "revise", 1),
        ("GJ-WY-001", "confirm", None),
    ]
    assert decisions[1]["document_id"] == outdated["id"] and decisions[1]["owner_id"] == owner.id
    assert events[-1][2]["decided"] == {"confirm": 2, "abolish": 1, "revise": 2, "supplement": 1}
    assert property_rule["id"] == decisions[5]["document_id"]
    # The abolition is the register's own, with its event, in the decision's transaction.
    register_events = await outbox_events(session_factory, prefix="ledger.procedure.abolished")
    assert [(subject, data["reason"]) for _, subject, data in register_events] == [
        (gone["id"], "已过时"),
        (outdated["id"], "已被《机关财务管理办法》取代"),
    ]
