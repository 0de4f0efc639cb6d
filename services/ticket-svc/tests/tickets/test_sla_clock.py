"""The SLA clocks read from a ticket's history, against cases worked out by hand.

Default calendar: Monday to Friday 08:30–12:00 and 14:30–18:00, Asia/Shanghai. 2026-09-21
is a Monday.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from ticket_svc.calendars.working_time import Period, WorkingCalendar
from ticket_svc.tickets.sla import HistoryEntry, resolve_clock, response_clock, state_of
from ticket_svc.tickets.thresholds import (
    CoordinationDeadline,
    clock_thresholds,
    coordination_thresholds,
    next_check_at,
    pending,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT = WorkingCalendar()
FULL_DAY = [Period(dt.time(8, 30), dt.time(12)), Period(dt.time(14, 30), dt.time(18))]
HOLIDAY = WorkingCalendar(
    exceptions={
        dt.date(2026, 9, 27): FULL_DAY,  # Sunday made a working day (调休)
        dt.date(2026, 9, 28): [],
        dt.date(2026, 9, 29): [],
    }
)
HOUR = dt.timedelta(hours=1)


def at(day, hour, minute=0, month=9):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def history(*entries):
    return [HistoryEntry(kind, moment) for kind, moment in entries]


def test_a_call_at_1750_on_the_friday_before_a_holiday_is_due_on_the_made_up_sunday():
    events = history(("created", at(25, 17, 50)))
    response = response_clock(HOLIDAY, dt.timedelta(minutes=60), events)
    # 10 minutes on Friday; Saturday off; the made-up Sunday opens 08:30: 50 more → 09:20.
    assert response.running and response.deadline() == at(27, 9, 20)
    # 80% of 60 minutes is 48: 10 on Friday, 38 on Sunday → 09:08.
    assert response.moment_of(0.8) == at(27, 9, 8)
    resolve = resolve_clock(HOLIDAY, 8 * HOUR, events)
    # 10 min Friday + 7 h Sunday leaves 50 min; Monday and Tuesday are holidays → Wed 09:20.
    assert resolve.deadline() == at(30, 9, 20)


def test_a_pause_across_the_lunch_break_moves_the_deadline_by_the_working_time_paused():
    events = history(
        ("created", at(21, 9)),
        ("started", at(21, 9, 5)),
        ("waiting", at(21, 11, 30)),
        ("resumed", at(21, 15)),
    )
    resolve = resolve_clock(DEFAULT, 4 * HOUR, events)
    # Ran 09:00–11:30 (2h30); paused 11:30–15:00 holds 1 h of working time (11:30–12:00,
    # 14:30–15:00); the 1h30 left runs from 15:00 → 16:30. Without the pause: 15:30.
    assert resolve.elapsed == dt.timedelta(hours=2, minutes=30)
    assert resolve.running and resolve.deadline() == at(21, 16, 30)
    assert resolve_clock(DEFAULT, 4 * HOUR, events[:2]).deadline() == at(21, 15, 30)


def test_a_paused_clock_has_no_deadline_ahead_but_keeps_one_it_crossed():
    paused = history(("created", at(21, 9)), ("waiting", at(21, 10)))
    clock = resolve_clock(DEFAULT, 4 * HOUR, paused)
    assert not clock.running and clock.moment_of(1.0) is None
    assert clock.elapsed == HOUR
    late = history(("created", at(21, 9)), ("waiting", at(22, 9)))
    clock = resolve_clock(DEFAULT, 4 * HOUR, late)
    # 09:00 + 4 working hours = 15:30 on the Monday, crossed before the wait began.
    assert clock.moment_of(1.0) == at(21, 15, 30) and clock.over(1.0)


def test_the_response_clock_stops_at_the_first_action_and_never_runs_again():
    events = history(
        ("created", at(21, 9)),
        ("started", at(21, 9, 20)),
        ("resolved", at(21, 10)),
        ("reopened", at(22, 9)),
        ("started", at(22, 11)),
    )
    response = response_clock(DEFAULT, dt.timedelta(minutes=30), events)
    assert not response.running and response.elapsed == dt.timedelta(minutes=20)
    assert not response.over(1.0) and response.deadline() == at(21, 9, 30)


def test_a_reopened_ticket_runs_on_with_what_was_left_not_counting_the_wait_for_confirmation():
    events = history(
        ("created", at(21, 9)),
        ("resolved", at(21, 10)),  # 1 h used of 2
        ("reopened", at(23, 15)),  # the two days waiting for an answer do not count
    )
    resolve = resolve_clock(DEFAULT, 2 * HOUR, events)
    assert resolve.running and resolve.deadline() == at(23, 16)


def test_a_ticket_resolved_late_was_breached_at_the_crossing_moment():
    events = history(("created", at(21, 17)), ("resolved", at(22, 10)))
    resolve = resolve_clock(DEFAULT, HOUR, events)
    # 17:00–18:00 is the whole hour: breached from Monday 18:00.
    assert resolve.over(1.0) and resolve.deadline() == at(21, 18)


def test_the_state_of_a_clock():
    kwargs = {"budget": HOUR, "warning_share": 0.8, "elapsed": dt.timedelta(0)}
    running = {"running": True, "warn_at": at(21, 9, 48), "due_at": at(21, 10), "finished": False}
    assert state_of(moment=at(21, 9, 48), **running, **kwargs) == "ok"
    assert state_of(moment=at(21, 9, 49), **running, **kwargs) == "warning"
    assert state_of(moment=at(21, 10, 1), **running, **kwargs) == "breached"
    stopped = {"running": False, "warn_at": None, "due_at": None, "budget": HOUR}
    paused_late = {**stopped, "warning_share": 0.8, "finished": False}
    assert state_of(moment=at(21, 9), elapsed=dt.timedelta(minutes=50), **paused_late) == "warning"
    finished = {**stopped, "warning_share": 0.8, "finished": True}
    assert state_of(moment=at(21, 9), elapsed=dt.timedelta(minutes=50), **finished) == "ok"
    assert state_of(moment=at(21, 9), elapsed=dt.timedelta(minutes=61), **finished) == "breached"


def test_thresholds_escalate_owner_then_dept_head_then_leader():
    resolve = resolve_clock(DEFAULT, 2 * HOUR, history(("created", at(21, 9))))
    found = clock_thresholds(
        "resolve", resolve, department="后勤", warning_share=0.8, leader_share=1.5, owned=True
    )
    # 2 h from 09:00: 80% = 1h36 → 10:36; 100% → 11:00; 150% = 3 h → 12:00.
    assert [(t.name, t.reached_at, t.escalated_to) for t in found] == [
        ("warning", at(21, 10, 36), "owner"),
        ("breached", at(21, 11), "dept_head"),
        ("leader", at(21, 12), "leader"),
    ]
    waiting = pending(found, raised=[("resolve", "", "warning")])
    assert [t.name for t in waiting] == ["breached", "leader"]
    assert next_check_at(waiting, confirm_due_at=at(21, 10)) == at(21, 10)
    assert next_check_at([], confirm_due_at=None) is None


def test_an_untaken_requests_warning_goes_to_the_department_head():
    response = response_clock(DEFAULT, dt.timedelta(minutes=30), history(("created", at(21, 9))))
    found = clock_thresholds(
        "response", response, department="后勤", warning_share=0.8, leader_share=1.5, owned=False
    )
    assert [(t.name, t.escalated_to) for t in found] == [
        ("warning", "dept_head"),
        ("breached", "dept_head"),
        ("leader", "leader"),
    ]


def test_a_coordination_is_late_when_unfinished_past_its_deadline_or_finished_after_it():
    items = [
        CoordinationDeadline("on-time", "基建处", at(21, 12), at(21, 11)),
        CoordinationDeadline("late", "财务处", at(21, 12), at(21, 15)),
        CoordinationDeadline("open", "保卫处", at(22, 12), None),
    ]
    assert [(t.target_id, t.department) for t in coordination_thresholds(items)] == [
        ("late", "财务处"),
        ("open", "保卫处"),
    ]
