"""Calendars: the working hours an SLA clock counts, by weekday, with dated exceptions."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)
from sqlalchemy import JSON, Column, Date, ForeignKey, String
from sqlmodel import Field as TableField

from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText
from ticket_svc.calendars.working_time import (
    DEFAULT_TIMEZONE,
    DEFAULT_WEEKLY_HOURS,
    CalendarError,
    Period,
    check_periods,
    check_timezone,
)
from ticket_svc.database import TicketTable


class Weekday(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"

    @property
    def label(self) -> str:
        return {
            "mon": "星期一",
            "tue": "星期二",
            "wed": "星期三",
            "thu": "星期四",
            "fri": "星期五",
            "sat": "星期六",
            "sun": "星期日",
        }[self.value]

    @property
    def number(self) -> int:
        """Monday 0 … Sunday 6, as `date.weekday()` counts."""
        return list(Weekday).index(self)


class Calendar(TicketTable, table=True):
    __tablename__ = "calendars"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    code: str = TableField(sa_column=Column(String(64), unique=True, nullable=False))
    name: str = TableField(max_length=200)
    timezone: str = TableField(default=DEFAULT_TIMEZONE, max_length=64)
    # {"mon": [{"start": "08:30", "end": "12:00"}, …], …}; a weekday left out does not work.
    weekly_hours: dict[str, Any] = TableField(sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


class CalendarException(TicketTable, table=True):
    """One date whose hours differ from the week's: a holiday, or a made-up working day."""

    __tablename__ = "calendar_exceptions"

    calendar_id: str = TableField(
        sa_column=Column(
            String(36), ForeignKey("calendars.id", ondelete="CASCADE"), primary_key=True
        )
    )
    date: dt.date = TableField(sa_column=Column("date", Date, primary_key=True))
    # [{"start": "08:30", "end": "12:00"}, …]; empty is a holiday.
    periods: list[dict[str, str]] = TableField(sa_column=Column(JSON, nullable=False))
    note: str | None = TableField(default=None, max_length=200)


def _clock_text(value: dt.time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


ClockTime = Annotated[dt.time, PlainSerializer(_clock_text, return_type=str)]


class PeriodIn(StrictInput):
    """A working period of one day, `{"start": "08:30", "end": "12:00"}`."""

    start: ClockTime
    end: ClockTime

    @field_validator("start", "end")
    @classmethod
    def _wall_clock(cls, value: dt.time) -> dt.time:
        if value.tzinfo is not None:
            raise ValueError("a period time is a wall-clock time, without an offset")
        return value.replace(microsecond=0)

    @model_validator(mode="after")
    def _starts_before_it_ends(self) -> PeriodIn:
        if not self.start < self.end:
            raise ValueError("a period must start before it ends")
        return self

    def to_period(self) -> Period:
        return Period(self.start, self.end)


def _not_overlapping(periods: list[PeriodIn]) -> list[PeriodIn]:
    try:
        check_periods([period.to_period() for period in periods])
    except CalendarError as exc:
        raise ValueError(str(exc)) from exc
    return sorted(periods, key=lambda period: period.start)


DayPeriods = Annotated[list[PeriodIn], AfterValidator(_not_overlapping)]
WeeklyHours = dict[Weekday, DayPeriods]


def _known_timezone(name: str) -> str:
    try:
        check_timezone(name)
    except CalendarError as exc:
        raise ValueError(str(exc)) from exc
    return name


TimezoneName = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_known_timezone)]


def _some_working_time(hours: WeeklyHours) -> WeeklyHours:
    if not any(hours.values()):
        raise ValueError("a calendar needs working hours on at least one weekday")
    return hours


def default_weekly_hours() -> dict[Weekday, list[PeriodIn]]:
    weekdays = list(Weekday)
    return {
        weekdays[number]: [PeriodIn(start=p.start, end=p.end) for p in periods]
        for number, periods in DEFAULT_WEEKLY_HOURS.items()
    }


class CalendarCreate(StrictInput):
    code: SingleLineText = Field(min_length=1, max_length=64)
    name: SingleLineText = Field(min_length=1, max_length=200)
    timezone: TimezoneName = DEFAULT_TIMEZONE
    weekly_hours: Annotated[WeeklyHours, AfterValidator(_some_working_time)] = Field(
        default_factory=default_weekly_hours
    )


class CalendarUpdate(StrictInput):
    name: SingleLineText | None = Field(default=None, min_length=1, max_length=200)
    timezone: TimezoneName | None = None
    weekly_hours: Annotated[WeeklyHours, AfterValidator(_some_working_time)] | None = None


class CalendarRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    name: str
    timezone: str
    weekly_hours: dict[Weekday, list[PeriodIn]]
    created_at: dt.datetime


class ExceptionIn(StrictInput):
    """One dated exception: `periods` empty is a holiday; periods on a weekend, 调休."""

    date: IsoDate
    periods: DayPeriods = Field(default_factory=list)
    note: MultiLineText | None = Field(default=None, max_length=200)


class ExceptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    date: dt.date
    periods: list[PeriodIn]
    note: str | None


class DueRead(BaseModel):
    calendar_id: str
    start: dt.datetime
    minutes: int
    due_at: dt.datetime


def periods_to_json(periods: list[PeriodIn]) -> list[dict[str, str]]:
    return [period.model_dump(mode="json") for period in periods]


def periods_from_json(stored: list[dict[str, str]]) -> list[Period]:
    return [
        Period(dt.time.fromisoformat(item["start"]), dt.time.fromisoformat(item["end"]))
        for item in stored
    ]
