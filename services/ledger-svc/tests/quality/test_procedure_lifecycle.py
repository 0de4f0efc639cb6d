"""The procedure register's lifecycle: a document drafted, submitted, approved by its
approvers in order, in force; revised, approved ahead of its effective date and put in
force by the job on the day, superseding the first; the diff between them; abolished."""

from guanjia_shared.clock import frozen_at

from .quality_helpers import (
    DOCUMENTS,
    FINANCE_RULES,
    approve,
    bureau_morning,
    decide,
    outbox_events,
    problem,
    register,
    revision_url,
    submit,
    tick,
)

REVISED_RULES = FINANCE_RULES.replace("五千元", "三千元").replace(
    "第四条 本办法自印发之日起施行。",
    "第四条 电子票据与纸质票据同等有效。\n第五条 本办法自印发之日起施行。",
)


async def test_a_document_goes_from_draft_to_force_and_is_revised_superseded_and_abolished(
    client, running_service, session_factory, drafter, head, leader, admin, outsider
):
    with frozen_at(bureau_morning("2026-02-10")):
        document = await register(client, drafter, head)
        assert (document["status"], document["effective_revision"]) == ("draft", None)
        url = f"{DOCUMENTS}/{document['id']}"
        edited = await client.patch(
            revision_url(document, 1), json={"title": "差旅费报销流程"}, headers=drafter.headers
        )
        assert edited.status_code == 200, edited.text
        assert edited.json()["version"] == 2 and edited.headers["etag"] == '"2"'
        # Saving a draft tells nobody.
        assert await outbox_events(session_factory) == []
        # A draft is not in the register's default view (documents in force) …
        listed = await client.get(DOCUMENTS, headers=drafter.headers)
        assert listed.json() == {"items": [], "total": 0}
        # … nor readable by another department.
        problem(await client.get(url, headers=outsider.headers), 404)

        submitted = await submit(client, drafter, document, 1, [head, leader])
        assert submitted["status"] == "in_review" and submitted["round"] == 1
        assert submitted["awaiting"] == [head.id]

    with frozen_at(bureau_morning("2026-02-20")):
        # The second approver waits for the first.
        problem(await decide(client, leader, document, 1), 409, "decide-in-order")
        first = await approve(client, head, document, 1)
        assert first["status"] == "in_review" and first["awaiting"] == [leader.id]
        problem(await decide(client, head, document, 1), 409, "decide-once")

    with frozen_at(bureau_morning("2026-03-02")):
        # Its effective date (1 March) has come: approved, and in force at once.
        second = await approve(client, leader, document, 1)
        assert second["status"] == "effective"
        assert second["approved_at"].startswith("2026-03-02T01:00:00")
        assert [(a["approver_id"], a["decision"]) for a in second["approvals"]] == [
            (head.id, "approved"),
            (leader.id, "approved"),
        ]
        read = await client.get(url, headers=outsider.headers)
        assert read.status_code == 200, read.text
        body = read.json()
        assert (body["status"], body["effective_revision"], body["title"]) == (
            "effective",
            1,
            "差旅费报销流程",
        )
        assert (body["effective_on"], body["next_review_on"]) == ("2026-03-01", "2027-03-01")
        assert body["effective"]["text"] == FINANCE_RULES
        listed = await client.get(DOCUMENTS, headers=outsider.headers)
        assert [d["code"] for d in listed.json()["items"]] == ["GJ-CW-001"]

        # An approved revision is the record: it changes no more.
        problem(
            await client.patch(
                revision_url(document, 1), json={"text": "改过"}, headers=drafter.headers
            ),
            409,
            "edit-drafts-only",
        )
        problem(
            await client.post(
                f"{revision_url(document, 1)}/submit",
                json={"approvers": [leader.id]},
                headers=drafter.headers,
            ),
            409,
            "submit-a-draft",
        )

        started = await client.post(
            f"{url}/revisions", json={"text": REVISED_RULES}, headers=drafter.headers
        )
        assert started.status_code == 201, started.text
        draft = started.json()
        assert (draft["number"], draft["status"], draft["title"]) == (2, "draft", "差旅费报销流程")
        assert started.headers["location"] == revision_url(document, 2)
        problem(
            await client.post(f"{url}/revisions", json={}, headers=drafter.headers),
            409,
            "one-revision-at-a-time",
        )
        # Another department's draft is not theirs to edit.
        problem(
            await client.patch(
                revision_url(document, 2), json={"text": "x"}, headers=outsider.headers
            ),
            403,
        )
        # A revision is submitted whole: its dates and why it changes.
        incomplete = problem(
            await client.post(
                f"{revision_url(document, 2)}/submit",
                json={"approvers": [leader.id]},
                headers=drafter.headers,
            ),
            409,
            "draft-incomplete",
        )
        assert incomplete["missing"] == ["effective_on", "next_review_on", "change_reason"]
        await client.patch(
            revision_url(document, 2),
            json={
                "change_reason": "审批权限调整;承认电子票据",
                "effective_on": "2026-04-01",
                "next_review_on": "2027-04-01",
            },
            headers=drafter.headers,
        )
        await submit(client, drafter, document, 2, [leader])
        approved = await approve(client, leader, document, 2)
        # Approved ahead of its day: the first revision stays in force meanwhile.
        assert approved["status"] == "approved"
        assert await tick(running_service) == 0
        assert (await client.get(url, headers=drafter.headers)).json()["effective_revision"] == 1

    with frozen_at(bureau_morning("2026-04-01")):
        assert await tick(running_service) == 1
        assert await tick(running_service) == 0
        body = (await client.get(url, headers=outsider.headers)).json()
        assert (body["effective_revision"], body["effective_on"]) == (2, "2026-04-01")
        assert body["effective"]["text"] == REVISED_RULES
        revisions = (await client.get(f"{url}/revisions", headers=outsider.headers)).json()
        assert [(r["number"], r["status"]) for r in revisions] == [
            (1, "superseded"),
            (2, "effective"),
        ]
        assert revisions[0]["superseded_at"].startswith("2026-04-01T01:00:00")

        diff = await client.get(f"{url}/diff", params={"from": 1, "to": 2}, headers=head.headers)
        assert diff.status_code == 200, diff.text
        changes = diff.json()
        assert changes["fields"] == [
            {"field": "change_reason", "before": None, "after": "审批权限调整;承认电子票据"},
            {"field": "effective_on", "before": "2026-03-01", "after": "2026-04-01"},
            {"field": "next_review_on", "before": "2027-03-01", "after": "2027-04-01"},
        ]
        lines = changes["text"]
        assert lines[:2] == ["--- GJ-CW-001 revision 1", "+++ GJ-CW-001 revision 2"]
        assert [line for line in lines if line[:1] in "+-" and line[:3] not in ("---", "+++")] == [
            "-第三条 单笔五千元以上须经分管领导审批。",
            "-第四条 本办法自印发之日起施行。",
            "+第三条 单笔三千元以上须经分管领导审批。",
            "+第四条 电子票据与纸质票据同等有效。",
            "+第五条 本办法自印发之日起施行。",
        ]

        # 废止: the document as a whole.
        problem(
            await client.post(f"{url}/abolish", json={"reason": "x"}, headers=drafter.headers), 403
        )
        abolished = await client.post(
            f"{url}/abolish", json={"reason": "并入《机关财务管理办法》"}, headers=leader.headers
        )
        assert abolished.status_code == 200, abolished.text
        assert abolished.json()["status"] == "abolished"
        problem(
            await client.post(f"{url}/abolish", json={"reason": "again"}, headers=admin.headers),
            409,
            "document-abolished",
        )
        problem(
            await client.post(f"{url}/revisions", json={}, headers=drafter.headers),
            409,
            "document-abolished",
        )
        assert (await client.get(DOCUMENTS, headers=drafter.headers)).json()["total"] == 0
        gone = await client.get(DOCUMENTS, params={"status": "abolished"}, headers=head.headers)
        assert [d["code"] for d in gone.json()["items"]] == ["GJ-CW-001"]
        revisions = (await client.get(f"{url}/revisions", headers=head.headers)).json()
        assert [r["status"] for r in revisions] == ["superseded", "abolished"]

    events = await outbox_events(session_factory)
    assert [(kind, subject) for kind, subject, _ in events] == [
        ("ledger.procedure.submitted", document["id"]),
        ("ledger.procedure.approval_recorded", document["id"]),
        ("ledger.procedure.approved", document["id"]),
        ("ledger.procedure.effective", document["id"]),
        ("ledger.procedure.submitted", document["id"]),
        ("ledger.procedure.approved", document["id"]),
        ("ledger.procedure.effective", document["id"]),
        ("ledger.procedure.superseded", document["id"]),
        ("ledger.procedure.abolished", document["id"]),
    ]
    submitted_data = events[0][2]
    assert submitted_data["approvers"] == [head.id, leader.id]
    assert submitted_data["awaiting"] == [head.id]
    assert submitted_data["revision"]["number"] == 1 and "text" not in submitted_data["revision"]
    assert submitted_data["actor"] == drafter.id and submitted_data["owner_id"] == head.id
    assert events[1][2]["awaiting"] == [leader.id]
    assert events[3][2]["supersedes"] is None and events[3][2]["actor"] == leader.id
    assert events[6][2]["supersedes"] == 1 and events[6][2]["actor"] is None
    assert events[7][2]["superseded_by"] == 2 and events[7][2]["revision"]["number"] == 1
    assert events[8][2]["revisions"] == [2] and events[8][2]["reason"] == "并入《机关财务管理办法》"
