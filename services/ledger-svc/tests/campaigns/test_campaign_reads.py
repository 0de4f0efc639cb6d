"""A campaign is read in one answer with a constant number of queries, however many
activities, participants and results it has."""

from sqlalchemy import event

from .campaign_helpers import (
    CAMPAIGNS,
    add_activity,
    create_campaign,
    record_result,
    set_participants,
)


async def statements_to_read(client, app, headers, campaign_id):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_):
        # The outbox relay shares the engine and polls meanwhile: count the read's own.
        if "campaign" in statement:
            statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = await client.get(f"{CAMPAIGNS}/{campaign_id}", headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert answer.status_code == 200, answer.text
    return answer.json(), len(statements)


async def add_contest(client, headers, campaign_id, number):
    activity = await add_activity(
        client, headers, campaign_id, title=f"技能比赛{number}", held_on=f"2025-05-{number:02d}"
    )
    departments = [f"科室{number}-{n}" for n in range(3)]
    await set_participants(
        client, headers, campaign_id, activity["id"], [(d, 2) for d in departments]
    )
    for rank, department in enumerate(departments, start=1):
        await record_result(
            client, headers, campaign_id, activity["id"], department=department, rank=rank
        )


async def test_reading_a_campaign_takes_as_many_queries_for_eight_activities_as_for_one(
    running_service, token_mint
):
    client, app = running_service.client, running_service.app
    leader = token_mint.headers("leader")
    campaign = await create_campaign(client, leader)
    await add_contest(client, leader, campaign["id"], 1)
    body, few = await statements_to_read(client, app, leader, campaign["id"])
    assert len(body["activities"]) == 1 and len(body["activities"][0]["results"]) == 3
    assert few == 4  # the campaign, its activities, their participants, their results

    for number in range(2, 9):
        await add_contest(client, leader, campaign["id"], number)
    body, many = await statements_to_read(client, app, leader, campaign["id"])
    assert len(body["activities"]) == 8
    assert sum(len(a["participants"]) for a in body["activities"]) == 24
    assert sum(len(a["results"]) for a in body["activities"]) == 24
    assert many == few
