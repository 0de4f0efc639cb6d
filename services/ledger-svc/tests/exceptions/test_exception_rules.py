"""The exception rules on hand-worked days, at their boundaries (no database, no clock).

The running example: an item started 2026-01-01 and due 2026-03-31, a span of 89 days
(31 + 28 + 30)."""

import datetime as dt

import pytest

from ledger_svc.exceptions.rules import (
    ExceptionThresholds,
    ItemFacts,
    Reason,
    behind_since,
    describe,
    elapsed_share,
    find_exceptions,
    overdue_since,
    stalled_since,
)

THRESHOLDS = ExceptionThresholds(stalled_after_days=14, behind_tolerance_points=20)
STARTS, DUE = dt.date(2026, 1, 1), dt.date(2026, 3, 31)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def item(progress=0.0, *, reported=None, done=False, parent=False, starts=STARTS, due=DUE):
    return ItemFacts(
        starts_on=starts,
        deadline=due,
        progress=progress,
        done=done,
        has_children=parent,
        last_reported_on=day(reported) if reported else None,
    )


# --- behind ------------------------------------------------------------------------------


def test_progress_10_on_02_15_is_behind_the_half_of_the_time_elapsed():
    reported = item(10, reported="2026-02-15")
    # 45 of 89 days elapsed: 50.56 expected, 30.56 with the tolerance; 10 is below.
    assert elapsed_share(STARTS, DUE, day("2026-02-15")) == pytest.approx(45 / 89)
    assert find_exceptions(reported, day("2026-02-15"), THRESHOLDS) == {
        Reason.behind: day("2026-02-15")  # not before the report it is judged on
    }
    assert describe(Reason.behind, reported, day("2026-02-15"), THRESHOLDS) == {
        "progress": 10,
        "expected_progress": 50.6,
        "elapsed_share": 0.5056,
        "tolerance_points": 20,
        "gap_points": 40.6,
    }


def test_behind_begins_the_first_day_the_share_outruns_progress_and_tolerance():
    # Progress 10: behind once 100·k/89 − 20 > 10, i.e. k > 26.7: day 27 = 01-28.
    rolled_up = item(10, parent=True)
    assert behind_since(rolled_up, day("2026-01-27"), THRESHOLDS) is None
    assert behind_since(rolled_up, day("2026-01-28"), THRESHOLDS) == day("2026-01-28")
    assert behind_since(rolled_up, day("2026-03-15"), THRESHOLDS) == day("2026-01-28")
    # Nothing reported (progress 0): k > 17.8, day 18 = 01-19.
    silent = item(0)
    assert behind_since(silent, day("2026-01-18"), THRESHOLDS) is None
    assert behind_since(silent, day("2026-01-19"), THRESHOLDS) == day("2026-01-19")


def test_exactly_at_the_tolerance_is_not_behind():
    # A 100-day span: on day 50 (02-20) 50 % of the time is gone; 30 is exactly 20 below.
    starts, due = day("2026-01-01"), day("2026-04-11")
    on_the_line = item(30, starts=starts, due=due, parent=True)
    just_under = item(29.9, starts=starts, due=due, parent=True)
    assert behind_since(on_the_line, day("2026-02-20"), THRESHOLDS) is None
    assert behind_since(just_under, day("2026-02-20"), THRESHOLDS) == day("2026-02-20")


def test_on_the_start_day_nothing_is_behind_and_on_the_deadline_day_all_time_is_used():
    assert behind_since(item(0), STARTS, THRESHOLDS) is None
    assert behind_since(item(80, reported="2026-03-01"), DUE, THRESHOLDS) is None
    # 79.9 < 100·k/89 − 20 needs k > 88.9: only the deadline day itself.
    assert behind_since(item(79.9, reported="2026-03-01"), DUE, THRESHOLDS) == DUE
    assert behind_since(item(79.9, reported="2026-03-01"), day("2026-03-30"), THRESHOLDS) is None


def test_an_item_due_the_day_it_starts_has_used_all_its_time_that_day():
    one_day = day("2026-03-01")
    assert elapsed_share(one_day, one_day, one_day) == 1.0
    assert behind_since(item(79, starts=one_day, due=one_day), one_day, THRESHOLDS) == one_day
    assert behind_since(item(80, starts=one_day, due=one_day), one_day, THRESHOLDS) is None
    assert find_exceptions(
        item(79, starts=one_day, due=one_day), day("2026-03-02"), THRESHOLDS
    ) == {Reason.overdue: day("2026-03-02")}


def test_a_larger_tolerance_lets_more_through():
    lenient = ExceptionThresholds(stalled_after_days=14, behind_tolerance_points=45)
    assert behind_since(item(10, parent=True), day("2026-02-15"), lenient) is None
    assert behind_since(item(5, parent=True), day("2026-02-15"), lenient) == day("2026-02-15")


# --- overdue -----------------------------------------------------------------------------


def test_overdue_from_the_day_after_the_deadline_until_done():
    assert overdue_since(item(90), day("2026-03-31")) is None
    assert overdue_since(item(90), day("2026-04-01")) == day("2026-04-01")
    assert overdue_since(item(90), day("2026-06-30")) == day("2026-04-01")
    assert overdue_since(item(100, done=True), day("2026-06-30")) is None


def test_an_overdue_item_is_not_also_behind():
    late = item(10, reported="2026-03-25")
    assert behind_since(late, day("2026-04-01"), THRESHOLDS) is None
    assert Reason.behind not in find_exceptions(late, day("2026-04-01"), THRESHOLDS)
    assert describe(Reason.overdue, late, day("2026-04-10"), THRESHOLDS)["days_overdue"] == 10


# --- stalled -----------------------------------------------------------------------------


def test_stalled_on_day_15_after_the_last_report_not_on_day_14():
    reported = item(40, reported="2026-02-15", due=day("2026-12-31"))
    assert stalled_since(reported, day("2026-03-01"), THRESHOLDS) is None  # day 14
    assert stalled_since(reported, day("2026-03-02"), THRESHOLDS) == day("2026-03-02")  # day 15
    assert stalled_since(reported, day("2026-05-01"), THRESHOLDS) == day("2026-03-02")
    assert describe(Reason.stalled, reported, day("2026-03-02"), THRESHOLDS) == {
        "last_reported_on": "2026-02-15",
        "counted_from": "2026-02-15",
        "days_without_report": 15,
        "stalled_after_days": 14,
    }


def test_without_a_report_the_silence_counts_from_the_start():
    never = item(0, due=day("2026-12-31"))
    assert stalled_since(never, day("2026-01-15"), THRESHOLDS) is None
    assert stalled_since(never, day("2026-01-16"), THRESHOLDS) == day("2026-01-16")
    # A report made before the work started does not put the count back.
    early = item(5, reported="2025-12-20", starts=day("2026-01-01"), due=day("2026-12-31"))
    assert stalled_since(early, day("2026-01-16"), THRESHOLDS) == day("2026-01-16")


def test_items_with_parts_and_done_items_are_never_stalled():
    assert stalled_since(item(0, parent=True), day("2026-03-01"), THRESHOLDS) is None
    assert stalled_since(item(100, done=True), day("2026-03-01"), THRESHOLDS) is None
    shorter = ExceptionThresholds(stalled_after_days=7, behind_tolerance_points=20)
    assert stalled_since(item(0), day("2026-01-09"), shorter) == day("2026-01-09")


# --- together ------------------------------------------------------------------------------


def test_late_and_silent_stand_together_and_a_done_item_has_nothing():
    late_and_silent = item(10, reported="2026-02-15")
    assert find_exceptions(late_and_silent, day("2026-04-20"), THRESHOLDS) == {
        Reason.overdue: day("2026-04-01"),
        Reason.stalled: day("2026-03-02"),
    }
    assert find_exceptions(item(100, done=True), day("2026-04-20"), THRESHOLDS) == {}


def test_nothing_is_judged_before_the_work_starts():
    later = item(0, starts=day("2026-05-01"), due=day("2026-06-30"))
    assert find_exceptions(later, day("2026-04-20"), THRESHOLDS) == {}


def test_reasons_are_ranked_worst_first():
    assert sorted(Reason, key=lambda reason: reason.rank) == [
        Reason.overdue,
        Reason.behind,
        Reason.stalled,
    ]
