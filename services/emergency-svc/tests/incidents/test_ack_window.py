"""The acknowledgement window is set in minutes, fractions of one included: a drill of the
deputy handover (or a browser test of it) need not wait whole minutes."""

import datetime as dt

import pytest
from pydantic import ValidationError

from emergency_svc.config import Settings
from emergency_svc.incidents.time_limits import ResponseTimeLimits


def test_the_window_is_ten_minutes_unless_set():
    assert ResponseTimeLimits.from_settings(Settings()).ack_window == dt.timedelta(minutes=10)


def test_a_fraction_of_a_minute_is_taken(monkeypatch):
    monkeypatch.setenv("GUANJIA_EMERGENCY_ACK_MINUTES", "0.25")
    limits = ResponseTimeLimits.from_settings(Settings())
    assert limits.ack_window == dt.timedelta(seconds=15)


@pytest.mark.parametrize("minutes", ["0", "-1", str(24 * 60 + 1)])
def test_no_window_or_more_than_a_day_is_refused(monkeypatch, minutes):
    monkeypatch.setenv("GUANJIA_EMERGENCY_ACK_MINUTES", minutes)
    with pytest.raises(ValidationError):
        Settings()
