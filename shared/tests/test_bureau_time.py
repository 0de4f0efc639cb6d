"""Days a client names are ISO 8601 text (found by the property-based tests in
tests/faults/api: `?as_of=0` was read as 1970-01-01)."""

from datetime import date, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from guanjia_shared.bureau_time import IsoDate

days = TypeAdapter(IsoDate | None)


def test_an_iso_day_is_a_day():
    assert days.validate_python("2026-09-21") == date(2026, 9, 21)
    assert days.validate_json('"2026-09-21"') == date(2026, 9, 21)
    assert days.validate_python(date(2026, 9, 21)) == date(2026, 9, 21)
    assert days.validate_python(None) is None


@pytest.mark.parametrize("value", ["0", "0.0", "1758412800", 0, 1758412800, "2026-02-30", ""])
def test_numbers_and_impossible_days_are_refused(value):
    with pytest.raises(ValidationError):
        days.validate_python(value)


def test_a_moment_is_not_a_day():
    with pytest.raises(ValidationError):
        days.validate_python(datetime(2026, 9, 21, 8, 30))
