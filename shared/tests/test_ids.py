"""Row ids are UUIDv7: valid, unique, and sorted by the moment they were made."""

from __future__ import annotations

import time
import uuid

import pytest

from guanjia_shared import ids
from guanjia_shared.ids import new_id


def test_an_id_is_a_version_7_uuid_carrying_its_millisecond() -> None:
    before = time.time_ns() // 1_000_000
    made = uuid.UUID(new_id())
    after = time.time_ns() // 1_000_000
    assert made.version == 7
    assert made.variant == uuid.RFC_4122
    assert before <= made.int >> 80 <= after
    assert str(made) == str(made).lower() and len(str(made)) == 36


def test_ids_made_later_sort_later_and_ids_of_one_millisecond_differ(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    moments = iter([1_796_000_000_000_000_000 + step * 1_000_000 for step in range(1000)])
    monkeypatch.setattr(ids.time, "time_ns", lambda: next(moments))
    made = [new_id() for _ in range(1000)]
    assert made == sorted(made)
    monkeypatch.setattr(ids.time, "time_ns", lambda: 1_796_000_000_000_000_000)
    same_millisecond = {new_id() for _ in range(10_000)}
    assert len(same_millisecond) == 10_000
