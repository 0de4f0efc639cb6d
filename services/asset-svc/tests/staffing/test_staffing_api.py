"""Staffing: an admin replaces a unit's headcount by rank; ranks are those of its level."""

from ..asset_helpers import API, make_unit


def staffing_url(unit_id):
    return f"{API}/units/{unit_id}/staffing"


async def test_an_admin_replaces_the_staffing_and_reads_every_rank_back(client, admin):
    unit = await make_unit(client, admin, level="county")
    lines = [{"rank": "head", "headcount": 1}, {"rank": "staff", "headcount": 12}]
    put = await client.put(staffing_url(unit), json=lines, headers=admin)
    assert put.status_code == 200, put.text
    body = (await client.get(staffing_url(unit), headers=admin)).json()
    assert body["level"] == "county" and body["total_headcount"] == 13
    assert [(item["rank"], item["headcount"]) for item in body["items"]] == [
        ("head", 1),
        ("deputy", 0),
        ("section_chief", 0),
        ("deputy_section_chief", 0),
        ("staff", 12),
    ]
    assert body["items"][0]["label"] == "县级正职" and body["recorded_at"] is not None


async def test_a_replacement_replaces_every_rank_and_the_latest_is_current(client, admin):
    unit = await make_unit(client, admin)
    await client.put(staffing_url(unit), json=[{"rank": "deputy", "headcount": 3}], headers=admin)
    await client.put(staffing_url(unit), json=[{"rank": "staff", "headcount": 7}], headers=admin)
    items = (await client.get(staffing_url(unit), headers=admin)).json()["items"]
    assert {item["rank"]: item["headcount"] for item in items if item["headcount"]} == {"staff": 7}


async def test_a_unit_without_staffing_has_none_of_any_rank(client, admin):
    unit = await make_unit(client, admin, level="township")
    body = (await client.get(staffing_url(unit), headers=admin)).json()
    assert body["total_headcount"] == 0 and body["recorded_at"] is None
    assert [item["rank"] for item in body["items"]] == ["head", "deputy", "staff"]


async def test_a_rank_of_another_level_is_refused_naming_it(client, admin):
    unit = await make_unit(client, admin, level="municipal")
    lines = [{"rank": "head", "headcount": 1}, {"rank": "section_chief", "headcount": 2}]
    answer = await client.put(staffing_url(unit), json=lines, headers=admin)
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["errors"] == [{"detail": problem["detail"], "pointer": "#/1/rank"}]
    assert "section_chief" in problem["detail"]
    assert (await client.get(staffing_url(unit), headers=admin)).json()["recorded_at"] is None


async def test_a_rank_named_twice_or_a_negative_headcount_is_refused(client, admin):
    unit = await make_unit(client, admin)
    twice = [{"rank": "staff", "headcount": 1}, {"rank": "staff", "headcount": 2}]
    answer = await client.put(staffing_url(unit), json=twice, headers=admin)
    assert answer.status_code == 422 and answer.json()["errors"][0]["pointer"] == "#/1/rank"
    negative = [{"rank": "staff", "headcount": -1}]
    answer = await client.put(staffing_url(unit), json=negative, headers=admin)
    assert answer.status_code == 422 and answer.json()["errors"][0]["pointer"] == "#/0/headcount"


async def test_the_staffing_of_an_unknown_unit_is_a_404(client, admin):
    answer = await client.put(staffing_url("nope"), json=[], headers=admin)
    assert answer.status_code == 404


async def test_only_an_admin_replaces_staffing(client, admin, token_mint):
    unit = await make_unit(client, admin)
    for headers in (token_mint.headers("leader"), token_mint.headers("unit_staff", unit_id=unit)):
        answer = await client.put(staffing_url(unit), json=[], headers=headers)
        assert answer.status_code == 403


async def test_unit_staff_and_clients_read_only_their_own_units_staffing(client, admin, token_mint):
    mine, theirs = await make_unit(client, admin, "甲局"), await make_unit(client, admin, "乙局")
    for role in ("unit_staff", "integration"):
        headers = token_mint.headers(role, unit_id=mine)
        assert (await client.get(staffing_url(mine), headers=headers)).status_code == 200
        refused = await client.get(staffing_url(theirs), headers=headers)
        assert refused.status_code == 403, role
        assert refused.json()["type"] == "urn:guanjia:problem:forbidden"
    for role in ("leader", "auditor", "admin"):
        answer = await client.get(staffing_url(theirs), headers=token_mint.headers(role))
        assert answer.status_code == 200, role
