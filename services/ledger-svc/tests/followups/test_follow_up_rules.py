"""The mapping from a closed incident to its follow-up items, without a database."""

import datetime as dt

import pytest

from ledger_svc.followups.rules import IncidentClosed, NotFollowable, follow_up_items


def incident(**changes):
    data = {
        "id": "inc-1",
        "title": "地下车库进水",
        "type": "flood",
        "level": "IV",
        "commander_id": "commander-1",
        "closed_at": "2026-07-31T23:30:00+08:00",
        "summary": "排水完毕",
        "follow_ups": ["加高车库挡水板"],
        **changes,
    }
    return IncidentClosed.model_validate(data)


def test_the_defaults_are_the_commanders_department_and_thirty_days_from_the_closing_day():
    [item] = follow_up_items(incident(commander_department="后勤服务中心"))
    assert item.department == "后勤服务中心"
    assert item.starts_on == dt.date(2026, 7, 31)
    assert item.deadline == dt.date(2026, 8, 30)
    assert item.quality_requirement == "" and item.weight == 1
    assert item.source.service == "emergency" and item.source.ref == "inc-1"
    # No code: the provenance names the incident, its level and its closing day.
    assert item.breakdown == "来源：突发事件“地下车库进水”（一般 IV级，2026-07-31 处置结束）"


def test_without_any_department_the_follow_up_is_emergency_managements():
    [item] = follow_up_items(incident())
    assert item.department == "应急管理"


def test_a_long_follow_up_is_cut_for_the_title_and_kept_whole_as_the_target():
    text = "整改" * 150
    [item] = follow_up_items(incident(follow_ups=[text]))
    assert len(item.title) == 200 and item.title.endswith("…")
    assert item.target == text


def test_a_follow_up_due_on_the_closing_day_is_accepted_and_one_due_before_is_not():
    [item] = follow_up_items(incident(follow_ups=[{"title": "当日整改", "deadline": "2026-07-31"}]))
    assert item.deadline == dt.date(2026, 7, 31)
    with pytest.raises(NotFollowable):
        follow_up_items(incident(follow_ups=[{"title": "整改", "deadline": "2026-07-30"}]))


def test_no_follow_ups_need_no_commander():
    assert follow_up_items(incident(follow_ups=[], commander_id=None)) == []
    with pytest.raises(NotFollowable):
        follow_up_items(incident(commander_id=None))
