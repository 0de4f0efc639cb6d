"""Failed-login counters, kept in the database so that every gateway replica sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column
from sqlmodel import Field as TableField

from gateway.config import Settings
from gateway.database import GatewayTable
from gateway.hashing import SecretHasher
from gateway.proxy.rate_limit import TokenBuckets
from guanjia_shared.db import UtcDateTime


class LoginThrottle(GatewayTable, table=True):
    __tablename__ = "login_throttles"

    # A digest of the account or address, never the text itself: what people type as a
    # username is sometimes their password.
    key: str = TableField(primary_key=True, max_length=64)
    # Failures on record, plus the attempts being checked (each counts before its hash).
    failures: int = TableField(default=0)
    # The last failure, or the attempt that started the count again.
    last_failed_at: datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    locked_until: datetime | None = TableField(
        default=None, sa_column=Column(UtcDateTime, nullable=True)
    )


@dataclass(frozen=True)
class LoginPolicy:
    """How failed logins are slowed and then refused (settings `login_*`)."""

    slowdown_after: int
    slowdown_step: timedelta
    slowdown_max: timedelta
    lockout_after_per_account: int
    lockout_after_per_address: int
    lockout: timedelta
    failure_window: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginPolicy:
        return cls(
            slowdown_after=settings.login_slowdown_after,
            slowdown_step=timedelta(seconds=settings.login_slowdown_step_seconds),
            slowdown_max=timedelta(seconds=settings.login_slowdown_max_seconds),
            lockout_after_per_account=settings.login_lockout_after_per_username,
            lockout_after_per_address=settings.login_lockout_after_per_address,
            lockout=timedelta(seconds=settings.login_lockout_seconds),
            failure_window=timedelta(seconds=settings.login_failure_window_seconds),
        )


@dataclass(frozen=True)
class LoginDesk:
    """What every login passes through: its address's allowance (settings
    `login_rate_limit_*`), the failure counters' policy, and the hasher of its secret."""

    policy: LoginPolicy
    allowance: TokenBuckets
    hasher: SecretHasher
