"""Who gets a step, as pure rules: each holder, the deputy for an unavailable holder or a
role with no holder, nobody when there is neither; one task per person per step; and the
grades a level change reaches."""

import pytest

from emergency_svc.plans.document import Level, RoleIn
from emergency_svc.tasks.assignment import Placement, levels_passed, place_step


def role(holders, deputy=None):
    return RoleIn(role="site_lead", title="现场处置组", holders=holders, deputy=deputy)


def test_each_holder_gets_the_step_and_the_deputy_takes_over_a_missed_acknowledgement():
    assert place_step(role(["a", "b"], "d"), unavailable=set()) == [
        Placement("a", "a", "d", "holder"),
        Placement("b", "b", "d", "holder"),
    ]


def test_the_deputy_stands_in_for_a_holder_marked_unavailable():
    assert place_step(role(["a", "b"], "d"), unavailable={"b"}) == [
        Placement("a", "a", "d", "holder"),
        Placement("b", "d", None, "deputy_for_unavailable_holder"),
    ]


def test_a_deputy_standing_in_for_two_holders_gets_the_step_once():
    assert place_step(role(["a", "b"], "d"), unavailable={"a", "b"}) == [
        Placement("a", "d", None, "deputy_for_unavailable_holder"),
    ]


def test_a_deputy_who_is_also_a_holder_gets_the_step_once():
    assert place_step(role(["a", "d"], "d"), unavailable={"a"}) == [
        Placement("a", "d", None, "deputy_for_unavailable_holder"),
    ]
    assert place_step(role(["d"], "d"), unavailable=set()) == [
        Placement("d", "d", None, "holder"),
    ]


def test_a_role_with_no_holder_goes_to_its_deputy():
    assert place_step(role([], "d"), unavailable=set()) == [
        Placement("", "d", None, "deputy_for_missing_holder"),
    ]


@pytest.mark.parametrize(
    ("holders", "deputy", "unavailable"),
    [([], None, set()), ([], "d", {"d"})],
    ids=["neither", "deputy-unavailable"],
)
def test_with_nobody_to_take_it_the_step_is_left_unassigned(holders, deputy, unavailable):
    assert place_step(role(holders, deputy), unavailable=unavailable) == [
        Placement("", None, None, "nobody_available"),
    ]


def test_a_holder_unavailable_with_the_deputy_unavailable_too_is_left_unassigned():
    assert place_step(role(["a", "b"], "d"), unavailable={"a", "d"}) == [
        Placement("a", None, None, "nobody_available"),
        Placement("b", "b", "d", "holder"),
    ]


@pytest.mark.parametrize(
    ("old", "new", "passed"),
    [
        ("IV", "III", ["III"]),
        ("IV", "I", ["III", "II", "I"]),
        ("III", "II", ["II"]),
        ("II", "IV", []),
        ("I", "III", []),
    ],
)
def test_a_level_change_reaches_the_grades_above_the_old_one_up_to_the_new(old, new, passed):
    assert levels_passed(Level(old), Level(new)) == [Level(level) for level in passed]
