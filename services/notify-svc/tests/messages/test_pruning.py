"""The message log forgets: a settled message (sent, failed, gone out in a digest) made more
than `message_keep_days` ago is deleted, in batches; a newer one stays, and so does one
still pending or held for a digest, however old."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from guanjia_shared.clock import now
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.ids import new_id
from notify_svc.database import MIGRATIONS
from notify_svc.messages import jobs
from notify_svc.messages.jobs import prune_messages
from notify_svc.messages.models import Message

KEEP_DAYS = 400


@pytest.fixture
async def session_factory(fresh_database):
    engine = create_engine(await fresh_database(MIGRATIONS))
    yield create_session_factory(engine, service="notify")
    await engine.dispose()


def message(age_days: float, status: str) -> dict:
    made = now() - timedelta(days=age_days)
    return {
        "id": new_id(),
        "delivery_key": new_id(),
        "event_id": new_id(),
        "recipient_id": "person-1",
        "channel": "inbox",
        "address": "",
        "topic": "ticket.escalation",
        "subject": f"{status}, {age_days} days old",
        "text": "【管家】…",
        "status": status,
        "attempts": 1,
        "next_attempt_at": made,
        "fallbacks": [],
        "created_at": made,
    }


async def subjects(session_factory) -> list[str]:
    async with session_factory() as session:
        return sorted(await session.scalars(select(Message.subject)))


async def test_old_settled_messages_are_forgotten_and_the_rest_kept(session_factory, monkeypatch):
    monkeypatch.setattr(jobs, "PRUNING_BATCH", 2)  # several batches
    old = KEEP_DAYS + 1
    rows = [
        *(message(old, status) for status in ("sent", "sent", "failed", "digested", "sent")),
        message(old, "pending"),
        message(old, "held"),
        message(KEEP_DAYS - 1, "sent"),
    ]
    async with session_factory() as session:
        await session.execute(insert(Message.__table__), rows)
        await session.commit()

    assert await prune_messages(session_factory, keep_days=KEEP_DAYS) == 5
    assert await subjects(session_factory) == [
        f"held, {old} days old",
        f"pending, {old} days old",
        f"sent, {KEEP_DAYS - 1} days old",
    ]
    assert await prune_messages(session_factory, keep_days=KEEP_DAYS) == 0
