"""Who may keep contact points and preferences, and the rules of a verification code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from gateway.config import Settings
from guanjia_shared.auth import Principal
from guanjia_shared.errors import Forbidden


def ensure_a_person(caller: Principal) -> None:
    """People are told things; another system is called back by a webhook instead."""
    if caller.kind != "user":
        raise Forbidden("only a person signed in has contact points and preferences")


@dataclass(frozen=True)
class CodeRules:
    lifetime: timedelta  # how long a code may be entered
    resend_after: timedelta  # per person and channel, so nobody floods a number with codes
    attempts: int  # wrong entries before the code is spent
    per_day: int  # codes one person may have sent in any 24 hours, all channels together

    @classmethod
    def from_settings(cls, settings: Settings) -> CodeRules:
        return cls(
            lifetime=timedelta(seconds=settings.contact_code_lifetime_seconds),
            resend_after=timedelta(seconds=settings.contact_code_resend_seconds),
            attempts=settings.contact_code_attempts,
            per_day=settings.contact_codes_per_day,
        )
