"""The rules of management by exception (例外原则), as plain functions of one item on one day.

The bureau's words: "运作过程中，主要由责任人自主管理或自我控制，局里只是根据例外原则对重大问题
加以过问或干预" — owners run their items themselves; the leadership looks only at what has
gone wrong. These rules say what "gone wrong" means, judged on a bureau day `today`:

- overdue: past the deadline in force and not done. Since the day after the deadline
  (done *on* the deadline day is on time).
- stalled: an open item without parts that nobody has reported on for `stalled_after_days`
  whole days, counted from the day of its last report or, with none yet, from the day it
  starts (whichever is later: a report made before the work started does not put the
  count back). With 14 days and a report on 02-15, 02-16 … 03-01 are the 14 silent days:
  not stalled on 03-01, stalled from 03-02. Parents are not judged: nobody reports on
  them, their progress is their parts'.
- behind: an open item, on a day within [starts_on, deadline], whose progress is more than
  `behind_tolerance_points` below the share of its time elapsed:
  `progress < 100 × (today − starts_on) / (deadline − starts_on) − tolerance` (strictly).
  An item due the day it starts has used all its time on that day (share 1), as any item
  has on its deadline day. Parents are judged on their rolled-up progress.
  Since: the first day on which the current progress was behind the clock — but not
  before the day that progress was reported (for a leaf), as an earlier day was judged on
  an earlier report.
- overdue supersedes behind: behind is a warning while there is still time, so it is
  judged only up to the deadline and an overdue item is never also behind. Overdue and
  stalled do stand together: late and silent are two different things to ask about.
- A done item has no exceptions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

ONE_DAY = dt.timedelta(days=1)


class Reason(StrEnum):
    """Why an item needs the leadership's attention; listed worst first."""

    overdue = "overdue"
    behind = "behind"
    stalled = "stalled"

    @property
    def label(self) -> str:
        return {
            "overdue": "逾期未完成",
            "behind": "进度滞后",
            "stalled": "长期未报进展",
        }[self.value]

    @property
    def rank(self) -> int:
        """0 is the worst: late outranks slow, slow outranks silent."""
        return list(Reason).index(self)


@dataclass(frozen=True)
class ExceptionThresholds:
    """The thresholds the bureau sets: the settings `stalled_after_days` and
    `behind_tolerance_points` (their defaults are in config.py)."""

    stalled_after_days: int
    behind_tolerance_points: float


@dataclass(frozen=True)
class ItemFacts:
    """What the rules read of an item. `last_reported_on` is the bureau day of its last
    progress report (None for none)."""

    starts_on: dt.date
    deadline: dt.date
    progress: float
    done: bool
    has_children: bool
    last_reported_on: dt.date | None = None


def find_exceptions(
    facts: ItemFacts, today: dt.date, thresholds: ExceptionThresholds
) -> dict[Reason, dt.date]:
    """The exceptions that hold for the item on `today`, each with the day it began."""
    found = {
        Reason.overdue: overdue_since(facts, today),
        Reason.behind: behind_since(facts, today, thresholds),
        Reason.stalled: stalled_since(facts, today, thresholds),
    }
    return {reason: since for reason, since in found.items() if since is not None}


def overdue_since(facts: ItemFacts, today: dt.date) -> dt.date | None:
    if facts.done or today <= facts.deadline:
        return None
    return facts.deadline + ONE_DAY


def silence_counted_from(facts: ItemFacts) -> dt.date:
    """The day the days without a report are counted from."""
    if facts.last_reported_on is None:
        return facts.starts_on
    return max(facts.last_reported_on, facts.starts_on)


def stalled_since(
    facts: ItemFacts, today: dt.date, thresholds: ExceptionThresholds
) -> dt.date | None:
    if facts.done or facts.has_children:
        return None
    since = silence_counted_from(facts) + dt.timedelta(days=thresholds.stalled_after_days + 1)
    return since if today >= since else None


def elapsed_share(starts_on: dt.date, deadline: dt.date, day: dt.date) -> float:
    """The share of the item's time used by the start of `day`, from 0 to 1."""
    span = (deadline - starts_on).days
    if span <= 0:
        return 1.0  # due the day it starts: that day is all the time there is
    return min(max((day - starts_on).days / span, 0.0), 1.0)


def expected_progress(facts: ItemFacts, day: dt.date) -> float:
    return 100.0 * elapsed_share(facts.starts_on, facts.deadline, day)


def is_behind_on(facts: ItemFacts, day: dt.date, thresholds: ExceptionThresholds) -> bool:
    """The behind test itself, on `day`, for the item's current progress."""
    if facts.done or not facts.starts_on <= day <= facts.deadline:
        return False
    return facts.progress < expected_progress(facts, day) - thresholds.behind_tolerance_points


def behind_since(
    facts: ItemFacts, today: dt.date, thresholds: ExceptionThresholds
) -> dt.date | None:
    if not is_behind_on(facts, today, thresholds):
        return None
    # The share only grows, so the days behind are a run ending today: find its start by
    # halving [starts_on, today] with the same test (no second, rounded formula).
    earliest, latest = facts.starts_on, today
    while earliest < latest:
        middle = earliest + dt.timedelta(days=(latest - earliest).days // 2)
        if is_behind_on(facts, middle, thresholds):
            latest = middle
        else:
            earliest = middle + ONE_DAY
    if facts.last_reported_on is not None and not facts.has_children:
        return max(earliest, min(facts.last_reported_on, today))
    return earliest


def describe(
    reason: Reason, facts: ItemFacts, today: dt.date, thresholds: ExceptionThresholds
) -> dict[str, Any]:
    """The figures behind an exception on `today`, for the people reading it."""
    if reason is Reason.overdue:
        return {
            "deadline": facts.deadline.isoformat(),
            "days_overdue": max((today - facts.deadline).days, 0),
            "progress": facts.progress,
        }
    if reason is Reason.behind:
        expected = expected_progress(facts, min(max(today, facts.starts_on), facts.deadline))
        return {
            "progress": facts.progress,
            "expected_progress": round(expected, 1),
            "elapsed_share": round(expected / 100.0, 4),
            "tolerance_points": thresholds.behind_tolerance_points,
            "gap_points": round(expected - facts.progress, 1),
        }
    counted_from = silence_counted_from(facts)
    return {
        "last_reported_on": facts.last_reported_on.isoformat() if facts.last_reported_on else None,
        "counted_from": counted_from.isoformat(),
        "days_without_report": max((today - counted_from).days, 0),
        "stalled_after_days": thresholds.stalled_after_days,
    }
