"""When a copy goes out, by the bureau's clock (Asia/Shanghai): not in the quiet hours
unless it is urgent, and a digest's at the day's digest time. Pure functions of a moment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from guanjia_shared.bureau_time import BUREAU_TIMEZONE

if TYPE_CHECKING:
    from notify_svc.config import Settings

HOUR_MINUTE = r"([01]\d|2[0-3]):[0-5]\d"


def _at(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


@dataclass(frozen=True)
class QuietHours:
    """From `start` to `end` (which may be past midnight); equal: none."""

    start: dt.time
    end: dt.time

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """`22:00-07:00`; empty: no quiet hours."""
        if not text:
            return None
        start, end = text.split("-")
        return cls(_at(start), _at(end))

    def holds(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(BUREAU_TIMEZONE).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def release(self, moment: dt.datetime) -> dt.datetime:
        """`moment`, or the end of the quiet hours it falls in."""
        if not self.holds(moment):
            return moment
        return next_at(moment, self.end)


def next_at(moment: dt.datetime, at: dt.time) -> dt.datetime:
    """The first moment at `at` o'clock (bureau time) after `moment`."""
    local = moment.astimezone(BUREAU_TIMEZONE)
    candidate = dt.datetime.combine(local.date(), at, tzinfo=BUREAU_TIMEZONE)
    if candidate <= local:
        candidate = dt.datetime.combine(
            local.date() + dt.timedelta(days=1), at, tzinfo=BUREAU_TIMEZONE
        )
    return candidate.astimezone(dt.UTC)


@dataclass(frozen=True)
class Timing:
    quiet_hours: QuietHours | None
    digest_at: dt.time

    @classmethod
    def from_settings(cls, settings: Settings) -> Timing:
        return cls(QuietHours.parse(settings.quiet_hours), _at(settings.digest_at))

    def copy_due(self, moment: dt.datetime, *, urgent: bool) -> dt.datetime:
        if urgent or self.quiet_hours is None:
            return moment
        return self.quiet_hours.release(moment)

    def digest_due(self, moment: dt.datetime) -> dt.datetime:
        return next_at(moment, self.digest_at)
