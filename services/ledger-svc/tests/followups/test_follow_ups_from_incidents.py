"""Follow-ups from emergencies: `emergency.incident.closed`, published to the real broker,
makes one ledger item per follow-up in the year's follow-up plan, owned by the commander;
once per incident, whatever is delivered again; malformed closings are dead letters."""

import uuid

import nats
import pytest
from sqlalchemy import select

from guanjia_shared.clock import now
from guanjia_shared.events import build_event, nats_subject
from guanjia_shared.platform_tables import dead_letter
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import publish_with_retries, published_events

API = "/api/v1/ledger"
COMMANDER = str(uuid.uuid4())
LEFT_OUT = object()


def closing(*, follow_ups, **changes):
    """An incident's closing as emergency-svc publishes it; `LEFT_OUT` drops a field."""
    incident_id = str(uuid.uuid4())
    data = {
        "id": incident_id,
        "code": "INC-2026-007",
        "title": "行政中心配电室起火",
        "type": "fire",
        "level": "III",
        "building_id": str(uuid.uuid4()),
        "commander_id": COMMANDER,
        "commander_department": "安全保卫处",
        "closed_at": "2026-03-05T10:00:00+08:00",
        "summary": "明火已扑灭，无人员伤亡",
    }
    for name, value in {"follow_ups": follow_ups, **changes}.items():
        if value is LEFT_OUT:
            data.pop(name, None)
        else:
            data[name] = value
    return build_event(
        service="emergency",
        short_type="emergency.incident.closed",
        subject=incident_id,
        data=data,
        time=now(),
    )


@pytest.fixture
def leader(token_mint):
    return token_mint.headers("leader")


@pytest.fixture
def publish_again(nats_server_url, event_namespace):
    """The same event once more under another message id, past the broker's
    de-duplication (as a relay would after a crash between publishing and marking sent)."""

    async def _publish_again(event):
        connection = await nats.connect(nats_server_url)
        try:
            await publish_with_retries(
                connection.jetstream(),
                nats_subject(event_namespace, event.short_type),
                event.model_dump_json().encode(),
                headers={"Nats-Msg-Id": f"{event.id}-again"},
            )
        finally:
            await connection.close()

    return _publish_again


async def items_from(client, leader, event):
    answer = await client.get(f"{API}/items", params={"source_ref": event.subject}, headers=leader)
    assert answer.status_code == 200, answer.text
    return sorted(answer.json()["items"], key=lambda item: item["title"])


def has_items(client, leader, event, count):
    async def check():
        found = await items_from(client, leader, event)
        assert len(found) == count
        return found

    return check


async def dead_letters(session_factory):
    async with session_factory() as session:
        rows = await session.execute(
            select(dead_letter).where(dead_letter.c.event_type == "emergency.incident.closed")
        )
        return list(rows)


async def test_a_closed_incidents_follow_ups_become_items_owned_by_the_commander(
    client, leader, publish
):
    first = closing(
        follow_ups=[
            "更换老化配电柜",
            {
                "title": "修订配电室值守制度",
                "department": "物业管理处",
                "deadline": "2026-03-20",
                "quality_requirement": "制度印发并组织全员培训",
            },
        ]
    )
    await publish(first)
    found = {item["title"]: item for item in await eventually(has_items(client, leader, first, 2))}
    cabinet, rules = found["更换老化配电柜"], found["修订配电室值守制度"]

    source = {"service": "emergency", "ref": first.subject}
    breakdown = (
        "来源：突发事件“行政中心配电室起火”（INC-2026-007，较大 III级，2026-03-05 处置结束）"
    )
    assert cabinet["title"] == "更换老化配电柜" and cabinet["target"] == "更换老化配电柜"
    assert cabinet["owner_id"] == COMMANDER and cabinet["department"] == "安全保卫处"
    assert cabinet["source"] == source and cabinet["parent_id"] is None
    assert cabinet["breakdown"] == breakdown and cabinet["quality_requirement"] == ""
    # No deadline given: 30 days after the closing day.
    assert (cabinet["starts_on"], cabinet["deadline"]) == ("2026-03-05", "2026-04-04")
    assert cabinet["original_deadline"] == "2026-04-04"
    assert (cabinet["status"], cabinet["progress"]) == ("open", 0)
    assert rules["owner_id"] == COMMANDER and rules["department"] == "物业管理处"
    assert rules["deadline"] == "2026-03-20"
    assert rules["quality_requirement"] == "制度印发并组织全员培训"
    assert rules["plan_id"] == cabinet["plan_id"]

    plan = (await client.get(f"{API}/plans/{cabinet['plan_id']}", headers=leader)).json()
    assert (plan["year"], plan["kind"], plan["title"]) == (
        2026,
        "follow_up",
        "2026年应急处置整改事项",
    )

    # A second incident of the year goes to the same plan; with no department anywhere,
    # its follow-up is 应急管理's.
    second = closing(
        follow_ups=["疏通消防通道"],
        commander_department=LEFT_OUT,
        closed_at="2026-11-20T09:00:00+08:00",
    )
    await publish(second)
    [passage] = await eventually(has_items(client, leader, second, 1))
    assert passage["plan_id"] == plan["id"] and passage["department"] == "应急管理"
    assert passage["deadline"] == "2026-12-20"
    plans = (await client.get(f"{API}/plans", params={"year": 2026}, headers=leader)).json()
    assert [p["id"] for p in plans["items"]] == [plan["id"]]


async def test_the_plan_is_that_of_the_bureaus_year_of_the_closing(client, leader, publish):
    # 17:30 UTC on New Year's Eve is already 2027 in the bureau's zone.
    late = closing(follow_ups=["复盘值班交接"], closed_at="2026-12-31T17:30:00Z")
    await publish(late)
    [item] = await eventually(has_items(client, leader, late, 1))
    assert (item["starts_on"], item["deadline"]) == ("2027-01-01", "2027-01-31")
    plan = (await client.get(f"{API}/plans/{item['plan_id']}", headers=leader)).json()
    assert (plan["year"], plan["kind"]) == (2027, "follow_up")


async def test_an_incident_gets_its_items_once_however_often_its_closing_arrives(
    client, leader, publish, publish_again, nats_server_url, event_namespace, session_factory
):
    event = closing(follow_ups=["更换老化配电柜", "修订配电室值守制度"])
    await publish(event)
    await eventually(has_items(client, leader, event, 2))

    # The same event delivered again (the inbox), and the same closing published anew
    # under a new event id (the incident's items are there already).
    await publish_again(event)
    anew = event.model_copy(update={"id": str(uuid.uuid4()), "time": now()})
    await publish(anew)
    # The closing of another incident, published last, shows when those were handled.
    later = closing(follow_ups=["检查应急照明"])
    await publish(later)
    await eventually(has_items(client, leader, later, 1))

    assert len(await items_from(client, leader, event)) == 2
    assert await dead_letters(session_factory) == []

    async def created_by_incident():
        """Items created per incident once the relay (which publishes in commit order)
        has published the last one's: any item made twice would be on the stream by then."""
        counts = {}
        for e in await published_events(nats_server_url, event_namespace, "ledger"):
            if e.type == "gov.guanjia.ledger.item.created.v1":
                ref = (e.data["source"] or {}).get("ref")
                counts[ref] = counts.get(ref, 0) + 1
        assert later.subject in counts
        return counts

    counts = await eventually(created_by_incident)
    assert (counts[event.subject], counts[later.subject]) == (2, 1)


async def test_an_incident_closed_without_follow_ups_makes_nothing(
    client, leader, publish, session_factory
):
    in_2025 = {"closed_at": "2025-06-01T10:00:00+08:00"}
    quiet = [
        closing(follow_ups=[], **in_2025),
        closing(follow_ups=None, **in_2025),
        closing(follow_ups=LEFT_OUT, **in_2025),
        # Nothing to own, so no commander is needed either.
        closing(follow_ups=[], commander_id=LEFT_OUT, **in_2025),
    ]
    await publish(*quiet)
    later = closing(follow_ups=["检查应急照明"])
    await publish(later)
    await eventually(has_items(client, leader, later, 1))

    for event in quiet:
        assert await items_from(client, leader, event) == []
    plans = (await client.get(f"{API}/plans", params={"year": 2025}, headers=leader)).json()
    assert plans["total"] == 0
    assert await dead_letters(session_factory) == []


async def test_a_malformed_closing_is_a_dead_letter_and_the_next_one_still_applies(
    client, leader, publish, session_factory
):
    malformed = {
        "follow-ups without a commander": closing(follow_ups=["整改"], commander_id=LEFT_OUT),
        "a blank commander": closing(follow_ups=["整改"], commander_id="  "),
        "a blank follow-up": closing(follow_ups=["整改", "  "]),
        "a follow-up without a title": closing(follow_ups=[{"department": "物业管理处"}]),
        "an unknown level": closing(follow_ups=["整改"], level="V"),
        "no closing time": closing(follow_ups=["整改"], closed_at=LEFT_OUT),
        "a deadline that is no date": closing(follow_ups=[{"title": "整改", "deadline": "下月底"}]),
        "a deadline before the closing": closing(
            follow_ups=[{"title": "整改", "deadline": "2026-03-01"}]
        ),
    }
    await publish(*malformed.values())
    good = closing(follow_ups=["检查应急照明"])
    await publish(good)
    await eventually(has_items(client, leader, good, 1))

    async def all_dead_lettered():
        letters = await dead_letters(session_factory)
        assert len(letters) == len(malformed)
        return letters

    letters = await eventually(all_dead_lettered)
    assert {letter.event_id for letter in letters} == {e.id for e in malformed.values()}
    assert all(letter.deliveries == 1 for letter in letters)  # not retried: it cannot apply
    by_event = {letter.event_id: letter.error for letter in letters}
    assert "commander" in by_event[malformed["follow-ups without a commander"].id]
    assert "before the incident closed" in by_event[malformed["a deadline before the closing"].id]
    for event in malformed.values():
        assert await items_from(client, leader, event) == []


async def test_a_drills_findings_become_items_owned_by_whoever_recorded_it(client, leader, publish):
    drill_id = str(uuid.uuid4())
    recorder = str(uuid.uuid4())
    recorded = build_event(
        service="emergency",
        short_type="emergency.drill.recorded",
        subject=drill_id,
        data={
            "id": drill_id,
            "plan_id": str(uuid.uuid4()),
            "held_at": "2026-05-12T02:00:00+00:00",
            "year": 2026,
            "participants": [{"department": "安全保卫处", "people": 12}],
            "score": 86,
            "findings": ["疏散通道堆放杂物"],
            "follow_ups": [{"title": "【演练】疏散通道堆放杂物", "department": "后勤服务中心"}],
            "recorded_by": recorder,
        },
        time=now(),
    )
    await publish(recorded)

    async def items_of_the_drill():
        answer = await client.get(f"{API}/items?source_ref={drill_id}", headers=leader)
        assert answer.json()["total"] == 1, answer.text
        return answer.json()["items"][0]

    item = await eventually(items_of_the_drill)
    assert item["title"] == "【演练】疏散通道堆放杂物"
    assert item["owner_id"] == recorder and item["department"] == "后勤服务中心"
    assert item["source"] == {"service": "emergency", "ref": drill_id}
    assert (item["starts_on"], item["deadline"]) == ("2026-05-12", "2026-06-11")
