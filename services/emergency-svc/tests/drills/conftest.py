"""The drill and training tests run emergency-svc on a database they also reach directly
(to put a plan in place and call the readiness queries)."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import column, insert, table

# Who records the drills, and so owns their follow-ups in the ledger.
COMMANDER_ID = "commander-1"


@pytest.fixture
def commander(token_mint) -> dict[str, str]:
    return token_mint.headers("commander", sub=COMMANDER_ID, department="应急办")


_plans = table(
    "plans",
    column("id"),
    column("code"),
    column("title"),
    column("kind"),
    column("status"),
    column("version"),
    column("created_at"),
)


@pytest.fixture
def make_plan(session_factory):
    """`await make_plan()`: the id of a plan row (a draft special plan: the plans folder's
    rules are not what these tests are about)."""

    async def _make(title: str = "防汛专项预案") -> str:
        plan_id = str(uuid.uuid4())
        async with session_factory() as session:
            await session.execute(
                insert(_plans).values(
                    id=plan_id,
                    code=f"TEST-{plan_id[:8]}",
                    title=title,
                    kind="special",
                    status="draft",
                    version=1,
                    created_at=datetime.now(UTC),
                )
            )
            await session.commit()
        return plan_id

    return _make
