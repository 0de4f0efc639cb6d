"""The ledger's items: nesting, weighted roll-up, who reports, deadlines kept as baselines,
and what is refused."""

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events
from guanjia_shared.testing.tokens import Person

API = "/api/v1/ledger"

# Items of the 2026 plan, worked on in March 2026 (deadlines later that year).
pytestmark = pytest.mark.on_day("2026-03-02T10:00:00+08:00")


@pytest.fixture
def leader(token_mint):
    return Person(token_mint, "leader")


@pytest.fixture
def owner(token_mint):
    return Person(token_mint, "agent", department="综合处")


@pytest.fixture
async def plan(client, leader):
    made = await client.post(
        f"{API}/plans", json={"year": 2026, "title": "2026年工作要点"}, headers=leader.headers
    )
    assert made.status_code == 201, made.text
    return made.json()


async def add(
    client, who, plan, title, owner, parent=None, weight=1, deadline="2026-12-31", **more
):
    body = {
        "title": title,
        "owner_id": owner.id,
        "department": "综合处",
        "weight": weight,
        "deadline": deadline,
        "target": "完成目标",
        "quality_requirement": "符合规范",
        **more,
    }
    if parent is not None:
        body["parent_id"] = parent["id"]
    answer = await client.post(f"{API}/plans/{plan['id']}/items", json=body, headers=who.headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def report(client, who, item, percent, note="进展"):
    return await client.post(
        f"{API}/items/{item['id']}/progress",
        json={"percent": percent, "note": note},
        headers=who.headers,
    )


async def progress_of(client, who, item):
    return (await client.get(f"{API}/items/{item['id']}", headers=who.headers)).json()


async def test_a_parents_progress_is_the_weighted_roll_up_of_its_children(
    client, leader, owner, plan
):
    root = await add(client, leader, plan, "机关服务保障", owner)
    part_a = await add(client, leader, plan, "办公用房清理", owner, parent=root, weight=2)
    part_b = await add(client, leader, plan, "公务用车改革", owner, parent=root, weight=1)
    a1 = await add(client, leader, plan, "摸底", owner, parent=part_a, weight=1)
    a2 = await add(client, leader, plan, "整改", owner, parent=part_a, weight=3)

    assert (await report(client, owner, a1, 50)).status_code == 201
    assert (await report(client, owner, a2, 100)).status_code == 201
    # A = (1×50 + 3×100) / 4 = 87.5; root = (2×87.5 + 1×0) / 3 = 58.333…
    assert (await progress_of(client, leader, part_a))["progress"] == 87.5
    assert (await progress_of(client, leader, root))["progress"] == pytest.approx(58.3333, abs=1e-3)
    assert (await progress_of(client, leader, part_b))["progress"] == 0
    assert (await progress_of(client, leader, a2))["status"] == "done"
    assert (await progress_of(client, leader, part_a))["status"] == "open"

    await report(client, owner, a1, 100)
    finished = await progress_of(client, leader, part_a)
    assert finished["progress"] == 100 and finished["status"] == "done"
    assert finished["has_children"] is True and finished["completed_at"]
    # Falling back reopens the part and its parent.
    await report(client, owner, a1, 90, note="发现遗漏")
    assert (await progress_of(client, leader, a1))["status"] == "open"
    assert (await progress_of(client, leader, part_a))["status"] == "open"
    history = await client.get(f"{API}/items/{a1['id']}/progress", headers=leader.headers)
    assert [(r["percent"], r["note"]) for r in history.json()["items"]] == [
        (50, "进展"),
        (100, "进展"),
        (90, "发现遗漏"),
    ]


async def test_only_the_owner_or_an_admin_reports_and_only_on_items_without_parts(
    client, leader, owner, plan, token_mint
):
    root = await add(client, leader, plan, "总项", owner)
    leaf = await add(client, leader, plan, "分项", owner, parent=root)
    someone = Person(token_mint, "agent", department="综合处")
    refused = await report(client, someone, leaf, 30)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    rolled = await report(client, owner, root, 30)
    assert rolled.status_code == 409 and rolled.json()["rule"] == "progress-on-leaves"
    for bad in ({"percent": 101, "note": "x"}, {"percent": -1, "note": "x"}, {"percent": 5}):
        answer = await client.post(
            f"{API}/items/{leaf['id']}/progress", json=bad, headers=owner.headers
        )
        assert answer.status_code == 422, bad
    admin = Person(token_mint, "admin")
    assert (await report(client, admin, leaf, 40)).status_code == 201
    history = await client.get(f"{API}/items/{leaf['id']}/progress", headers=leader.headers)
    assert [r["percent"] for r in history.json()["items"]] == [40]
    assert (await progress_of(client, leader, root))["progress"] == 40


async def test_only_a_leader_moves_a_deadline_with_a_reason_and_the_baseline_stays(
    client, leader, owner, plan, token_mint
):
    item = await add(client, leader, plan, "食堂改造", owner, deadline="2026-12-15")
    url = f"{API}/items/{item['id']}/deadline"
    admin = Person(token_mint, "admin")
    move = {"deadline": "2026-12-31", "reason": "设备到货推迟"}
    assert (await client.post(url, json=move, headers=admin.headers)).status_code == 403
    assert (await client.post(url, json=move, headers=owner.headers)).status_code == 403
    no_reason = await client.post(url, json={"deadline": "2026-12-31"}, headers=leader.headers)
    assert no_reason.status_code == 422
    not_a_date = await client.post(
        url, json={"deadline": "年底", "reason": "x"}, headers=leader.headers
    )
    assert not_a_date.status_code == 422
    moved = await client.post(url, json=move, headers=leader.headers)
    assert moved.status_code == 200, moved.text
    assert moved.json()["deadline"] == "2026-12-31"
    assert moved.json()["original_deadline"] == "2026-12-15"
    changes = await client.get(f"{API}/items/{item['id']}/deadline-changes", headers=leader.headers)
    assert [(c["previous_deadline"], c["new_deadline"], c["reason"]) for c in changes.json()] == [
        ("2026-12-15", "2026-12-31", "设备到货推迟")
    ]
    # The deadline is not an ordinary field.
    patched = await client.patch(
        f"{API}/items/{item['id']}", json={"deadline": "2027-01-31"}, headers=leader.headers
    )
    assert patched.status_code == 422


async def test_a_parent_from_another_plan_or_a_cycle_is_refused_and_nothing_changes(
    client, leader, owner, plan
):
    other = await client.post(
        f"{API}/plans", json={"year": 2026, "title": "另一计划"}, headers=leader.headers
    )
    stranger = await add(client, leader, other.json(), "别处的项", owner)
    refused = await client.post(
        f"{API}/plans/{plan['id']}/items",
        json={
            "title": "x",
            "owner_id": owner.id,
            "department": "综合处",
            "deadline": "2026-12-31",
            "parent_id": stranger["id"],
        },
        headers=leader.headers,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "#/parent_id"

    top = await add(client, leader, plan, "上", owner)
    middle = await add(client, leader, plan, "中", owner, parent=top)
    bottom = await add(client, leader, plan, "下", owner, parent=middle)
    for new_parent in (bottom, top):
        cycle = await client.patch(
            f"{API}/items/{top['id']}", json={"parent_id": new_parent["id"]}, headers=leader.headers
        )
        assert cycle.status_code == 422, new_parent["title"]
    assert (await progress_of(client, leader, top))["parent_id"] is None
    listed = await client.get(f"{API}/plans/{plan['id']}/items", headers=leader.headers)
    assert listed.json()["total"] == 3


async def test_bad_items_are_refused(client, leader, owner, plan, token_mint):
    base = {"title": "x", "owner_id": owner.id, "department": "综合处", "deadline": "2026-12-31"}
    for bad in (
        {**base, "deadline": "明天"},
        {**base, "weight": 0},
        {**base, "deadline": "2020-01-01"},  # before it starts (today)
        {**base, "surprise": 1},
        {key: value for key, value in base.items() if key != "owner_id"},
    ):
        answer = await client.post(
            f"{API}/plans/{plan['id']}/items", json=bad, headers=leader.headers
        )
        assert answer.status_code == 422, bad
    other_head = Person(token_mint, "dept_head", department="财务处")
    answer = await client.post(
        f"{API}/plans/{plan['id']}/items", json=base, headers=other_head.headers
    )
    assert answer.status_code == 403
    head = Person(token_mint, "dept_head", department="综合处")
    answer = await client.post(f"{API}/plans/{plan['id']}/items", json=base, headers=head.headers)
    assert answer.status_code == 201
    assert (await client.get(f"{API}/plans/{plan['id']}/items", headers=leader.headers)).json()[
        "total"
    ] == 1
    unit_staff = token_mint.headers("unit_staff", unit_id="u")
    assert (await client.get(f"{API}/plans", headers=unit_staff)).status_code == 403


async def test_days_that_are_not_iso_text_are_refused_and_nothing_changes(
    client, leader, owner, plan
):
    # A number would otherwise be read as a Unix timestamp: 1798675200 as 2026-12-31, and a
    # `starts_on` of 0 as 1970-01-01.
    base = {"title": "x", "owner_id": owner.id, "department": "综合处", "deadline": "2026-12-31"}
    for bad, pointer in (
        ({**base, "deadline": 1798675200}, "#/deadline"),
        ({**base, "deadline": "1798675200"}, "#/deadline"),
        ({**base, "starts_on": 0}, "#/starts_on"),
    ):
        answer = await client.post(
            f"{API}/plans/{plan['id']}/items", json=bad, headers=leader.headers
        )
        assert answer.status_code == 422, bad
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["errors"][0]["pointer"] == pointer
    listed = await client.get(f"{API}/plans/{plan['id']}/items", headers=leader.headers)
    assert listed.json()["total"] == 0

    item = await add(client, leader, plan, "食堂改造", owner, deadline="2026-12-15")
    moved = await client.post(
        f"{API}/items/{item['id']}/deadline",
        json={"deadline": 1801353600, "reason": "设备到货推迟"},
        headers=leader.headers,
    )
    assert moved.status_code == 422, moved.text
    assert moved.headers["content-type"] == "application/problem+json"
    assert moved.json()["errors"][0]["pointer"] == "#/deadline"
    assert (await progress_of(client, leader, item))["deadline"] == "2026-12-15"
    changes = await client.get(f"{API}/items/{item['id']}/deadline-changes", headers=leader.headers)
    assert changes.json() == []


async def test_items_are_found_by_their_source_and_their_events_published(
    client, leader, owner, plan, nats_server_url, event_namespace
):
    item = await add(
        client, leader, plan, "整改消防通道", owner, source={"service": "emergency", "ref": "inc-7"}
    )
    assert item["source"] == {"service": "emergency", "ref": "inc-7"}
    found = await client.get(f"{API}/items?source_ref=inc-7", headers=leader.headers)
    assert [i["id"] for i in found.json()["items"]] == [item["id"]]
    await report(client, owner, item, 100, note="已完成")

    async def events():
        found = await published_events(nats_server_url, event_namespace, "ledger")
        kinds = [e.type for e in found if e.subject == item["id"]]
        assert "gov.guanjia.ledger.item.completed.v1" in kinds
        return found

    completed = next(e for e in await eventually(events) if e.type.endswith("item.completed.v1"))
    assert completed.data["department"] == "综合处" and completed.data["year"] == 2026
    assert completed.data["on_time"] is True and completed.data["deadline"] == "2026-12-31"
    assert completed.data["owner_id"] == owner.id


async def test_an_edit_from_a_stale_read_is_refused_with_412(client, leader, owner, plan):
    item = await add(client, leader, plan, "节能改造", owner)
    url = f"{API}/items/{item['id']}"
    read = await client.get(url, headers=leader.headers)
    tag = read.headers["etag"]
    first = await client.patch(url, json={"weight": 2}, headers={**leader.headers, "If-Match": tag})
    assert first.status_code == 200 and first.headers["etag"] != tag
    stale = await client.patch(url, json={"weight": 3}, headers={**leader.headers, "If-Match": tag})
    assert stale.status_code == 412
    assert (await client.get(url, headers=leader.headers)).json()["weight"] == 2
