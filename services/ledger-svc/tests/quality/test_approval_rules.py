"""Who approves a revision, in which order, and what a rejection does."""

import pytest

from .quality_helpers import (
    DOCUMENTS,
    approve,
    decide,
    outbox_events,
    problem,
    register,
    revision_url,
    submit,
)

pytestmark = pytest.mark.on_day("2026-03-02T10:00:00+08:00")


async def test_all_approvers_in_any_order_and_a_rejection_sends_it_back_to_draft(
    client, session_factory, drafter, head, leader, deputy
):
    document = await register(client, drafter, head, kind="regulation", code="GJ-ZD-007")
    await submit(client, drafter, document, 1, [leader, deputy], mode="all")

    rejected = await decide(client, deputy, document, 1, "reject", reason="第三条权限表述不清")
    assert rejected.status_code == 200, rejected.text
    body = rejected.json()
    assert (body["status"], body["rejection_reason"], body["rejected_by"]) == (
        "draft",
        "第三条权限表述不清",
        deputy.id,
    )
    # Back in draft, it may be edited again; the leader's turn is over with the round.
    problem(await decide(client, leader, document, 1), 409, "decide-in-review")
    edited = await client.patch(
        revision_url(document, 1),
        json={"text": "第三条 单笔五千元以上须经局长审批。"},
        headers=drafter.headers,
    )
    assert edited.status_code == 200, edited.text

    second_round = await submit(client, drafter, document, 1, [leader, deputy], mode="all")
    assert second_round["round"] == 2
    assert sorted(second_round["awaiting"]) == sorted([leader.id, deputy.id])
    # Any order: the second named approves first.
    after_deputy = await approve(client, deputy, document, 1)
    assert after_deputy["awaiting"] == [leader.id]
    done = await approve(client, leader, document, 1)
    assert done["status"] == "effective"
    assert [(a["round"], a["approver_id"], a["decision"]) for a in done["approvals"]] == [
        (2, leader.id, "approved"),
        (2, deputy.id, "approved"),
    ]
    events = await outbox_events(session_factory)
    assert [kind for kind, _, _ in events] == [
        "ledger.procedure.submitted",
        "ledger.procedure.rejected",
        "ledger.procedure.submitted",
        "ledger.procedure.approval_recorded",
        "ledger.procedure.approved",
        "ledger.procedure.effective",
    ]
    assert events[1][2]["reason"] == "第三条权限表述不清"
    assert events[1][2]["revision"]["status"] == "draft"


async def test_the_author_never_approves_their_own_and_regulations_are_the_leaders(
    client, session_factory, drafter, head, leader, admin
):
    regulation = await register(client, head, head, kind="regulation", code="GJ-ZD-008")
    # The author (or whoever submits) is not among the approvers.
    named_self = await client.post(
        f"{revision_url(regulation, 1)}/submit",
        json={"approvers": [leader.id, head.id]},
        headers=head.headers,
    )
    assert problem(named_self, 422)["errors"] == [
        {
            "detail": "the author or submitter of a revision does not approve it",
            "pointer": "#/approvers/1",
        }
    ]
    twice = await client.post(
        f"{revision_url(regulation, 1)}/submit",
        json={"approvers": [leader.id, leader.id]},
        headers=drafter.headers,
    )
    assert problem(twice, 422)["errors"][0]["pointer"] == "#/approvers/1"

    await submit(client, drafter, regulation, 1, [admin, leader])
    # The author is refused by name of the rule, even where a role would let them.
    problem(await decide(client, head, regulation, 1), 403, "author-does-not-approve")
    # Not named: not theirs to decide.
    problem(await decide(client, drafter, regulation, 1), 403, "author-does-not-approve")
    problem(
        await decide(client, admin, regulation, 1, "reject", reason="x"),
        403,
        "leaders-approve-regulations",
    )

    procedure = await register(client, drafter, head, code="GJ-LC-002")
    await submit(client, drafter, procedure, 1, [head])
    problem(await decide(client, leader, procedure, 1), 403, "named-approvers-only")
    # A procedure (办事流程) is its department head's to approve.
    assert (await approve(client, head, procedure, 1))["status"] == "effective"

    # Nothing the refusals tried was written.
    read = await client.get(revision_url(regulation, 1), headers=leader.headers)
    assert read.json()["status"] == "in_review"
    assert [a["decision"] for a in read.json()["approvals"]] == [None, None]
    assert [kind for kind, _, _ in await outbox_events(session_factory)] == [
        "ledger.procedure.submitted",
        "ledger.procedure.submitted",
        "ledger.procedure.approved",
        "ledger.procedure.effective",
    ]
    listed = await client.get(DOCUMENTS, params={"status": "draft"}, headers=leader.headers)
    assert [d["code"] for d in listed.json()["items"]] == ["GJ-ZD-008"]
