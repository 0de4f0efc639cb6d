"""load_working_calendar: what the ticket code will count SLA clocks with."""

import datetime as dt

import pytest

from guanjia_shared.auth import Principal
from guanjia_shared.db import create_engine, create_session_factory
from ticket_svc.calendars import service
from ticket_svc.calendars.models import CalendarCreate, ExceptionIn, PeriodIn
from ticket_svc.calendars.working_time import Period, add_working_time
from ticket_svc.database import MIGRATIONS

ADMIN = Principal(id="admin-1", username="admin", roles=frozenset({"admin"}))
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
async def session_factory(fresh_database):
    engine = create_engine(await fresh_database(MIGRATIONS))
    yield create_session_factory(engine, service="ticket")
    await engine.dispose()


async def test_a_stored_calendar_loads_with_its_hours_and_exceptions(session_factory):
    async with session_factory() as session:
        calendar = await service.create_calendar(
            session=session, data=CalendarCreate(code="c", name="c"), actor=ADMIN
        )
        await service.replace_exceptions(
            session=session,
            calendar_id=calendar.id,
            items=[
                ExceptionIn(
                    date=dt.date(2026, 9, 27),
                    periods=[PeriodIn(start=dt.time(8, 30), end=dt.time(12))],
                ),
                ExceptionIn(date=dt.date(2026, 9, 28)),
            ],
            actor=ADMIN,
        )
        working = await service.load_working_calendar(session, calendar.id)
    assert working.timezone == "Asia/Shanghai"
    assert working.weekly_hours[0] == (
        Period(dt.time(8, 30), dt.time(12)),
        Period(dt.time(14, 30), dt.time(18)),
    )
    assert 5 not in working.weekly_hours
    assert working.exceptions[dt.date(2026, 9, 28)] == ()
    start = dt.datetime(2026, 9, 25, 17, 50, tzinfo=SHANGHAI)
    assert add_working_time(working, start, dt.timedelta(minutes=60)) == dt.datetime(
        2026, 9, 27, 9, 20, tzinfo=SHANGHAI
    )
