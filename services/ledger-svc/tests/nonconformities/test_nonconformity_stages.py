"""A nonconformity by hand, stage by stage (ISO 9001:2015 10.2): containment, root cause,
corrective actions that are ledger items, the effectiveness check after its set time (30
days by default), and closing only with an effective verdict and its evidence. Each
refusal names its rule."""

import pytest

from .nonconformity_helpers import (
    CODE,
    FINANCE,
    NONCONFORMITIES,
    add_action,
    analyse,
    close,
    contain,
    finish,
    on,
    open_one,
    opening,
    outbox_events,
    problem,
    read,
    register_document,
    start_check,
    url,
    verdict,
)


@pytest.fixture
async def document(client, admin):
    return await register_document(client, admin)


async def test_a_nonconformity_goes_through_its_stages_to_closed(
    client, session_factory, document, quality, head, clerk, leader
):
    opened = await open_one(client, quality)
    assert opened["stage"] == "containment" and opened["source"] == "audit"
    assert opened["procedure_id"] == document["id"] and opened["opened_by"] == quality.id

    contained = await contain(client, head, opened)
    assert contained.status_code == 200, contained.text
    assert contained.json()["stage"] == "root_cause"
    analysed = await analyse(
        client,
        head,
        opened,
        similar_elsewhere=True,
        similar_cases="物业管理处的采购报销同样依赖手工签字",
    )
    assert analysed.json()["stage"] == "corrective_actions"
    assert analysed.json()["similar_cases"].startswith("物业管理处")

    action = await add_action(client, head, clerk, opened)
    assert action.status_code == 201, action.text
    action = action.json()
    assert (action["owner_id"], action["department"]) == (clerk.id, FINANCE)
    assert action["status"] == "open" and action["deadline"] == "2026-03-31"
    await finish(client, clerk, action)

    started = await start_check(client, head, opened, day="2026-03-21")
    assert started.status_code == 200, started.text
    assert started.json()["stage"] == "effectiveness_check"
    assert started.json()["check_due_on"] == "2026-04-20"  # 30 days on

    verified = await verdict(client, leader, opened, day="2026-04-20")
    assert verified.status_code == 200, verified.text
    assert verified.json()["effective"] is True and verified.json()["verified_by"] == leader.id
    closed = await close(client, quality, opened, note="验证有效，关闭")
    assert closed.status_code == 200, closed.text
    assert closed.json()["stage"] == "closed" and closed.json()["closed_by"] == quality.id

    detail = await read(client, quality, opened)
    assert [(m["kind"], m["from_stage"], m["to_stage"]) for m in detail["moves"]] == [
        ("opened", None, "containment"),
        ("contained", "containment", "root_cause"),
        ("analysed", "root_cause", "corrective_actions"),
        ("action_added", "corrective_actions", "corrective_actions"),
        ("check_started", "corrective_actions", "effectiveness_check"),
        ("verdict_recorded", "effectiveness_check", "effectiveness_check"),
        ("closed", "effectiveness_check", "closed"),
    ]
    assert [a["status"] for a in detail["actions"]] == ["done"]
    assert detail["version"] == 7

    events = await outbox_events(session_factory)
    assert [(kind, subject) for kind, subject, _ in events] == [
        ("ledger.nonconformity.opened", opened["id"]),
        ("ledger.nonconformity.stage_changed", opened["id"]),
        ("ledger.nonconformity.stage_changed", opened["id"]),
        ("ledger.nonconformity.action_added", opened["id"]),
        ("ledger.nonconformity.stage_changed", opened["id"]),
        ("ledger.nonconformity.verdict_recorded", opened["id"]),
        ("ledger.nonconformity.closed", opened["id"]),
    ]
    *_, (_, _, closing) = events
    assert closing["stage"] == "closed" and closing["procedure_code"] == CODE
    assert closing["from_stage"] == "effectiveness_check" and closing["actor"] == quality.id
    assert "description" not in closing and "evidence" not in closing


async def test_closing_without_the_effectiveness_verdict_is_refused(
    client, document, quality, head, clerk
):
    opened = await open_one(client, quality)
    problem(await close(client, quality, opened), 409, "close-needs-effective-verdict")
    await contain(client, head, opened)
    await analyse(client, head, opened)
    action = (await add_action(client, head, clerk, opened)).json()
    await finish(client, clerk, action)
    await start_check(client, head, opened)

    refused = problem(await close(client, quality, opened), 409, "close-needs-effective-verdict")
    assert refused["stage"] == "effectiveness_check"
    assert (await read(client, quality, opened))["stage"] == "effectiveness_check"


async def test_the_stages_go_in_order(client, document, quality, head, clerk):
    opened = await open_one(client, quality)

    refused = problem(await analyse(client, head, opened), 409, "nonconformity-stage-order")
    assert (refused["stage"], refused["needed"]) == ("containment", "root_cause")
    problem(await add_action(client, head, clerk, opened), 409, "nonconformity-stage-order")
    problem(await start_check(client, head, opened), 409, "nonconformity-stage-order")
    problem(await verdict(client, quality, opened), 409, "nonconformity-stage-order")
    await contain(client, head, opened)
    problem(await contain(client, head, opened), 409, "nonconformity-stage-order")

    detail = await read(client, quality, opened)
    assert detail["stage"] == "root_cause" and detail["actions"] == []
    assert len(detail["moves"]) == 2


async def test_the_check_needs_actions_and_every_one_done(client, document, quality, head, clerk):
    opened = await open_one(client, quality)
    await contain(client, head, opened)
    await analyse(client, head, opened)
    problem(await start_check(client, head, opened), 409, "actions-before-check")

    first = (await add_action(client, head, clerk, opened)).json()
    second = (await add_action(client, head, clerk, opened, title="修订报销流程图")).json()
    await finish(client, clerk, first)
    refused = problem(await start_check(client, head, opened), 409, "actions-done-before-check")
    assert refused["undone"] == [second["item_id"]]

    await finish(client, clerk, second)
    assert (await start_check(client, head, opened)).status_code == 200


async def test_the_verdict_waits_for_the_set_time(client, document, quality, head, clerk, leader):
    opened = await open_one(client, quality)
    await contain(client, head, opened)
    await analyse(client, head, opened)
    await finish(client, clerk, (await add_action(client, head, clerk, opened)).json())
    await start_check(client, head, opened, day="2026-03-21")

    problem(
        await verdict(client, leader, opened, day="2026-04-19"), 409, "effectiveness-check-not-due"
    )
    assert (await verdict(client, leader, opened, day="2026-04-20")).status_code == 200
    problem(await verdict(client, leader, opened, day="2026-04-21"), 409, "verdict-once")


async def test_actions_found_not_effective_go_back_for_further_action(
    client, document, quality, head, clerk, leader
):
    opened = await open_one(client, quality)
    await contain(client, head, opened)
    await analyse(client, head, opened)
    await finish(client, clerk, (await add_action(client, head, clerk, opened)).json())
    await start_check(client, head, opened, day="2026-03-21")

    wanting = await verdict(
        client, leader, opened, day="2026-04-20", effective=False, evidence="4 月仍有 2 份缺签"
    )
    assert wanting.status_code == 200, wanting.text
    assert wanting.json()["stage"] == "corrective_actions"
    assert wanting.json()["effective"] is None and wanting.json()["check_due_on"] is None
    problem(await close(client, quality, opened), 409, "close-needs-effective-verdict")

    # Further action, and a check of its own.
    more = (
        await add_action(client, head, clerk, opened, day="2026-04-21", deadline="2026-05-15")
    ).json()
    await finish(client, clerk, more, day="2026-05-10")
    await start_check(client, head, opened, day="2026-05-11")
    assert (await verdict(client, leader, opened, day="2026-06-10")).status_code == 200
    assert (await close(client, quality, opened, day="2026-06-10")).status_code == 200

    verdicts = [
        m["detail"]
        for m in (await read(client, quality, opened))["moves"]
        if m["kind"] == "verdict_recorded"
    ]
    assert [(v["effective"], v["evidence"]) for v in verdicts] == [
        (False, "4 月仍有 2 份缺签"),
        (True, "4 月抽查 30 份，均有审批签字"),
    ]


async def test_a_closed_nonconformity_changes_no_more(
    client, document, quality, head, clerk, leader
):
    opened = await open_one(client, quality)
    await contain(client, head, opened)
    await analyse(client, head, opened)
    await finish(client, clerk, (await add_action(client, head, clerk, opened)).json())
    await start_check(client, head, opened)
    await verdict(client, leader, opened)
    await close(client, quality, opened)

    problem(await close(client, quality, opened), 409, "nonconformity-closed")
    problem(await add_action(client, head, clerk, opened), 409, "nonconformity-closed")


async def test_a_stale_if_match_is_refused(client, document, quality, head):
    opened = await open_one(client, quality)
    await contain(client, head, opened)
    stale = await on(
        "2026-03-03",
        client,
        "POST",
        url(opened, "root-cause"),
        head,
        {"root_cause": "x", "similar_elsewhere": False},
        **{"If-Match": '"1"'},
    )
    assert stale.status_code == 412, stale.text


async def test_a_root_cause_with_similar_cases_says_where(client, document, quality, head):
    opened = await open_one(client, quality)
    await contain(client, head, opened)
    refused = await analyse(client, head, opened, similar_elsewhere=True)
    assert refused.status_code == 422, refused.text
    assert (await read(client, quality, opened))["stage"] == "root_cause"


@pytest.mark.parametrize(
    "fields",
    [
        {"source": "automatic"},
        {"source": "complaint"},  # with an audit finding's id
        {"procedure_code": ""},
        {"description": ""},
        {"department": "财务\n处"},
        {"severity": "major"},
    ],
)
async def test_a_malformed_opening_is_refused(client, document, quality, fields):
    answer = await on("2026-03-02", client, "POST", NONCONFORMITIES, quality, opening(**fields))
    assert answer.status_code == 422, answer.text
    assert (await client.get(NONCONFORMITIES, headers=quality.headers)).json()["total"] == 0


async def test_a_procedure_not_in_the_register_is_refused(client, document, quality):
    answer = await on(
        "2026-03-02", client, "POST", NONCONFORMITIES, quality, opening(procedure_code="GJ-XX-404")
    )
    body = problem(answer, 422)
    assert body["errors"][0]["pointer"] == "#/procedure_code"


async def test_a_complaint_names_its_reference(client, document, head):
    opened = await open_one(
        client, head, source="complaint", audit_finding_id=None, complaint_ref="信访-2026-017"
    )
    assert (opened["source"], opened["complaint_ref"]) == ("complaint", "信访-2026-017")
    assert opened["audit_finding_id"] is None
