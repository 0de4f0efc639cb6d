"""Brute-force protection of the token endpoint. Every login first spends a token of its
address's bucket; then it reserves its attempt on the failure counters of its account and
of its address, which refuse it (429 with Retry-After) once a lockout or the limit is
reached; only then is its secret hashed. Reserving before the hash, in one statement per
counter, is what keeps parallel guesses within the limit: each one counts before it is
checked, so no more than the limit can be in flight. The answer depends on the counters
only, never on whether the account exists."""

from __future__ import annotations

import asyncio
import hashlib
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import and_, case, delete, literal, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from gateway.hashing import HashingBusy
from gateway.logins.models import LoginDesk, LoginPolicy, LoginThrottle
from gateway.proxy.rate_limit import TokenBuckets
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime, dialect_insert
from guanjia_shared.errors import RateLimited

_throttles = LoginThrottle.__table__
Holder = TypeVar("Holder")
# How soon attempts in flight have usually been checked.
_SETTLING = timedelta(seconds=1)


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


@dataclass(frozen=True)
class LoginAttempt:
    """A login that holds a place on its account's and its address's counters."""

    account_key: str
    address_key: str
    # Each counter as this attempt left it: failures on record plus attempts in flight.
    account_count: int
    address_count: int


def slowdown_for(policy: LoginPolicy, failures: int) -> timedelta:
    """The wait before a login is checked, once `slowdown_after` failures are on record."""
    beyond = failures - policy.slowdown_after
    if beyond < 0:
        return timedelta(0)
    return min(policy.slowdown_step * (beyond + 1), policy.slowdown_max)


async def guarded_login(
    *,
    session: AsyncSession,
    desk: LoginDesk,
    account: str,
    address: str,
    authenticate: Callable[[], Awaitable[Holder | None]],
) -> Holder | None:
    """`authenticate()` (which hashes) behind the guard: the holder of the credentials, or
    None when they are wrong."""
    _spend_allowance(desk.allowance, address)
    attempt = await _reserve_attempt(
        session=session, policy=desk.policy, account=account, address=address
    )
    try:
        holder = await authenticate()
    except HashingBusy:
        await _withdraw_attempt(session=session, attempt=attempt)
        raise
    if holder is None:
        await _record_failure(session=session, policy=desk.policy, attempt=attempt)
    else:
        await _settle_success(session=session, attempt=attempt)
    return holder


def _spend_allowance(allowance: TokenBuckets, address: str) -> None:
    """Before anything else, so that one address cannot take the hashing's whole share."""
    wait = allowance.take(address)
    if wait:
        raise RateLimited(
            "too many logins from this address; slow down", retry_after=math.ceil(wait)
        )


async def wait_before_check(delay: timedelta) -> None:
    """The slowdown's pause, named so that a test can see the delays asked for instead of
    timing them on a clock that a busy machine stretches."""
    await asyncio.sleep(delay.total_seconds())


async def _reserve_attempt(
    *, session: AsyncSession, policy: LoginPolicy, account: str, address: str
) -> LoginAttempt:
    """Counts the attempt on both counters, in one transaction, before its secret is
    checked; refuses it, counting nothing, while either is locked out or at its limit.
    Then waits as long as the failures on record have earned."""
    moment = now()
    account_key, address_key = _key("account", account), _key("address", address)
    account_count = await _reserve(
        session, account_key, moment, policy, policy.lockout_after_per_account
    )
    address_count = await _reserve(
        session, address_key, moment, policy, policy.lockout_after_per_address
    )
    if account_count is None or address_count is None:
        await session.rollback()
        raise RateLimited(
            "too many failed logins; try again later",
            retry_after=await _seconds_until_unlocked(session, (account_key, address_key), moment),
        )
    await session.commit()  # no transaction stays open through the wait and the hash
    delay = slowdown_for(policy, max(account_count, address_count) - 1)
    if delay:
        await wait_before_check(delay)
    return LoginAttempt(account_key, address_key, account_count, address_count)


async def _record_failure(
    *, session: AsyncSession, policy: LoginPolicy, attempt: LoginAttempt
) -> None:
    """The reserved attempt stays counted as a failure; the one that reached a limit
    starts the lockout."""
    moment = now()
    for key, count, lockout_after in (
        (attempt.account_key, attempt.account_count, policy.lockout_after_per_account),
        (attempt.address_key, attempt.address_count, policy.lockout_after_per_address),
    ):
        values: dict[str, datetime] = {"last_failed_at": moment}
        if count >= lockout_after:
            values["locked_until"] = moment + policy.lockout
        await session.execute(update(_throttles).where(_throttles.c.key == key).values(values))
    await session.commit()


async def _settle_success(*, session: AsyncSession, attempt: LoginAttempt) -> None:
    """A successful login clears its account's count; its address keeps its failures and
    only gives back the place this attempt held."""
    await session.execute(delete(_throttles).where(_throttles.c.key == attempt.account_key))
    await _give_back(session, attempt.address_key)
    await session.commit()


async def _withdraw_attempt(*, session: AsyncSession, attempt: LoginAttempt) -> None:
    """The attempt was never checked (the hashing was full): it counts as nothing."""
    await _give_back(session, attempt.account_key)
    await _give_back(session, attempt.address_key)
    await session.commit()


async def _give_back(session: AsyncSession, key: str) -> None:
    await session.execute(
        update(_throttles)
        .where(_throttles.c.key == key, _throttles.c.failures > 0)
        .values(failures=_throttles.c.failures - 1)
    )


async def _reserve(
    session: AsyncSession, key: str, moment: datetime, policy: LoginPolicy, limit: int
) -> int | None:
    """One more attempt on `key`'s counter, counted and checked in one statement (the
    database serialises them, so replicas and parallel requests lose none): the count
    after it, or None when it is refused. A count starts again after a lockout has been
    served, and after a quiet `failure_window`."""
    row = _throttles.c
    unlocked = or_(row.locked_until.is_(None), row.locked_until <= moment)
    starts_again = and_(
        unlocked,
        or_(row.last_failed_at < moment - policy.failure_window, row.locked_until.is_not(None)),
    )
    statement = (
        dialect_insert(session, _throttles)
        .values(key=key, failures=1, last_failed_at=moment, locked_until=None)
        .on_conflict_do_update(
            index_elements=[row.key],
            set_={
                "failures": case((starts_again, 1), else_=row.failures + 1),
                # The window is measured from the last failure, or from the attempt that
                # started the count again (so that parallel attempts do not each restart it).
                "last_failed_at": case(
                    (starts_again, literal(moment, UtcDateTime)), else_=row.last_failed_at
                ),
                "locked_until": None,
            },
            where=or_(starts_again, and_(row.locked_until.is_(None), row.failures < limit)),
        )
        .returning(row.failures)
    )
    count = (await session.execute(statement)).scalar_one_or_none()
    return None if count is None else int(count)


async def _seconds_until_unlocked(
    session: AsyncSession, keys: tuple[str, str], moment: datetime
) -> int:
    """The lockout's remaining time; a second when no lockout is in force yet (the attempts
    that reached the limit are still being checked, and will start one or free a place)."""
    rows = (await session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)))).all()
    await session.commit()
    locked_until = max(
        (row.locked_until for row in rows if row.locked_until and row.locked_until > moment),
        default=moment + _SETTLING,
    )
    return math.ceil((locked_until - moment).total_seconds())
