"""Days and moments a client names are ISO 8601 text (found by the property-based tests in
tests/api_fuzz: `?as_of=0` was read as 1970-01-01, and so was `{"deadline": 0}`)."""

from datetime import date, datetime, timedelta, timezone

import pytest
from pydantic import TypeAdapter, ValidationError

from guanjia_shared.bureau_time import AwareIsoDateTime, IsoDate, IsoDateTime

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


moments = TypeAdapter(IsoDateTime | None)
aware_moments = TypeAdapter(AwareIsoDateTime | None)
SHANGHAI = timezone(timedelta(hours=8))


def test_an_iso_moment_is_a_moment():
    expected = datetime(2026, 9, 21, 8, 30, tzinfo=SHANGHAI)
    for adapter in (moments, aware_moments):
        assert adapter.validate_python("2026-09-21T08:30:00+08:00") == expected
        assert adapter.validate_json('"2026-09-21T08:30:00+08:00"') == expected
        assert adapter.validate_python("2026-09-21T00:30:00Z") == expected
        assert adapter.validate_python(expected) == expected
        assert adapter.validate_python(None) is None


@pytest.mark.parametrize(
    "value", [0, 1758412800, 1758412800.5, True, False, "0", "1758412800", "", "tomorrow"]
)
def test_numbers_and_words_are_not_moments(value):
    for adapter in (moments, aware_moments):
        with pytest.raises(ValidationError):
            adapter.validate_python(value)


def test_a_number_is_refused_with_the_form_a_moment_takes():
    with pytest.raises(ValidationError) as refused:
        aware_moments.validate_json("0")
    assert "ISO 8601" in refused.value.errors()[0]["msg"]


def test_a_day_is_not_a_moment():
    with pytest.raises(ValidationError):
        moments.validate_python(date(2026, 9, 21))


def test_an_aware_moment_needs_its_offset():
    with pytest.raises(ValidationError):
        aware_moments.validate_python("2026-09-21T08:30:00")
    with pytest.raises(ValidationError):
        aware_moments.validate_python(datetime(2026, 9, 21, 8, 30))
    assert moments.validate_python("2026-09-21T08:30:00") == datetime(2026, 9, 21, 8, 30)


def test_the_schema_is_the_one_of_the_plain_type():
    assert TypeAdapter(IsoDate).json_schema() == {"type": "string", "format": "date"}
    for kind in (IsoDateTime, AwareIsoDateTime):
        assert TypeAdapter(kind).json_schema() == {"type": "string", "format": "date-time"}
