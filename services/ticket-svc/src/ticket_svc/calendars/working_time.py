"""Working-time arithmetic: the SLA clock counts only the hours a calendar works.

Pure functions, no I/O. A working period is half-open, [start, end): a moment at a
period's end is already outside it. All arithmetic is done on UTC instants, so a zone
with daylight saving would still count exact seconds; results come back in the zone of
the input.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Shanghai"

# No calendar search looks further than this many days: past it the calendar is taken to
# have no working time left (a bound, so a calendar without hours cannot loop forever).
MAX_SEARCH_DAYS = 366 * 50


class CalendarError(ValueError):
    """A calendar that cannot be used: bad periods, an unknown zone, or no working time."""


class NoWorkingTime(CalendarError):
    """The calendar has no working time left from the moment asked about."""


@dataclass(frozen=True, order=True)
class Period:
    """A working period within one day, [start, end); no overnight periods."""

    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise CalendarError("period times are wall-clock times, without a zone")
        if not self.start < self.end:
            raise CalendarError(f"a period must start before it ends ({self.start}–{self.end})")


def check_periods(periods: Sequence[Period]) -> tuple[Period, ...]:
    """The periods in order; refuses overlapping ones (touching ends are allowed)."""
    ordered = tuple(sorted(periods))
    for earlier, later in itertools.pairwise(ordered):
        if later.start < earlier.end:
            raise CalendarError(
                f"periods {earlier.start}–{earlier.end} and {later.start}–{later.end} overlap"
            )
    return ordered


def check_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CalendarError(f"unknown timezone {name!r}") from exc


def _periods(*pairs: tuple[str, str]) -> tuple[Period, ...]:
    return tuple(Period(dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in pairs)


# A fair municipal default: Monday to Friday, 08:30–12:00 and 14:30–18:00.
DEFAULT_DAY = _periods(("08:30", "12:00"), ("14:30", "18:00"))
DEFAULT_WEEKLY_HOURS: Mapping[int, tuple[Period, ...]] = {day: DEFAULT_DAY for day in range(5)}


@dataclass(frozen=True)
class WorkingCalendar:
    """When a service works.

    `weekly_hours` maps a weekday (Monday 0 … Sunday 6) to its periods; a missing weekday
    does not work. `exceptions` maps a date to the periods that replace that day's usual
    hours: an empty list is a holiday, periods on a weekend date make it a working day
    (调休).
    """

    timezone: str = DEFAULT_TIMEZONE
    weekly_hours: Mapping[int, Sequence[Period]] = field(
        default_factory=lambda: dict(DEFAULT_WEEKLY_HOURS)
    )
    exceptions: Mapping[dt.date, Sequence[Period]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_timezone(self.timezone)
        weekly: dict[int, tuple[Period, ...]] = {}
        for weekday, periods in self.weekly_hours.items():
            if not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise CalendarError(f"a weekday is 0 (Monday) to 6 (Sunday), not {weekday!r}")
            weekly[weekday] = check_periods(periods)
        exceptions = {day: check_periods(periods) for day, periods in self.exceptions.items()}
        object.__setattr__(self, "weekly_hours", weekly)
        object.__setattr__(self, "exceptions", exceptions)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def periods_on(self, day: dt.date) -> tuple[Period, ...]:
        if day in self.exceptions:
            return tuple(self.exceptions[day])
        return tuple(self.weekly_hours.get(day.weekday(), ()))


def _require_aware(moment: dt.datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


@functools.lru_cache(maxsize=4096)
def _day_intervals(
    timezone: str, day: dt.date, periods: tuple[Period, ...]
) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    """A day's periods as UTC instants. Cached: every SLA clock of every ticket walks the
    same few days, and the zone conversion is most of the arithmetic's cost."""
    zone = ZoneInfo(timezone)
    return tuple(
        (
            dt.datetime.combine(day, period.start, tzinfo=zone).astimezone(dt.UTC),
            dt.datetime.combine(day, period.end, tzinfo=zone).astimezone(dt.UTC),
        )
        for period in periods
    )


def _intervals_from(
    calendar: WorkingCalendar, moment: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The working intervals (UTC instants) that end after `moment`, in order.

    Stops, raising NoWorkingTime, once no working time can be left: past the last
    exception when the week has no hours, or after MAX_SEARCH_DAYS in any case.
    """
    instant = moment.astimezone(dt.UTC)
    day = instant.astimezone(calendar.zone).date()
    week_works = any(calendar.weekly_hours.values())
    last_exception = max((d for d, periods in calendar.exceptions.items() if periods), default=None)
    for _ in range(MAX_SEARCH_DAYS):
        if not week_works and (last_exception is None or day > last_exception):
            break
        for start, end in _day_intervals(calendar.timezone, day, calendar.periods_on(day)):
            if end > instant:
                yield max(start, instant), end
        day += dt.timedelta(days=1)
    raise NoWorkingTime(f"the calendar has no working time after {moment.isoformat()}")


def is_working_moment(calendar: WorkingCalendar, moment: dt.datetime) -> bool:
    """Whether `moment` falls inside a working period."""
    _require_aware(moment, "moment")
    instant = moment.astimezone(dt.UTC)
    day = instant.astimezone(calendar.zone).date()
    zone = calendar.zone
    for period in calendar.periods_on(day):
        start = dt.datetime.combine(day, period.start, tzinfo=zone).astimezone(dt.UTC)
        end = dt.datetime.combine(day, period.end, tzinfo=zone).astimezone(dt.UTC)
        if start <= instant < end:
            return True
    return False


def next_working_moment(calendar: WorkingCalendar, moment: dt.datetime) -> dt.datetime:
    """`moment` itself when it is working time, else the start of the next period."""
    _require_aware(moment, "moment")
    start, _ = next(_intervals_from(calendar, moment))
    return start.astimezone(moment.tzinfo)


def add_working_time(
    calendar: WorkingCalendar, start: dt.datetime, duration: dt.timedelta
) -> dt.datetime:
    """The moment when `duration` of working time has elapsed from `start`.

    A start outside working hours begins at the next working period. A duration that runs
    out exactly at a period's end answers that end (not the next period's start).
    """
    _require_aware(start, "start")
    if duration < dt.timedelta(0):
        raise ValueError("a duration cannot be negative")
    remaining = duration
    for begin, end in _intervals_from(calendar, start):
        if remaining <= end - begin:
            return (begin + remaining).astimezone(start.tzinfo)
        remaining -= end - begin
    raise AssertionError("unreachable: _intervals_from raises when it runs out")


def working_time_between(
    calendar: WorkingCalendar, start: dt.datetime, end: dt.datetime
) -> dt.timedelta:
    """How much working time lies in [start, end); nothing when end is not after start."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    total = dt.timedelta(0)
    if end <= start:
        return total
    stop = end.astimezone(dt.UTC)
    try:
        for begin, finish in _intervals_from(calendar, start):
            if begin >= stop:
                break
            total += min(finish, stop) - begin
    except NoWorkingTime:
        pass  # no more working time: what was counted is all there is
    return total


def end_of_working_days(calendar: WorkingCalendar, moment: dt.datetime, days: int) -> dt.datetime:
    """The close of the `days`-th working day after the day of `moment` (that day itself
    does not count): "within three working days" of a Friday afternoon ends on Wednesday
    evening in an ordinary week."""
    _require_aware(moment, "moment")
    if days < 1:
        raise ValueError("days must be at least 1")
    zone = calendar.zone
    day = moment.astimezone(zone).date()
    counted = 0
    for _ in range(MAX_SEARCH_DAYS):
        day += dt.timedelta(days=1)
        periods = calendar.periods_on(day)
        if periods:
            counted += 1
            if counted == days:
                closing = dt.datetime.combine(day, periods[-1].end, tzinfo=zone)
                return closing.astimezone(moment.tzinfo)
    raise NoWorkingTime(f"the calendar has no {days} working days after {moment.isoformat()}")
