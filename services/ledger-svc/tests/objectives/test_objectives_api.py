"""Quality objectives through the service: set by a leader or the quality office, read by
the bureau (a department's by its own staff and the overseers alone), and counted from
ticket-svc's events on the real broker exactly once — each event delivered again under
another message id."""

from collections import Counter

import nats
import pytest
from sqlalchemy import select

from guanjia_shared.events import nats_subject
from guanjia_shared.platform_tables import dead_letter
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import publish_with_retries, published_events

from .objective_events import FINANCE, OBJECTIVES, REPAIRS, closed, objective, rating

pytestmark = pytest.mark.on_day("2026-04-15T10:00:00+08:00")
SET = "gov.guanjia.ledger.objective.set.v1"


@pytest.fixture
def publish_again(nats_server_url, event_namespace):
    """The same events once more under other message ids, past the broker's
    de-duplication (as a relay would after a crash between publishing and marking sent)."""

    async def _publish_again(*events):
        connection = await nats.connect(nats_server_url)
        try:
            for event in events:
                await publish_with_retries(
                    connection.jetstream(),
                    nats_subject(event_namespace, event.short_type),
                    event.model_dump_json().encode(),
                    headers={"Nats-Msg-Id": f"{event.id}-again"},
                )
        finally:
            await connection.close()

    return _publish_again


async def set_objective(client, who, body, expect=201):
    answer = await client.post(OBJECTIVES, json=body, headers=who.headers)
    assert answer.status_code == expect, answer.text
    return answer.json()


async def test_the_trend_counts_each_event_once_however_often_it_comes(
    client, leader, publish, publish_again, session_factory
):
    sla = await set_objective(client, leader, objective("sla_compliance", 95, department=REPAIRS))
    satisfaction = await set_objective(client, leader, objective("satisfaction", 90))
    tickets = [
        closed("2026-03-02", True),
        closed("2026-03-05", True),
        closed("2026-03-09", False),
        closed("2026-04-01", True),
    ]
    ratings = [rating("2026-03-03", 5), rating("2026-03-04", 2), rating("2026-04-02", 4)]
    await publish(*tickets, *ratings)
    await publish_again(*tickets, *ratings)
    await publish(*tickets)  # the same ids again: the broker drops these
    # Published last, a finance ticket shows when those were handled (it counts for the
    # bureau, not for the repairs' objective).
    await publish(closed("2026-04-03", True, department=FINANCE))

    async def counted():
        everything = (
            await client.get(OBJECTIVES, params={"year": 2026}, headers=leader.headers)
        ).json()["items"]
        by_id = {o["id"]: o for o in everything}
        assert by_id[satisfaction["id"]]["counted"] == 3
        return await client.get(f"{OBJECTIVES}/{sla['id']}", headers=leader.headers)

    answer = await eventually(counted, timeout=30)
    assert answer.status_code == 200
    detail = answer.json()
    march, april = detail["trend"][2], detail["trend"][3]
    assert (march["month"], march["counted"], march["met_count"], march["value"]) == (
        "2026-03",
        3,
        2,
        66.7,
    )
    assert (march["met"], march["ended"]) == (False, True)
    assert (april["counted"], april["value"], april["met"], april["ended"]) == (
        1,
        100.0,
        True,
        False,
    )
    assert (detail["counted"], detail["met_count"], detail["value"], detail["met"]) == (
        4,
        3,
        75.0,
        False,
    )
    assert [m["counted"] for m in detail["trend"][4:]] == [0] * 8

    whole = (await client.get(f"{OBJECTIVES}/{satisfaction['id']}", headers=leader.headers)).json()
    assert (whole["counted"], whole["met_count"], whole["value"], whole["met"]) == (
        3,
        2,
        66.7,
        False,
    )
    async with session_factory() as session:
        assert list(await session.execute(select(dead_letter))) == []


async def test_objectives_are_set_by_a_leader_or_the_quality_office(
    client, leader, quality, repairs_head, unit_staff, nats_server_url, event_namespace
):
    body = objective("ledger_completion", 90)
    made = await set_objective(client, quality, body)
    assert made["measure_label"] == "台账按期完成率" and made["direction"] == "at_least"
    assert made["met"] is None  # nothing due yet
    await set_objective(client, leader, body)
    refused = await set_objective(client, repairs_head, body, expect=403)
    assert "leader or the quality office" in refused["detail"]
    await set_objective(client, unit_staff, body, expect=403)

    async def told():
        events = await published_events(nats_server_url, event_namespace, "ledger")
        counts = Counter(e.type for e in events if e.type == SET)
        assert counts[SET] == 2
        return [e for e in events if e.type == SET]

    [first, _] = await eventually(told)
    assert first.data["measure"] == "ledger_completion" and first.data["target"] == 90


async def test_a_target_is_a_percentage_and_the_measure_of_the_catalogue(client, leader):
    for wrong in ({"target": 101}, {"target": -1}, {"measure": "happiness"}):
        answer = await client.post(
            OBJECTIVES, json={**objective("satisfaction", 90), **wrong}, headers=leader.headers
        )
        assert answer.status_code == 422, answer.text


async def test_a_departments_objective_is_its_own_and_the_overseers(
    client, leader, repairs_head, finance_agent, unit_staff
):
    repairs = await set_objective(
        client, leader, objective("sla_compliance", 95, department=REPAIRS)
    )
    bureau = await set_objective(client, leader, objective("satisfaction", 90))

    async def listed(who):
        answer = await client.get(OBJECTIVES, headers=who.headers)
        assert answer.status_code == 200, answer.text
        return {o["id"] for o in answer.json()["items"]}

    assert await listed(leader) == {repairs["id"], bureau["id"]}
    assert await listed(repairs_head) == {repairs["id"], bureau["id"]}
    assert await listed(finance_agent) == {bureau["id"]}
    for path, expect in ((repairs["id"], 404), (bureau["id"], 200)):
        answer = await client.get(f"{OBJECTIVES}/{path}", headers=finance_agent.headers)
        assert answer.status_code == expect
    answer = await client.get(OBJECTIVES, headers=unit_staff.headers)
    assert answer.status_code == 403
