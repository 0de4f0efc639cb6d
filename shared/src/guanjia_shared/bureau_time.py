"""The bureau's calendar: effective dates, as-of days, report periods and years are days
in its own time zone (Asia/Shanghai), whatever zone a server runs in."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BeforeValidator

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


def _iso_day(value: Any) -> Any:
    if isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    raise ValueError("a day is written as ISO 8601 text, YYYY-MM-DD")


# A day a client names: ISO 8601 text only. (A plain `date` would also take a number as a
# Unix timestamp, so `?as_of=0` would mean 1970-01-01 instead of being refused.)
IsoDate = Annotated[date, BeforeValidator(_iso_day)]


def _iso_moment(value: Any) -> Any:
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value
    raise ValueError("a moment is written as ISO 8601 text, e.g. 2026-09-21T08:30:00+08:00")


# A moment a client names: ISO 8601 text only, for the same reason (a plain `datetime` would
# take `0` as 1970-01-01T00:00Z). `AwareIsoDateTime` also requires the offset, as
# `AwareDatetime` does. Both still take a `datetime` built in Python, and keep the schema of
# the type they narrow (string, format date-time).
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_moment)]
AwareIsoDateTime = Annotated[AwareDatetime, BeforeValidator(_iso_moment)]
