"""Many rows at once: an insert of more parameters than one statement may carry (PostgreSQL's
wire numbers them in 16 bits) still writes every row, and leaves out those already there."""

from sqlalchemy import func, select

from guanjia_shared.clock import now
from guanjia_shared.db import insert_new_rows
from guanjia_shared.platform_tables import inbox

COLUMNS = 4  # the inbox's: consumer, event_id, event_type, processed_at


def inbox_rows(numbers: range) -> list[dict]:
    return [
        {
            "consumer": "fan-out",
            "event_id": f"event-{number}",
            "event_type": "emergency.task.assigned",
            "processed_at": now(),
        }
        for number in numbers
    ]


async def test_rows_beyond_one_statements_parameters_are_all_written_once(session_factory):
    count = 32_767 // COLUMNS * 2 + 10  # beyond what PostgreSQL takes in one statement
    async with session_factory() as session:
        await insert_new_rows(
            session, inbox, inbox_rows(range(100)), unique=["consumer", "event_id"]
        )
        await session.commit()
    async with session_factory() as session:
        await insert_new_rows(
            session, inbox, inbox_rows(range(count)), unique=["consumer", "event_id"]
        )
        await session.commit()
    async with session_factory() as session:
        written = await session.scalar(select(func.count()).select_from(inbox))
        distinct = await session.scalar(select(func.count(func.distinct(inbox.c.event_id))))
    assert written == distinct == count


async def test_no_rows_is_no_statement(session_factory):
    async with session_factory() as session:
        await insert_new_rows(session, inbox, [], unique=["consumer", "event_id"])
        await session.commit()
        assert await session.scalar(select(func.count()).select_from(inbox)) == 0
