"""The bureau's calendar: effective dates and as-of days are days in its own time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from guanjia_shared.clock import now

BUREAU_TIMEZONE = ZoneInfo("Asia/Shanghai")


def bureau_date(moment: datetime) -> date:
    return moment.astimezone(BUREAU_TIMEZONE).date()


def bureau_today() -> date:
    return bureau_date(now())
