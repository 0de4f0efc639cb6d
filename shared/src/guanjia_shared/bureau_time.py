"""The bureau's calendar: effective dates, as-of days, report periods and years are days
in its own time zone (Asia/Shanghai), whatever zone a server runs in."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from guanjia_shared.clock import now

BUREAU_TIMEZONE = ZoneInfo("Asia/Shanghai")


def bureau_date(moment: datetime) -> date:
    return moment.astimezone(BUREAU_TIMEZONE).date()


def bureau_today() -> date:
    return bureau_date(now())


def bureau_year(moment: datetime) -> int:
    return bureau_date(moment).year


def start_of_bureau_day(day: date) -> datetime:
    """The first moment of `day` in the bureau's zone (a day's range is [start, next start))."""
    return datetime.combine(day, time(), tzinfo=BUREAU_TIMEZONE)
