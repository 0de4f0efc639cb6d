"""The owner is reminded of a review `REVIEW_REMINDER_DAYS` before it falls due, once per
document and review date, however often the job ticks; a review past due is the leaders'
exception list (`?review_overdue=true`)."""

from guanjia_shared.clock import frozen_at

from .quality_helpers import (
    DOCUMENTS,
    approve,
    bureau_morning,
    outbox_events,
    register,
    submit,
    tick,
)


async def test_the_owner_is_reminded_once_per_review_date_and_overdue_reviews_are_listed(
    client, running_service, session_factory, drafter, head, leader, admin
):
    with frozen_at(bureau_morning("2026-03-02")):
        document = await register(client, drafter, head, next_review_on="2026-05-01")
        await submit(client, drafter, document, 1, [head])
        await approve(client, head, document, 1)
        later = await register(client, drafter, head, code="GJ-CW-002")
        await submit(client, drafter, later, 1, [head])
        await approve(client, head, later, 1)
        assert await tick(running_service) == 0

    # 30 days before 1 May (the default) is 1 April: not yet on 31 March.
    with frozen_at(bureau_morning("2026-03-31")):
        assert await tick(running_service) == 0
    with frozen_at(bureau_morning("2026-04-01")):
        assert await tick(running_service) == 1
        assert await tick(running_service) == 0
    with frozen_at(bureau_morning("2026-04-20")):
        assert await tick(running_service) == 0

    def reminders(events):
        return [
            (subject, data["review_on"], data["days_left"], data["owner_id"])
            for kind, subject, data in events
            if kind == "ledger.procedure.review_due"
        ]

    assert reminders(await outbox_events(session_factory)) == [
        (document["id"], "2026-05-01", 30, head.id)
    ]

    overdue = {"review_overdue": "true"}
    with frozen_at(bureau_morning("2026-05-01")):
        listed = await client.get(DOCUMENTS, params=overdue, headers=leader.headers)
        assert listed.json()["total"] == 0
    with frozen_at(bureau_morning("2026-05-02")):
        listed = await client.get(DOCUMENTS, params=overdue, headers=leader.headers)
        assert [(d["code"], d["review_overdue"]) for d in listed.json()["items"]] == [
            ("GJ-CW-001", True)
        ]
        # The review held: the register sets the next date, which is reminded of in turn.
        reviewed = await client.patch(
            f"{DOCUMENTS}/{document['id']}",
            json={"next_review_on": "2026-05-20"},
            headers=admin.headers,
        )
        assert reviewed.status_code == 200, reviewed.text
        assert (await client.get(DOCUMENTS, params=overdue, headers=leader.headers)).json()[
            "total"
        ] == 0
        assert await tick(running_service) == 1
        assert await tick(running_service) == 0

    assert reminders(await outbox_events(session_factory)) == [
        (document["id"], "2026-05-01", 30, head.id),
        (document["id"], "2026-05-20", 18, head.id),
    ]


async def test_another_replica_s_tick_reminds_no_more(
    running_service, client, session_factory, drafter, head
):
    """Each replica runs the job on its own engine; the reminder's key, not the process,
    decides that one of them reminds (the ticks run one after the other here)."""
    with frozen_at(bureau_morning("2026-03-02")):
        document = await register(client, drafter, head, next_review_on="2026-03-20")
        await submit(client, drafter, document, 1, [head])
        await approve(client, head, document, 1)
        job = running_service.app.state.periodic_jobs["ledger-procedure-register"].job
        # A second replica's tick on its own connections, beside this one's.
        first = await job.run(running_service.session_factory)
        second = await job.run(session_factory)
    assert (first, second) == (1, 0)
    assert [kind for kind, _, _ in await outbox_events(session_factory)].count(
        "ledger.procedure.review_due"
    ) == 1
