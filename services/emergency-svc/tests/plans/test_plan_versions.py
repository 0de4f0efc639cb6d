"""Versions: every edit writes a new version, the status carries over, and no version is
ever rewritten, so an incident reads back the version it ran under."""

from .emergency_plan_helpers import PLANS, activated, created, plan_body

NEW_ORGANISATION = [
    {"role": "commander", "title": "总指挥", "holders": ["u-director"], "deputy": "u-vice"},
    {"role": "site_lead", "title": "现场处置组", "holders": ["u-guard"], "deputy": None},
    {"role": "medical", "title": "医疗救护组", "holders": [], "deputy": None},
]
NEW_PROCEDURES = [
    *plan_body()["procedures"],
    {"level": "IV", "step": 2, "role": "medical", "action": "待命", "within_minutes": 10},
]


async def test_editing_an_active_plan_makes_version_2_active_and_keeps_version_1(client, leader):
    plan = await activated(client, leader, (await created(client, leader))["id"])
    url = f"{PLANS}/{plan['id']}"

    edited = await client.patch(
        url,
        json={"organization": NEW_ORGANISATION, "procedures": NEW_PROCEDURES},
        headers={**leader, "If-Match": '"1"'},
    )
    assert edited.status_code == 200, edited.text
    assert edited.headers["etag"] == '"2"'
    current = edited.json()
    assert current["version"] == 2 and current["status"] == "active"
    assert [step["role"] for step in current["procedures"]] == ["site_lead", "commander", "medical"]
    # Parts left out are kept.
    assert current["title"] == plan["title"] and current["safeguards"] == plan["safeguards"]
    assert (await client.get(url, headers=leader)).json() == current

    first = await client.get(f"{url}/versions/1", headers=leader)
    assert first.status_code == 200
    assert first.json()["version"] == 1 and first.json()["plan_id"] == plan["id"]
    assert first.json()["procedures"] == plan_body()["procedures"]
    assert first.json()["organization"] == plan_body()["organization"]
    second = (await client.get(f"{url}/versions/2", headers=leader)).json()
    assert second["procedures"] == NEW_PROCEDURES and second["created_by"]

    listed = (await client.get(f"{url}/versions", headers=leader)).json()
    assert [v["version"] for v in listed["items"]] == [1, 2] and listed["total"] == 2
    assert (await client.get(f"{url}/versions/3", headers=leader)).status_code == 404


async def test_editing_a_draft_makes_a_newer_draft(client, leader):
    plan = await created(client, leader)
    url = f"{PLANS}/{plan['id']}"
    edited = await client.patch(url, json={"title": "一号楼火灾预案（修订）"}, headers=leader)
    assert edited.status_code == 200, edited.text
    assert edited.json()["version"] == 2 and edited.json()["status"] == "draft"
    assert (await client.get(f"{url}/versions/1", headers=leader)).json()["title"] == plan["title"]
    listed = (await client.get(PLANS, params={"status": "draft"}, headers=leader)).json()
    assert "一号楼火灾预案（修订）" in [item["title"] for item in listed["items"]]


async def test_an_edit_that_changes_nothing_writes_no_version(client, leader):
    plan = await created(client, leader)
    url = f"{PLANS}/{plan['id']}"
    same = await client.patch(url, json={"scope": plan["scope"]}, headers=leader)
    assert same.status_code == 200 and same.json()["version"] == 1
    assert (await client.get(f"{url}/versions", headers=leader)).json()["total"] == 1


async def test_an_edit_from_a_stale_version_is_refused_with_412(client, leader):
    plan = await created(client, leader)
    url = f"{PLANS}/{plan['id']}"
    assert (await client.patch(url, json={"scope": "一号楼"}, headers=leader)).status_code == 200

    stale = await client.patch(url, json={"scope": "二号楼"}, headers={**leader, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    current = (await client.get(url, headers=leader)).json()
    assert current["scope"] == "一号楼" and current["version"] == 2


async def test_an_edit_is_held_to_the_rules_of_a_new_plan(client, leader):
    plan = await created(client, leader)
    url = f"{PLANS}/{plan['id']}"

    # Dropping the site team while a procedure still names it.
    orphaned = await client.patch(
        url, json={"organization": plan_body()["organization"][:1]}, headers=leader
    )
    assert orphaned.status_code == 422
    pointers = [error["pointer"] for error in orphaned.json()["errors"]]
    assert pointers == ["#/procedures/0/role", "#/responsibilities/1/role"]

    unknown = await client.patch(url, json={"incident_types": ["fire", "volcano"]}, headers=leader)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["pointer"] == "#/incident_types/1"

    for body in ({"title": None}, {"code": "P-OTHER"}, {"procedures": [{"level": "V"}]}):
        refused = await client.patch(url, json=body, headers=leader)
        assert refused.status_code == 422, body

    assert (await client.get(f"{url}/versions", headers=leader)).json()["total"] == 1
    assert (await client.get(url, headers=leader)).json()["version"] == 1


async def test_a_retired_plan_is_not_edited(client, leader):
    plan = await activated(client, leader, (await created(client, leader))["id"])
    url = f"{PLANS}/{plan['id']}"
    assert (await client.post(f"{url}/retire", headers=leader)).status_code == 200
    refused = await client.patch(url, json={"scope": "二号楼"}, headers=leader)
    assert refused.status_code == 409
    assert refused.json()["rule"] == "retired-plan-is-not-edited"


async def test_only_an_admin_or_a_leader_edits_a_plan(client, leader, commander):
    plan = await created(client, leader)
    url = f"{PLANS}/{plan['id']}"
    assert (await client.patch(url, json={"scope": "x"}, headers=commander)).status_code == 403
    assert (await client.get(url, headers=leader)).json()["version"] == 1


async def test_an_active_plan_is_not_edited_into_another_active_plans_type(client, leader):
    fire = await activated(client, leader, (await created(client, leader))["id"])
    flood = await created(
        client, leader, code="P-FLOOD", title="防汛预案", incident_types=["rainstorm_flood"]
    )
    await activated(client, leader, flood["id"])

    refused = await client.patch(
        f"{PLANS}/{flood['id']}",
        json={"incident_types": ["rainstorm_flood", "fire"]},
        headers=leader,
    )
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["rule"] == "one-active-plan-per-incident-type"
    assert problem["incident_type"] == "fire" and problem["active_plan_code"] == fire["code"]
    assert (await client.get(f"{PLANS}/{flood['id']}", headers=leader)).json()["version"] == 1

    # A draft may name the type: it is not in force.
    draft = await created(client, leader, code="P-FIRE-2", title="火灾预案二")
    assert draft["incident_types"] == ["fire"]
