"""The rules of calendars: unique codes, valid hours, exceptions imported by date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.errors import Conflict, NotFound, invalid_field
from guanjia_shared.pagination import PageParams, fetch_page
from ticket_svc.calendars import policy
from ticket_svc.calendars.models import (
    Calendar,
    CalendarCreate,
    CalendarException,
    CalendarUpdate,
    ExceptionIn,
    PeriodIn,
    Weekday,
    periods_from_json,
    periods_to_json,
)
from ticket_svc.calendars.working_time import (
    NoWorkingTime,
    WorkingCalendar,
    add_working_time,
)

# The longest clock the due-time question answers: a year of minutes is far past any SLA.
MAX_DUE_MINUTES = 366 * 24 * 60


def _weekly_hours_to_json(hours: dict[Weekday, list[PeriodIn]]) -> dict[str, list[dict]]:
    return {day.value: periods_to_json(hours[day]) for day in Weekday if day in hours}


async def get_calendar(*, session: AsyncSession, calendar_id: str) -> Calendar:
    calendar = await session.get(Calendar, calendar_id)
    if calendar is None:
        raise NotFound(f"no calendar {calendar_id}")
    return calendar


async def list_calendars(*, session: AsyncSession, page: PageParams) -> tuple[list[Calendar], int]:
    return await fetch_page(session, select(Calendar).order_by(Calendar.code), page)


async def create_calendar(
    *, session: AsyncSession, data: CalendarCreate, actor: Principal
) -> Calendar:
    ensure_role(actor, policy.KEEPERS)
    if await session.scalar(select(Calendar.id).where(Calendar.code == data.code)) is not None:
        raise Conflict(f"calendar code {data.code} is already used", rule="unique-calendar-code")
    calendar = Calendar(
        code=data.code,
        name=data.name,
        timezone=data.timezone,
        weekly_hours=_weekly_hours_to_json(data.weekly_hours),
    )
    session.add(calendar)
    await session.commit()
    return calendar


async def update_calendar(
    *, session: AsyncSession, calendar_id: str, data: CalendarUpdate, actor: Principal
) -> Calendar:
    ensure_role(actor, policy.KEEPERS)
    calendar = await get_calendar(session=session, calendar_id=calendar_id)
    changes = data.model_dump(exclude_unset=True)
    for name in ("name", "timezone", "weekly_hours"):
        if changes.get(name, ...) is None:
            raise invalid_field(f"{name} cannot be emptied", f"#/{name}")
    if data.name is not None:
        calendar.name = data.name
    if data.timezone is not None:
        calendar.timezone = data.timezone
    if data.weekly_hours is not None:
        calendar.weekly_hours = _weekly_hours_to_json(data.weekly_hours)
    await session.commit()
    return calendar


async def replace_exceptions(
    *, session: AsyncSession, calendar_id: str, items: list[ExceptionIn], actor: Principal
) -> list[CalendarException]:
    """Import a list of dated exceptions: each date given gets exactly what is given.

    Dates not in the list keep their exceptions, so a year's holidays can be imported
    without touching the year before.
    """
    ensure_role(actor, policy.KEEPERS)
    await get_calendar(session=session, calendar_id=calendar_id)
    seen: set[dt.date] = set()
    for index, item in enumerate(items):
        if item.date in seen:
            raise invalid_field(f"{item.date} is given twice", f"#/{index}/date")
        seen.add(item.date)
    if seen:
        await session.execute(
            delete(CalendarException).where(
                CalendarException.calendar_id == calendar_id,
                CalendarException.date.in_(seen),
            )
        )
    rows = [
        CalendarException(
            calendar_id=calendar_id,
            date=item.date,
            periods=periods_to_json(item.periods),
            note=item.note,
        )
        for item in sorted(items, key=lambda item: item.date)
    ]
    session.add_all(rows)
    await session.commit()
    return rows


async def list_exceptions(
    *,
    session: AsyncSession,
    calendar_id: str,
    page: PageParams,
    from_: dt.date | None = None,
    to: dt.date | None = None,
) -> tuple[list[CalendarException], int]:
    """The calendar's exceptions dated from `from_` to `to`, both included."""
    await get_calendar(session=session, calendar_id=calendar_id)
    if from_ is not None and to is not None and to < from_:
        raise invalid_field("to is before from", "#/to")
    query = (
        select(CalendarException)
        .where(CalendarException.calendar_id == calendar_id)
        .order_by(CalendarException.date)
    )
    if from_ is not None:
        query = query.where(CalendarException.date >= from_)
    if to is not None:
        query = query.where(CalendarException.date <= to)
    return await fetch_page(session, query, page)


async def load_working_calendar(session: AsyncSession, calendar_id: str) -> WorkingCalendar:
    """The calendar with all its exceptions, as the pure working-time functions take it."""
    calendar = await get_calendar(session=session, calendar_id=calendar_id)
    exceptions = (
        (
            await session.execute(
                select(CalendarException).where(CalendarException.calendar_id == calendar_id)
            )
        )
        .scalars()
        .all()
    )
    return WorkingCalendar(
        timezone=calendar.timezone,
        weekly_hours={
            Weekday(day).number: periods_from_json(periods)
            for day, periods in calendar.weekly_hours.items()
        },
        exceptions={row.date: periods_from_json(row.periods) for row in exceptions},
    )


async def compute_due_time(
    *, session: AsyncSession, calendar_id: str, start: dt.datetime, minutes: int
) -> dt.datetime:
    """When `minutes` of the calendar's working time have passed since `start`."""
    calendar = await load_working_calendar(session, calendar_id)
    try:
        return add_working_time(calendar, start, dt.timedelta(minutes=minutes))
    except NoWorkingTime as exc:
        raise Conflict(str(exc), rule="calendar-has-working-time") from exc
