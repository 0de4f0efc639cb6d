"""When a copy goes out, by the bureau's clock (UTC+8): quiet hours over midnight or within
a day, and the next digest time — pure functions, at fixed moments."""

from datetime import UTC, datetime, time

import pytest

from notify_svc.messages.timing import QuietHours, Timing, next_at


def bureau(text: str) -> datetime:
    """A moment as the bureau's clock reads it, in UTC."""
    return datetime.fromisoformat(f"{text}+08:00").astimezone(UTC)


NIGHT = QuietHours(time(22, 0), time(7, 0))
LUNCH = QuietHours(time(12, 0), time(13, 30))


@pytest.mark.parametrize(
    ("quiet", "moment", "released"),
    [
        (NIGHT, "2026-12-07T21:59:59", "2026-12-07T21:59:59"),
        (NIGHT, "2026-12-07T22:00:00", "2026-12-08T07:00:00"),
        (NIGHT, "2026-12-07T23:30:00", "2026-12-08T07:00:00"),
        (NIGHT, "2026-12-08T02:00:00", "2026-12-08T07:00:00"),
        (NIGHT, "2026-12-08T07:00:00", "2026-12-08T07:00:00"),
        (NIGHT, "2026-12-31T23:00:00", "2027-01-01T07:00:00"),
        (LUNCH, "2026-12-07T11:59:00", "2026-12-07T11:59:00"),
        (LUNCH, "2026-12-07T12:45:00", "2026-12-07T13:30:00"),
        (LUNCH, "2026-12-07T13:30:00", "2026-12-07T13:30:00"),
    ],
)
def test_a_copy_in_the_quiet_hours_waits_for_their_end(quiet, moment, released):
    assert quiet.release(bureau(moment)) == bureau(released)


def test_an_urgent_copy_and_one_with_no_quiet_hours_go_at_once():
    at_night = bureau("2026-12-08T02:00:00")
    assert Timing(NIGHT, time(8, 30)).copy_due(at_night, urgent=True) == at_night
    assert Timing(None, time(8, 30)).copy_due(at_night, urgent=False) == at_night
    assert QuietHours.parse("") is None
    assert QuietHours.parse("22:00-07:00") == NIGHT


@pytest.mark.parametrize(
    ("moment", "due"),
    [
        ("2026-12-07T08:29:59", "2026-12-07T08:30:00"),
        ("2026-12-07T08:30:00", "2026-12-08T08:30:00"),
        ("2026-12-07T23:59:00", "2026-12-08T08:30:00"),
        # Past midnight UTC but not in Beijing, and the other way about.
        ("2026-12-08T07:00:00", "2026-12-08T08:30:00"),
    ],
)
def test_the_digest_goes_at_the_next_digest_time(moment, due):
    assert next_at(bureau(moment), time(8, 30)) == bureau(due)
