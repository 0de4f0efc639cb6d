"""Scorecards built from real events over real NATS: ticket-svc's, emergency-svc's and
ledger-svc's own, each taken once however often it is delivered."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from guanjia_shared.platform_tables import dead_letter
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.spreadsheets import FORMULA_TEXTS, assert_text_only
from guanjia_shared.testing.streams import published_events

from .scorecard_events import (
    API,
    GENERAL,
    PROPERTY,
    SECURITY,
    accountability_exempted,
    accountability_recorded,
    at,
    drill_recorded,
    item_completed,
    item_reopened,
    publish_again_past_deduplication,
    scorecard,
    sla_breached,
    ticket_closed,
)


async def rows_of(client, headers, year) -> dict[str, dict]:
    answer = await client.get(API, params={"year": year}, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["year"] == year and body["total"] == len(body["items"])
    return {row["department"]: row for row in body["items"]}


async def until_scorecards_are(client, headers, year, expected: dict[str, dict]):
    async def arrived():
        assert await rows_of(client, headers, year) == expected

    await eventually(arrived)


async def test_scorecards_sum_the_events_of_every_source_by_department_and_year(
    client, leader, publish
):
    # 物业处 in 2026: three tickets closed (one in the first hours of 1 January in Beijing,
    # still 31 December in UTC), one resolve breach, a reward, a penalty and an exempted
    # penalty, three items completed of which one reopened since, two drills.
    late_ticket = ticket_closed(PROPERTY, closed_at=at("2026-04-10 08:00"), sla_met=False, rating=3)
    exempted_penalty = accountability_recorded(
        PROPERTY, kind="penalty", points=4, year=2026, occurred_at=at("2026-05-01 02:00")
    )
    undone = item_completed(PROPERTY, year=2026, on_time=True, time=at("2026-06-01 02:00"))
    await publish(
        ticket_closed(PROPERTY, closed_at=at("2026-03-02 02:00"), sla_met=True, rating=5),
        late_ticket,
        ticket_closed(PROPERTY, closed_at=at("2025-12-31 17:30"), sla_met=True, rating=None),
        ticket_closed(PROPERTY, closed_at=at("2025-12-31 15:00"), sla_met=False, rating=1),
        sla_breached(PROPERTY, reached_at=at("2026-04-09 01:00"), ticket_id=late_ticket.subject),
        sla_breached(
            PROPERTY,
            clock="coordination",
            coordinating_department=GENERAL,
            reached_at=at("2026-04-08 01:00"),
            ticket_id=late_ticket.subject,
        ),
        accountability_recorded(
            PROPERTY, kind="reward", points=5, year=2026, occurred_at=at("2026-06-01 02:00")
        ),
        accountability_recorded(
            PROPERTY, kind="penalty", points=2, year=2026, occurred_at=at("2026-04-09 01:00")
        ),
        exempted_penalty,
        accountability_exempted(exempted_penalty),
        item_completed(PROPERTY, year=2026, on_time=True),
        item_completed(PROPERTY, year=2026, on_time=False),
        undone,
        item_reopened(undone, time=at("2026-06-05 02:00")),
        drill_recorded({PROPERTY: 12, GENERAL: 3}, held_at=at("2026-09-01 01:00"), year=2026),
        drill_recorded({PROPERTY: 4}, held_at=at("2026-11-01 01:00"), year=2026),
    )
    await until_scorecards_are(
        client,
        leader,
        2026,
        {
            GENERAL: scorecard(GENERAL, 2026, sla_breaches=1, drills=1),
            PROPERTY: scorecard(
                PROPERTY,
                2026,
                items_completed=2,
                items_on_time=1,
                on_time_rate_percent=50.0,
                tickets_closed=3,
                tickets_sla_met=2,
                sla_compliance_percent=66.7,
                sla_breaches=1,
                mean_rating=4.0,
                ratings=2,
                accountability={
                    "rewards": 1,
                    "penalties": 1,
                    "exempted": 1,
                    "reward_points": 5,
                    "penalty_points": 2,
                    "points": 3,
                },
                drills=2,
            ),
        },
    )
    # 23:00 on 31 December in Beijing is still 2025.
    assert await rows_of(client, leader, 2025) == {
        PROPERTY: scorecard(
            PROPERTY,
            2025,
            tickets_closed=1,
            tickets_sla_met=0,
            sla_compliance_percent=0.0,
            mean_rating=1.0,
            ratings=1,
        )
    }


async def test_the_same_event_delivered_twice_counts_once(
    client, leader, publish, nats_server_url, event_namespace
):
    closed = ticket_closed(PROPERTY, closed_at=at("2026-03-02 02:00"), rating=4)
    await publish(closed)
    # Past JetStream's de-duplication window the stream keeps and delivers a second copy.
    await publish_again_past_deduplication(nats_server_url, event_namespace, closed)
    copies = await published_events(nats_server_url, event_namespace, "ticket")
    assert [copy.id for copy in copies] == [closed.id, closed.id]
    # One stream is delivered in order: once this one counts, both copies were handled.
    await publish(ticket_closed(GENERAL, closed_at=at("2026-03-03 02:00")))
    await until_scorecards_are(
        client,
        leader,
        2026,
        {
            GENERAL: scorecard(
                GENERAL, 2026, tickets_closed=1, tickets_sla_met=1, sla_compliance_percent=100.0
            ),
            PROPERTY: scorecard(
                PROPERTY,
                2026,
                tickets_closed=1,
                tickets_sla_met=1,
                sla_compliance_percent=100.0,
                ratings=1,
                mean_rating=4.0,
            ),
        },
    )
    facts = (await client.get(f"{API}/{PROPERTY}", params={"year": 2026}, headers=leader)).json()[
        "facts"
    ]
    assert facts["total"] == 3
    assert {fact["event_id"] for fact in facts["items"]} == {closed.id}


async def test_an_exemption_takes_a_penalty_out_of_the_count(client, leader, publish):
    penalty = accountability_recorded(
        SECURITY, kind="penalty", points=3, year=2026, occurred_at=at("2026-02-01 02:00")
    )
    await publish(penalty)
    await until_scorecards_are(
        client,
        leader,
        2026,
        {
            SECURITY: scorecard(
                SECURITY,
                2026,
                accountability={"penalties": 1, "penalty_points": 3, "points": -3},
            )
        },
    )
    await publish(accountability_exempted(penalty))
    await until_scorecards_are(
        client, leader, 2026, {SECURITY: scorecard(SECURITY, 2026, accountability={"exempted": 1})}
    )
    facts = (await client.get(f"{API}/{SECURITY}", params={"year": 2026}, headers=leader)).json()[
        "facts"
    ]["items"]
    assert {(fact["measure"], fact["subject"], fact["counted"]) for fact in facts} == {
        ("accountability_penalty", penalty.subject, False),
        ("accountability_exempted", penalty.subject, True),
    }


async def test_a_coordination_breach_is_charged_to_the_coordinating_department(
    client, leader, publish
):
    await publish(
        sla_breached(
            PROPERTY,
            clock="coordination",
            coordinating_department=SECURITY,
            reached_at=at("2026-07-01 03:00"),
        ),
        sla_breached(PROPERTY, clock="response", reached_at=at("2026-07-01 04:00")),
    )
    await until_scorecards_are(
        client,
        leader,
        2026,
        {
            PROPERTY: scorecard(PROPERTY, 2026, sla_breaches=1),
            SECURITY: scorecard(SECURITY, 2026, sla_breaches=1),
        },
    )


async def test_a_reopened_item_stops_counting_until_it_is_completed_again(client, leader, publish):
    completed = item_completed(GENERAL, year=2026, on_time=True, time=at("2026-06-01 02:00"))
    await publish(completed, item_reopened(completed, time=at("2026-06-05 02:00")))
    await until_scorecards_are(client, leader, 2026, {GENERAL: scorecard(GENERAL, 2026)})
    completed_again = item_completed(
        GENERAL, year=2026, on_time=False, item_id=completed.subject, time=at("2026-07-20 02:00")
    )
    await publish(completed_again)
    await until_scorecards_are(
        client,
        leader,
        2026,
        {
            GENERAL: scorecard(
                GENERAL, 2026, items_completed=1, items_on_time=0, on_time_rate_percent=0.0
            )
        },
    )


async def test_a_malformed_event_becomes_a_dead_letter_and_the_next_one_applies(
    client, leader, publish, session_factory
):
    malformed = ticket_closed(PROPERTY, closed_at=at("2026-03-02 02:00"))
    del malformed.data["department"]
    await publish(malformed, ticket_closed(GENERAL, closed_at=at("2026-03-02 03:00")))
    await until_scorecards_are(
        client,
        leader,
        2026,
        {
            GENERAL: scorecard(
                GENERAL, 2026, tickets_closed=1, tickets_sla_met=1, sla_compliance_percent=100.0
            )
        },
    )
    async with session_factory() as session:
        letters = (await session.execute(select(dead_letter))).all()
    # The quality objectives' consumer reads closed tickets too, and sets it aside on its own.
    ours = [letter for letter in letters if letter.consumer == "ledger-scorecards-ticket"]
    assert [letter.event_id for letter in ours] == [malformed.id]
    assert {letter.event_id for letter in letters} == {malformed.id}
    assert "department" in ours[0].error


async def test_the_facts_behind_a_scorecard_name_their_events_and_filter_by_measure(
    client, leader, publish
):
    drill = drill_recorded({GENERAL: 7}, held_at=at("2026-09-01 01:00"))
    closed = ticket_closed(GENERAL, closed_at=at("2026-03-02 02:00"), sla_met=False, rating=2)
    await publish(drill, closed)
    await until_scorecards_are(
        client,
        leader,
        2026,
        {
            GENERAL: scorecard(
                GENERAL,
                2026,
                tickets_closed=1,
                sla_compliance_percent=0.0,
                ratings=1,
                mean_rating=2.0,
                drills=1,
            )
        },
    )
    answer = await client.get(f"{API}/{GENERAL}", params={"year": 2026}, headers=leader)
    assert answer.status_code == 200
    body = answer.json()
    assert body["tickets_closed"] == 1 and body["drills"] == 1
    assert [
        (fact["measure"], fact["value"], fact["event_type"], fact["event_id"], fact["subject"])
        for fact in body["facts"]["items"]
    ] == [
        ("ticket_closed", 1, "ticket.ticket.closed", closed.id, closed.subject),
        ("ticket_rating", 2, "ticket.ticket.closed", closed.id, closed.subject),
        ("ticket_sla_met", 0, "ticket.ticket.closed", closed.id, closed.subject),
        ("drill_participation", 7, "emergency.drill.recorded", drill.id, drill.subject),
    ]
    ratings = await client.get(
        f"{API}/{GENERAL}",
        params={"year": 2026, "measure": "ticket_rating", "limit": 1},
        headers=leader,
    )
    assert ratings.json()["facts"]["total"] == 1
    # The figures stay the whole row's whatever the filter.
    assert ratings.json()["drills"] == 1
    unknown = await client.get(
        f"{API}/{GENERAL}", params={"year": 2026, "measure": "bogus"}, headers=leader
    )
    assert unknown.status_code == 422


async def test_a_dept_head_reads_their_own_department_only(client, token_mint, publish, leader):
    await publish(
        ticket_closed(PROPERTY, closed_at=at("2026-03-02 02:00")),
        ticket_closed(GENERAL, closed_at=at("2026-03-02 03:00")),
    )
    await eventually(
        lambda: _departments_are(client, leader, {PROPERTY, GENERAL}),
    )
    head = token_mint.headers("dept_head", department=PROPERTY)
    assert set(await rows_of(client, head, 2026)) == {PROPERTY}
    own = await client.get(f"{API}/{PROPERTY}", params={"year": 2026}, headers=head)
    assert own.status_code == 200 and own.json()["tickets_closed"] == 1
    other = await client.get(f"{API}/{GENERAL}", params={"year": 2026}, headers=head)
    assert other.status_code == 403
    assert other.headers["content-type"] == "application/problem+json"
    nowhere = token_mint.headers("dept_head")
    assert (await client.get(API, params={"year": 2026}, headers=nowhere)).status_code == 403


async def _departments_are(client, headers, departments):
    assert set(await rows_of(client, headers, 2026)) == departments


async def test_every_bureau_reader_sees_every_department_and_others_are_refused(client, token_mint):
    for role in ("leader", "admin", "auditor"):
        answer = await client.get(API, params={"year": 2026}, headers=token_mint.headers(role))
        assert answer.status_code == 200, role
    for role in ("agent", "unit_staff", "commander", "integration"):
        answer = await client.get(API, params={"year": 2026}, headers=token_mint.headers(role))
        assert answer.status_code == 403, role
    assert (await client.get(API, params={"year": 2026})).status_code == 401


async def test_the_year_is_required(client, leader):
    answer = await client.get(API, headers=leader)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["parameter"] == "year"
    detail = await client.get(f"{API}/{PROPERTY}", headers=leader)
    assert detail.status_code == 422


async def test_a_department_without_facts_has_a_scorecard_of_zeros(client, leader):
    answer = await client.get(f"{API}/{SECURITY}", params={"year": 2026}, headers=leader)
    assert answer.status_code == 200
    body = answer.json()
    assert body.pop("facts") == {"items": [], "total": 0}
    assert body == scorecard(SECURITY, 2026)


async def test_the_scorecards_read_back_from_the_spreadsheet(client, leader, publish):
    await publish(
        ticket_closed(PROPERTY, closed_at=at("2026-03-02 02:00"), rating=5),
        ticket_closed(GENERAL, closed_at=at("2026-03-02 03:00"), sla_met=False),
        drill_recorded({GENERAL: 2}, held_at=at("2026-09-01 01:00"), year=2026),
    )
    await eventually(lambda: _drills_arrived(client, leader))
    answer = await client.get(API, params={"year": 2026, "format": "xlsx"}, headers=leader)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="scorecards-2026.xlsx"' in answer.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    header, *lines = rows
    assert header[:2] == ("处室", "年度") and len(header) == 16
    by_department = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    assert set(by_department) == {GENERAL, PROPERTY}
    assert by_department[PROPERTY]["工单办结数"] == 1
    assert by_department[PROPERTY]["平均评价"] == 5
    assert by_department[GENERAL]["承诺时限达标率（%）"] == 0
    assert by_department[GENERAL]["参加演练次数"] == 1
    assert by_department[GENERAL]["按时完成率（%）"] is None


async def _drills_arrived(client, headers):
    rows = await rows_of(client, headers, 2026)
    assert rows.get(GENERAL, {}).get("drills") == 1
    assert rows.get(PROPERTY, {}).get("tickets_closed") == 1
    assert rows.get(GENERAL, {}).get("tickets_closed") == 1


async def test_a_department_named_like_a_formula_is_exported_as_text(client, leader, publish):
    # Department names come from other services' events; the sheet holds them as text.
    await publish(
        *(ticket_closed(name, closed_at=at("2026-03-02 02:00")) for name in FORMULA_TEXTS)
    )

    async def arrived():
        assert set(await rows_of(client, leader, 2026)) == set(FORMULA_TEXTS)

    await eventually(arrived)
    answer = await client.get(API, params={"year": 2026, "format": "xlsx"}, headers=leader)
    assert answer.status_code == 200
    assert_text_only(answer.content, *FORMULA_TEXTS)
