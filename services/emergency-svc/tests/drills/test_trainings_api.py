"""Trainings: scheduled for departments, due by a day, recorded once; overdue from the day
after their due day, by the bureau's calendar."""

from datetime import date, datetime

from emergency_svc.drills.trainings import overdue_trainings
from guanjia_shared.bureau_time import BUREAU_TIMEZONE
from guanjia_shared.clock import frozen_at

API = "/api/v1/emergency/trainings"


def beijing(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BUREAU_TIMEZONE)


async def schedule(client, headers, **body) -> dict:
    answer = await client.post(
        API,
        json={"title": "防汛应急知识培训", "scheduled_at": "2026-03-05T14:00:00+08:00", **body},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_a_training_not_recorded_by_its_due_day_is_overdue_from_the_next_day(
    client, commander, make_plan, session_factory
):
    plan_id = await make_plan()
    due = await schedule(
        client,
        commander,
        plan_id=plan_id,
        due_by="2026-03-10",
        audience_departments=["物业管理处", "安全保卫处"],
    )
    same_day = await schedule(client, commander, title="消防器材使用培训")
    assert (due["due_by"], same_day["due_by"]) == ("2026-03-10", "2026-03-05")

    async def overdue_ids() -> set[str]:
        answer = await client.get(API, params={"overdue": "true"}, headers=commander)
        assert answer.status_code == 200, answer.text
        return {item["id"] for item in answer.json()["items"]}

    with frozen_at(beijing("2026-03-05 23:59")):
        assert await overdue_ids() == set()
    with frozen_at(beijing("2026-03-06 00:00")):
        assert await overdue_ids() == {same_day["id"]}
    with frozen_at(beijing("2026-03-10 23:00")):
        assert await overdue_ids() == {same_day["id"]}
    with frozen_at(beijing("2026-03-11 08:00")):
        assert await overdue_ids() == {same_day["id"], due["id"]}
        read = (await client.get(f"{API}/{due['id']}", headers=commander)).json()
        assert read["overdue"] is True
        recorded = await client.post(
            f"{API}/{due['id']}/record",
            json={"participants": [{"department": "物业管理处", "people": 20}]},
            headers=commander,
        )
        assert recorded.status_code == 200, recorded.text
        assert recorded.json()["status"] == "recorded" and recorded.json()["overdue"] is False
        assert await overdue_ids() == {same_day["id"]}

    async with session_factory() as session:
        assert [t.id for t in await overdue_trainings(session, date(2026, 3, 6))] == [
            same_day["id"]
        ]
        assert await overdue_trainings(session, date(2026, 3, 5)) == []


async def test_a_training_is_recorded_once(client, commander):
    training = await schedule(client, commander)
    record = {
        "participants": [{"department": "办公室", "people": 8}],
        "held_at": "2026-03-05T15:00:00+08:00",
    }
    first = await client.post(f"{API}/{training['id']}/record", json=record, headers=commander)
    assert first.status_code == 200, first.text
    assert first.json()["participants"] == [{"department": "办公室", "people": 8}]
    again = await client.post(f"{API}/{training['id']}/record", json=record, headers=commander)
    assert again.status_code == 409
    assert again.json()["rule"] == "record-once"


async def test_a_training_names_a_known_plan_and_a_due_day_not_before_its_schedule(
    client, commander
):
    unknown = await client.post(
        API,
        json={"title": "培训", "scheduled_at": "2026-03-05T14:00:00+08:00", "plan_id": "nope"},
        headers=commander,
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["pointer"] == "#/plan_id"
    early = await client.post(
        API,
        json={"title": "培训", "scheduled_at": "2026-03-05T14:00:00+08:00", "due_by": "2026-03-04"},
        headers=commander,
    )
    assert early.status_code == 422
    assert early.json()["errors"][0]["pointer"] == "#/due_by"
    assert (await client.get(API, headers=commander)).json()["total"] == 0


async def test_bureau_roles_read_trainings_and_only_admins_leaders_commanders_write(
    client, token_mint
):
    await schedule(client, token_mint.headers("leader"))
    auditor = token_mint.headers("auditor")
    assert (await client.get(API, headers=auditor)).json()["total"] == 1
    refused = await client.post(
        API,
        json={"title": "培训", "scheduled_at": "2026-03-05T14:00:00+08:00"},
        headers=auditor,
    )
    assert refused.status_code == 403
