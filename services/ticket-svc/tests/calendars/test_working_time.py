"""The working-time arithmetic, against cases worked out by hand.

The default calendar works Monday to Friday, 08:30–12:00 and 14:30–18:00, Asia/Shanghai.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ticket_svc.calendars.working_time import (
    CalendarError,
    NoWorkingTime,
    Period,
    WorkingCalendar,
    add_working_time,
    end_of_working_days,
    is_working_moment,
    next_working_moment,
    working_time_between,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT = WorkingCalendar()
MORNING = Period(dt.time(8, 30), dt.time(12))
AFTERNOON = Period(dt.time(14, 30), dt.time(18))

# A holiday after Friday 2026-09-25: Monday 28 and Tuesday 29 are off, and Sunday 27 is
# made a working day (调休).
HOLIDAY = WorkingCalendar(
    exceptions={
        dt.date(2026, 9, 27): [MORNING, AFTERNOON],
        dt.date(2026, 9, 28): [],
        dt.date(2026, 9, 29): [],
    }
)


def at(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=SHANGHAI)


def minutes(n: int) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def test_a_call_late_on_friday_before_a_holiday_is_due_on_the_made_up_sunday():
    # Friday 25 17:50 → 18:00 counts 10 minutes; Saturday 26 is off; Sunday 27 is a
    # made-up working day opening 08:30, so the other 50 minutes end at 09:20.
    assert add_working_time(HOLIDAY, at(25, 17, 50), minutes(60)) == at(27, 9, 20)


def test_a_half_hour_from_late_friday_is_due_early_on_the_made_up_sunday():
    # 10 minutes on Friday, 20 on Sunday from 08:30: 08:50.
    assert add_working_time(HOLIDAY, at(25, 17, 50), minutes(30)) == at(27, 8, 50)


def test_a_clock_running_through_the_sunday_skips_the_holidays_to_wednesday():
    # Sunday 27 works 7 hours (3h30 + 3h30); 10 minutes on Friday + 7h = 7h10. An 8-hour
    # clock has 50 minutes left after Sunday; Mon 28 and Tue 29 are off: Wed 30 09:20.
    assert add_working_time(HOLIDAY, at(25, 17, 50), minutes(8 * 60)) == at(30, 9, 20)


def test_without_the_exceptions_the_same_call_is_due_on_monday():
    assert add_working_time(DEFAULT, at(25, 17, 50), minutes(60)) == at(28, 9, 20)


def test_the_clock_stops_over_the_lunch_break():
    # 11:50 → 12:00 is 10 minutes; 20 more from 14:30.
    assert add_working_time(DEFAULT, at(24, 11, 50), minutes(30)) == at(24, 14, 50)


def test_a_start_before_opening_begins_at_opening():
    assert add_working_time(DEFAULT, at(24, 7, 0), minutes(45)) == at(24, 9, 15)


def test_a_start_at_a_period_boundary_counts_from_that_moment():
    assert add_working_time(DEFAULT, at(24, 14, 30), minutes(1)) == at(24, 14, 31)
    assert add_working_time(DEFAULT, at(24, 8, 30), minutes(210)) == at(24, 12, 0)


def test_a_clock_that_runs_out_at_closing_is_due_at_closing_not_next_morning():
    assert add_working_time(DEFAULT, at(24, 17, 0), minutes(60)) == at(24, 18, 0)


def test_a_start_exactly_at_closing_begins_the_next_working_morning():
    # Thursday 24 18:00 is outside the period [14:30, 18:00).
    assert add_working_time(DEFAULT, at(24, 18, 0), minutes(10)) == at(25, 8, 40)
    # Friday 25 18:00: the weekend passes, Monday 28 08:40.
    assert add_working_time(DEFAULT, at(25, 18, 0), minutes(10)) == at(28, 8, 40)


def test_a_start_at_noon_waits_for_the_afternoon():
    assert add_working_time(DEFAULT, at(24, 12, 0), minutes(5)) == at(24, 14, 35)


def test_a_zero_duration_is_due_at_the_next_working_moment():
    assert add_working_time(DEFAULT, at(24, 12, 30), dt.timedelta(0)) == at(24, 14, 30)
    assert add_working_time(DEFAULT, at(24, 10, 0), dt.timedelta(0)) == at(24, 10, 0)


def test_the_arithmetic_is_exact_to_the_second():
    assert add_working_time(DEFAULT, at(24, 11, 59, 59), dt.timedelta(seconds=2)) == at(
        24, 14, 30, 1
    )


def test_several_working_days_are_counted_whole():
    # Monday 21 08:30, three 7-hour days: due Wednesday 23 18:00.
    assert add_working_time(DEFAULT, at(21, 8, 30), minutes(21 * 60)) == at(23, 18, 0)


def test_an_input_in_utc_gives_the_same_instant_in_utc():
    start = at(25, 17, 50).astimezone(dt.UTC)  # 09:50Z
    due = add_working_time(HOLIDAY, start, minutes(60))
    assert due == at(27, 9, 20)
    assert due.tzinfo is dt.UTC
    assert due == dt.datetime(2026, 9, 27, 1, 20, tzinfo=dt.UTC)


def test_an_input_with_a_fixed_offset_comes_back_with_that_offset():
    plus8 = dt.timezone(dt.timedelta(hours=8))
    due = add_working_time(DEFAULT, dt.datetime(2026, 9, 24, 11, 50, tzinfo=plus8), minutes(30))
    assert due.tzinfo is plus8
    assert due == at(24, 14, 50)


@pytest.mark.parametrize(
    ("start", "duration"),
    [
        (at(25, 17, 50), minutes(60)),
        (at(25, 17, 50), minutes(8 * 60)),
        (at(24, 11, 50), minutes(30)),
        (at(24, 7, 0), minutes(45)),
        (at(26, 13, 0), minutes(3 * 60 + 7)),
        (at(24, 18, 0), dt.timedelta(hours=40, seconds=17)),
    ],
)
def test_working_time_between_undoes_add_working_time(start, duration):
    due = add_working_time(HOLIDAY, start, duration)
    assert working_time_between(HOLIDAY, start, due) == duration


def test_working_time_between_counts_only_working_periods():
    # Thursday 24 10:00 to Friday 25 15:00: 2h + 3h30 on Thursday, 3h30 + 30m on Friday.
    assert working_time_between(DEFAULT, at(24, 10), at(25, 15)) == dt.timedelta(
        hours=9, minutes=30
    )


def test_working_time_between_a_weekend_is_nothing():
    assert working_time_between(DEFAULT, at(26, 0), at(27, 23)) == dt.timedelta(0)


def test_working_time_between_is_nothing_when_the_end_is_not_after_the_start():
    assert working_time_between(DEFAULT, at(24, 10), at(24, 9)) == dt.timedelta(0)


def test_is_working_moment_treats_periods_as_half_open():
    assert is_working_moment(DEFAULT, at(24, 8, 30))
    assert is_working_moment(DEFAULT, at(24, 11, 59, 59))
    assert not is_working_moment(DEFAULT, at(24, 12, 0))
    assert not is_working_moment(DEFAULT, at(24, 18, 0))
    assert not is_working_moment(HOLIDAY, at(28, 10, 0))
    assert is_working_moment(HOLIDAY, at(27, 10, 0))


def test_next_working_moment():
    assert next_working_moment(DEFAULT, at(24, 10, 0)) == at(24, 10, 0)
    assert next_working_moment(DEFAULT, at(24, 12, 0)) == at(24, 14, 30)
    assert next_working_moment(HOLIDAY, at(25, 18, 0)) == at(27, 8, 30)
    assert next_working_moment(DEFAULT, at(25, 18, 0)) == at(28, 8, 30)


def test_a_calendar_with_no_working_time_raises_instead_of_looping():
    empty = WorkingCalendar(weekly_hours={})
    with pytest.raises(NoWorkingTime):
        add_working_time(empty, at(24, 10), minutes(1))
    with pytest.raises(NoWorkingTime):
        next_working_moment(empty, at(24, 10))
    assert working_time_between(empty, at(24, 10), at(30, 10)) == dt.timedelta(0)


def test_a_calendar_working_only_on_exception_days_runs_out_after_them():
    only_one_day = WorkingCalendar(weekly_hours={}, exceptions={dt.date(2026, 9, 27): [MORNING]})
    assert add_working_time(only_one_day, at(24, 10), minutes(30)) == at(27, 9, 0)
    with pytest.raises(NoWorkingTime):
        add_working_time(only_one_day, at(24, 10), minutes(4 * 60))


def test_a_calendar_whose_week_is_all_holidays_for_a_while_still_finds_time():
    # Every weekday of September and October off: the clock starts in November.
    days = [dt.date(2026, 9, 1) + dt.timedelta(days=n) for n in range(61)]
    long_break = WorkingCalendar(exceptions={day: [] for day in days})
    assert add_working_time(long_break, at(1, 9), minutes(10)) == at(2, 8, 40, month=11)


def test_a_period_must_start_before_it_ends():
    with pytest.raises(CalendarError):
        Period(dt.time(12), dt.time(8, 30))
    with pytest.raises(CalendarError):
        Period(dt.time(9), dt.time(9))


def test_overlapping_periods_are_refused():
    with pytest.raises(CalendarError, match="overlap"):
        WorkingCalendar(weekly_hours={0: [MORNING, Period(dt.time(11), dt.time(13))]})
    with pytest.raises(CalendarError, match="overlap"):
        WorkingCalendar(exceptions={dt.date(2026, 9, 27): [MORNING, MORNING]})


def test_touching_periods_are_allowed():
    calendar = WorkingCalendar(weekly_hours={0: [MORNING, Period(dt.time(12), dt.time(13))]})
    assert add_working_time(calendar, at(21, 11, 50), minutes(20)) == at(21, 12, 10)


def test_a_bad_weekday_or_timezone_is_refused():
    with pytest.raises(CalendarError, match="weekday"):
        WorkingCalendar(weekly_hours={7: [MORNING]})
    with pytest.raises(CalendarError, match="timezone"):
        WorkingCalendar(timezone="Mars/Olympus_Mons")


def test_naive_moments_and_negative_durations_are_refused():
    with pytest.raises(ValueError, match="aware"):
        add_working_time(DEFAULT, dt.datetime(2026, 9, 24, 10), minutes(1))
    with pytest.raises(ValueError, match="negative"):
        add_working_time(DEFAULT, at(24, 10), minutes(-1))


def test_another_timezone_counts_its_own_wall_clock():
    paris = WorkingCalendar(timezone="Europe/Paris")
    # Thursday 24 17:50 in Paris (+02:00) + 30 minutes: 10 today, 20 on Friday from 08:30.
    start = dt.datetime(2026, 9, 24, 17, 50, tzinfo=ZoneInfo("Europe/Paris"))
    due = add_working_time(paris, start, minutes(30))
    assert due == dt.datetime(2026, 9, 25, 8, 50, tzinfo=ZoneInfo("Europe/Paris"))


def test_a_clock_across_a_daylight_saving_change_counts_real_seconds():
    # Paris goes from +02:00 to +01:00 on Sunday 2026-10-25; working hours are wall-clock.
    paris = WorkingCalendar(timezone="Europe/Paris")
    zone = ZoneInfo("Europe/Paris")
    start = dt.datetime(2026, 10, 23, 17, 0, tzinfo=zone)
    due = add_working_time(paris, start, minutes(90))
    assert due == dt.datetime(2026, 10, 26, 9, 0, tzinfo=zone)
    assert working_time_between(paris, start, due) == minutes(90)


def test_three_working_days_from_a_friday_end_on_wednesday_evening():
    assert end_of_working_days(DEFAULT, at(25, 16, 0), 3) == at(30, 18, 0)


def test_working_days_skip_holidays_and_count_a_made_up_sunday():
    # From Friday 25: Sunday 27 works (1), Mon 28 and Tue 29 are off, Wed 30 (2), Thu 1 Oct (3).
    assert end_of_working_days(HOLIDAY, at(25, 16, 0), 1) == at(27, 18, 0)
    assert end_of_working_days(HOLIDAY, at(25, 16, 0), 3) == at(1, 18, 0, month=10)


def test_working_days_need_a_calendar_that_works():
    with pytest.raises(NoWorkingTime):
        end_of_working_days(WorkingCalendar(weekly_hours={}), at(25, 16, 0), 1)
