from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from gateway.database import MIGRATIONS
from gateway.hashing import HashingBusy, SecretHasher
from gateway.logins.models import LoginDesk, LoginPolicy
from gateway.logins.service import guarded_login, slowdown_for
from gateway.proxy.rate_limit import TokenBuckets
from guanjia_shared.clock import frozen_at
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.errors import DomainError

POLICY = LoginPolicy(
    slowdown_after=3,
    slowdown_step=timedelta(milliseconds=250),
    slowdown_max=timedelta(seconds=1),
    lockout_after_per_account=10,
    lockout_after_per_address=50,
    lockout=timedelta(minutes=15),
    failure_window=timedelta(minutes=15),
)


def test_the_first_failures_cost_no_wait():
    assert [slowdown_for(POLICY, failures) for failures in range(3)] == [timedelta(0)] * 3


def test_the_wait_grows_with_each_failure_up_to_its_cap():
    waits = [slowdown_for(POLICY, failures).total_seconds() for failures in range(3, 9)]
    assert waits == [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]


@pytest.fixture
async def sessions(fresh_database):
    engine = create_engine(await fresh_database(MIGRATIONS))
    yield create_session_factory(engine, service="gateway")
    await engine.dispose()


def desk_with(**policy) -> LoginDesk:
    return LoginDesk(
        policy=replace(POLICY, slowdown_max=timedelta(0), **policy),
        allowance=TokenBuckets(rate=1000, burst=1000),
        hasher=SecretHasher(concurrency=1, queue=0),
    )


async def attempt(sessions, desk: LoginDesk, outcome) -> str:
    """How one login of `someone` ends when its check answers `outcome`: a holder, None
    (wrong credentials), or a refusal it raises."""

    async def check():
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async with sessions() as session:
        try:
            holder = await guarded_login(
                session=session,
                desk=desk,
                account="user:someone",
                address="10.0.0.1",
                authenticate=check,
            )
        except DomainError as refusal:
            return refusal.slug
    return "wrong" if holder is None else "right"


async def test_a_served_lockout_starts_the_count_again(sessions):
    desk = desk_with(lockout_after_per_account=2, lockout=timedelta(minutes=10))
    locked_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with frozen_at(locked_at):
        ends = [await attempt(sessions, desk, None) for _ in range(3)]
        assert ends == ["wrong", "wrong", "rate-limited"]
    with frozen_at(locked_at + timedelta(minutes=9)):
        assert await attempt(sessions, desk, "user") == "rate-limited"
    with frozen_at(locked_at + timedelta(minutes=10, seconds=1)):
        ends = [await attempt(sessions, desk, None) for _ in range(3)]
        assert ends == ["wrong", "wrong", "rate-limited"]


async def test_a_login_never_checked_counts_for_nothing(sessions):
    desk = desk_with(lockout_after_per_account=2)
    busy = HashingBusy("too many logins are being checked at once", retry_after=1)
    outcomes = [busy, busy, busy, None, None, "user"]
    ends = [await attempt(sessions, desk, outcome) for outcome in outcomes]
    assert ends == ["hashing-busy"] * 3 + ["wrong", "wrong", "rate-limited"]
