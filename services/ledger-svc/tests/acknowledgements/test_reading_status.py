"""Who has not yet read the revision in force, per department, against figures counted by
hand; and who sees whose names."""

import pytest

from ..quality.quality_helpers import Person
from .acknowledgement_helpers import acknowledge, distributed, in_force, reading, to_read

pytestmark = pytest.mark.on_day("2026-03-02T10:00:00+08:00")


@pytest.fixture
def people(token_mint):
    """The bureau as this test knows it: three of 财务处, two of 物业管理处, a leader
    without a department, an admin of 办公室, and one of 财务处 who never signs in."""

    def person(role, department, name):
        return Person(token_mint, role, department=department, name=name)

    return {
        "cw_head": person("dept_head", "财务处", "财务处长"),
        "cw_a": person("agent", "财务处", "甲"),
        "cw_b": person("agent", "财务处", "乙"),
        "wy_agent": person("agent", "物业管理处", "丙"),
        "wy_head": person("dept_head", "物业管理处", "物业处长"),
        "leader": Person(token_mint, "leader", name="王局长"),
        "admin": person("admin", "办公室", "管理员"),
        "stranger": person("agent", "财务处", "从未登录"),
        "owner": person("agent", "办公室", "文件负责人"),
    }


async def test_who_has_not_yet_read_it_is_counted_per_department(client, drafter, head, people):
    document = await in_force(client, drafter, head, people["owner"])
    # Distributed to 财务处, and to every department head and leader.
    await distributed(
        client, people["owner"], document, roles=["dept_head", "leader"], departments=["财务处"]
    )
    for key in ("cw_head", "cw_a", "cw_b", "wy_agent", "wy_head", "leader", "admin"):
        await to_read(client, people[key])  # signing in to the console asks for the list
    for key in ("cw_head", "cw_a", "wy_head"):
        assert (await acknowledge(client, people[key], document)).status_code == 201

    status = await reading(client, people["leader"], document)

    # By hand: 财务处 3 concerned (all its known people), 2 read, 乙 not yet; 物业管理处 its
    # head alone concerned (by role) of the 2 known, who read it; the leader (no department)
    # concerned by role, not yet; the admin concerned by nothing; 从未登录 unknown, uncounted.
    assert (status["revision_number"], status["concerned"]) == (1, 5)
    assert (status["acknowledged"], status["not_yet"]) == (3, 2)
    assert [
        (
            line["department"],
            line["known"],
            line["concerned"],
            line["acknowledged"],
            line["not_yet"],
            [person["name"] for person in line["people_not_yet"]],
        )
        for line in status["departments"]
    ] == [
        ("物业管理处", 2, 1, 1, 0, []),
        ("财务处", 3, 3, 2, 1, ["乙"]),
        (None, 1, 1, 0, 1, ["王局长"]),
    ]
    assert status["departments"][1]["people_not_yet"][0]["id"] == people["cw_b"].id


async def test_names_go_to_the_overseers_the_owner_and_a_head_for_their_own_department(
    client, drafter, head, people
):
    document = await in_force(client, drafter, head, people["owner"])
    await distributed(
        client, people["owner"], document, roles=["dept_head", "leader"], departments=["财务处"]
    )
    for key in ("cw_head", "cw_b", "wy_head", "leader"):
        await to_read(client, people[key])

    def names(status):
        return {line["department"]: line["people_not_yet"] for line in status["departments"]}

    for key in ("leader", "admin", "owner"):
        assert all(
            shown is not None
            for shown in names(await reading(client, people[key], document)).values()
        ), key
    as_head = names(await reading(client, people["cw_head"], document))
    assert [person["name"] for person in as_head["财务处"]] == ["乙", "财务处长"]
    assert as_head["物业管理处"] is None and as_head[None] is None
    as_agent = await reading(client, people["cw_b"], document)
    assert set(names(as_agent).values()) == {None}
    # The figures themselves are everyone's.
    assert [line["not_yet"] for line in as_agent["departments"]] == [1, 2, 1]
