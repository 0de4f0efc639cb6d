"""Brute-force protection of the token endpoint. Failed logins, counted per account and per
client address, earn a growing delay and then a lockout (429 with Retry-After). The answer
depends on the counters only, never on whether the account exists."""

from __future__ import annotations

import asyncio
import hashlib
import math
from datetime import datetime, timedelta

from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from gateway.logins.models import LoginPolicy, LoginThrottle
from guanjia_shared.clock import now
from guanjia_shared.errors import RateLimited

_throttles = LoginThrottle.__table__


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def slowdown_for(policy: LoginPolicy, failures: int) -> timedelta:
    """The wait before a login is checked, once `slowdown_after` failures are on record."""
    beyond = failures - policy.slowdown_after
    if beyond < 0:
        return timedelta(0)
    return min(policy.slowdown_step * (beyond + 1), policy.slowdown_max)


async def guard_login(
    *, session: AsyncSession, policy: LoginPolicy, account: str, address: str
) -> None:
    """Refuses a login while its account or address is locked out; otherwise waits as long
    as the failures on record have earned."""
    rows = (
        await session.scalars(
            select(LoginThrottle).where(
                LoginThrottle.key.in_([_key("account", account), _key("address", address)])
            )
        )
    ).all()
    await session.commit()  # no transaction stays open through the wait below
    moment = now()
    locked_until = max(
        (row.locked_until for row in rows if row.locked_until and row.locked_until > moment),
        default=None,
    )
    if locked_until is not None:
        raise RateLimited(
            "too many failed logins; try again later",
            retry_after=math.ceil((locked_until - moment).total_seconds()),
        )
    recent = moment - policy.failure_window
    failures = max((row.failures for row in rows if row.last_failed_at > recent), default=0)
    delay = slowdown_for(policy, failures)
    if delay:
        await asyncio.sleep(delay.total_seconds())


async def record_failed_login(
    *, session: AsyncSession, policy: LoginPolicy, account: str, address: str
) -> None:
    moment = now()
    for key, lockout_after in (
        (_key("account", account), policy.lockout_after_per_account),
        (_key("address", address), policy.lockout_after_per_address),
    ):
        failures = await _count_failure(session, key, moment, policy.failure_window)
        if failures >= lockout_after:
            await session.execute(
                update(_throttles)
                .where(_throttles.c.key == key)
                .values(locked_until=moment + policy.lockout)
            )
    await session.commit()


async def forget_failed_logins(*, session: AsyncSession, account: str) -> None:
    """A successful login clears its account's count (the address keeps its own)."""
    await session.execute(delete(_throttles).where(_throttles.c.key == _key("account", account)))
    await session.commit()


async def _count_failure(
    session: AsyncSession, key: str, moment: datetime, window: timedelta
) -> int:
    """One more failure for `key`, counted atomically so that replicas do not lose any; a
    failure long after the previous one starts the count again."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(_throttles)
        .values(key=key, failures=1, last_failed_at=moment)
        .on_conflict_do_update(
            index_elements=[_throttles.c.key],
            set_={
                "failures": case(
                    (_throttles.c.last_failed_at < moment - window, 1),
                    else_=_throttles.c.failures + 1,
                ),
                "last_failed_at": moment,
            },
        )
        .returning(_throttles.c.failures)
    )
    return int((await session.execute(statement)).scalar_one())
